"""Quiz export for LMSs: Moodle GIFT and Moodle XML, plus a small GIFT reader (for round-trip tests)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .model import LessonDraft, LessonInputError

_GIFT_SPECIAL = "\\~=#{}:"


class GiftParseError(ValueError):
    """Text that is not valid GIFT (as far as this reader understands it)."""


def gift_escape(s: str) -> str:
    s = re.sub(r"\s*\n\s*", " ", str(s)).strip()
    return "".join("\\" + c if c in _GIFT_SPECIAL else c for c in s)


def gift_unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def _drafts(drafts) -> list[LessonDraft]:
    if isinstance(drafts, (LessonDraft, dict)):
        drafts = [drafts]
    return [LessonDraft.from_dict(d) if isinstance(d, dict) else d for d in drafts]


def _category(d: LessonDraft) -> str:
    doc = d.source.get("doc_number") or d.source.get("title") or "未命名文件"
    return f"yibao/{doc}/{d.role_name}".replace("\n", " ")


def _number(answer: str) -> str:
    m = re.search(r"-?\d+(?:\.\d+)?", answer)
    if not m:
        raise LessonInputError(f"numeric quiz answer has no number: {answer!r}")
    return m.group(0)


def to_gift(drafts) -> str:
    """GIFT text: one $CATEGORY per lesson (yibao/<文号>/<role>), items named by clause reference."""
    out: list[str] = []
    for d in _drafts(drafts):
        out.append(f"// {d.role_name}｜{d.source.get('title', '')}｜{d.source.get('doc_number') or ''}")
        out.append(f"$CATEGORY: {_category(d)}")
        out.append("")
        for i, q in enumerate(d.quiz, 1):
            name = gift_escape(f"{d.role}-{i} {q.ref}".strip())
            stem = gift_escape(q.question)
            fb = f"#{gift_escape(q.explanation)}" if q.explanation else ""
            if q.kind == "truefalse":
                body = ("TRUE" if q.answer in ("正确", "对", "是", "true", "TRUE") else "FALSE") + fb
                out.append(f"::{name}::{stem}{{{body}}}")
            elif q.kind == "numeric":
                out.append(f"::{name}::{stem}{{#{_number(q.answer)}:0{fb}}}")
            else:
                lines = [f"::{name}::{stem}{{", f"\t={gift_escape(q.answer)}{fb}"]
                lines += [f"\t~{gift_escape(x)}" for x in q.distractors]
                lines.append("}")
                out.extend(lines)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- reader

def _split_unescaped(s: str, seps: str) -> list[tuple[str, str]]:
    """Split at unescaped separator chars; returns (separator, text) pairs ('' for the leading text)."""
    parts, cur, sep, i = [], [], "", 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            cur.append(s[i:i + 2])
            i += 2
            continue
        if c in seps:
            parts.append((sep, "".join(cur)))
            cur, sep = [], c
        else:
            cur.append(c)
        i += 1
    parts.append((sep, "".join(cur)))
    return parts


def _find_unescaped(s: str, ch: str, start: int = 0) -> int:
    i = start
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == ch:
            return i
        i += 1
    return -1


def _feedback_split(answer: str) -> tuple[str, str]:
    """'text#feedback' at the first unescaped '#'."""
    i = _find_unescaped(answer, "#")
    return (answer.strip(), "") if i < 0 else (answer[:i].strip(), answer[i + 1:].strip())


def parse_gift(text: str) -> list[dict]:
    """Read the GIFT subset we write (multiple choice, true/false, numeric, short answer):
    [{"category", "name", "question", "kind", "answer", "distractors", "feedback"}]."""
    items: list[dict] = []
    category = None
    blocks, cur = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            category = stripped[len("$CATEGORY:"):].strip()
            continue
        if not stripped:
            if cur:
                blocks.append((category, " ".join(cur)))
                cur = []
            continue
        cur.append(stripped)
    if cur:
        blocks.append((category, " ".join(cur)))
    for cat, block in blocks:
        name = None
        if block.startswith("::"):
            end = block.find("::", 2)
            while end != -1 and block[end - 1] == "\\":
                end = block.find("::", end + 1)
            if end == -1:
                raise GiftParseError(f"unterminated ::name:: in {block[:60]!r}")
            name = gift_unescape(block[2:end])
            block = block[end + 2:]
        open_i = _find_unescaped(block, "{")
        close_i = _find_unescaped(block, "}", open_i + 1) if open_i >= 0 else -1
        if open_i < 0 or close_i < 0:
            raise GiftParseError(f"question without an answer block {{…}}: {block[:60]!r}")
        stem = gift_unescape(block[:open_i].strip())
        body = block[open_i + 1:close_i].strip()
        item = {"category": cat, "name": name, "question": stem, "answer": None, "distractors": [], "feedback": None}
        if body.startswith("#"):
            val, fb = _feedback_split(body[1:])
            num = val.split(":")[0].strip()
            try:
                float(num)
            except ValueError as exc:
                raise GiftParseError(f"numeric answer is not a number: {num!r}") from exc
            item.update(kind="numeric", answer=num, feedback=gift_unescape(fb) or None)
        elif re.fullmatch(r"(TRUE|FALSE|T|F)(#.*)?", body, re.S):
            val, fb = _feedback_split(body)
            item.update(kind="truefalse", answer="正确" if val.startswith("T") else "错误",
                        distractors=["错误" if val.startswith("T") else "正确"], feedback=gift_unescape(fb) or None)
        else:
            answers = [(sep, txt.strip()) for sep, txt in _split_unescaped(body, "=~") if sep]
            if not answers:
                raise GiftParseError(f"answer block has no = or ~ answers: {body[:60]!r}")
            right = [t for s, t in answers if s == "="]
            wrong = [t for s, t in answers if s == "~"]
            if not right:
                raise GiftParseError(f"no correct (=) answer in {body[:60]!r}")
            ans, fb = _feedback_split(right[0])
            kind = "choice" if wrong else "shortanswer"
            item.update(kind=kind, answer=gift_unescape(ans), feedback=gift_unescape(fb) or None,
                        distractors=[gift_unescape(_feedback_split(w)[0]) for w in wrong])
        items.append(item)
    return items


# --------------------------------------------------------------------------- Moodle XML

def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    ET.SubElement(el, "text").text = value
    return el


def to_moodle_xml(drafts) -> str:
    """Moodle XML question bank (multichoice, truefalse, numerical) with a category per lesson
    and tags for role and 发文字号."""
    quiz = ET.Element("quiz")
    for d in _drafts(drafts):
        cat = ET.SubElement(quiz, "question", type="category")
        _text(cat, "category", f"$course$/{_category(d)}")
        for i, q in enumerate(d.quiz, 1):
            qtype = {"choice": "multichoice", "truefalse": "truefalse", "numeric": "numerical"}[q.kind]
            el = ET.SubElement(quiz, "question", type=qtype)
            _text(el, "name", f"{d.role}-{i} {q.ref}".strip())
            _text(el, "questiontext", q.question, "html")
            _text(el, "generalfeedback", q.explanation or "", "html")
            ET.SubElement(el, "defaultgrade").text = "1"
            ET.SubElement(el, "penalty").text = "0"
            ET.SubElement(el, "hidden").text = "0"
            if q.kind == "choice":
                ET.SubElement(el, "single").text = "true"
                ET.SubElement(el, "shuffleanswers").text = "1"
                ET.SubElement(el, "answernumbering").text = "ABCD"
                a = _text(el, "answer", q.answer, "html")
                a.set("fraction", "100")
                for x in q.distractors:
                    _text(el, "answer", x, "html").set("fraction", "0")
            elif q.kind == "truefalse":
                right = q.answer in ("正确", "对", "是", "true", "TRUE")
                _text(el, "answer", "true").set("fraction", "100" if right else "0")
                _text(el, "answer", "false").set("fraction", "0" if right else "100")
            else:
                a = _text(el, "answer", _number(q.answer))
                a.set("fraction", "100")
                ET.SubElement(a, "tolerance").text = "0"
            tags = ET.SubElement(el, "tags")
            for t in (f"role:{d.role}", f"文号:{d.source.get('doc_number') or '无'}", f"条款:{q.ref}"):
                ET.SubElement(ET.SubElement(tags, "tag"), "text").text = t
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
