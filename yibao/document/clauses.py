"""Clause tree of a Chinese official document (公文 / 条例 / 协议).

`normalize_text` cleans PDF/DOCX extraction noise (page furniture, soft line
wraps, spaces between CJK characters) without NFKC.  `parse_clauses` turns the
text into a flat, document-ordered list of `Clause` (编/章/节/条, 一、/（一）/
1./（1）, and plain paragraphs "¶N").  `outline` lists the headings.

Markers are found anywhere in a line (PDF text often holds a whole page per
line), but a marker is only accepted when it starts a line, follows a sentence
boundary (。；：！？) or directly follows a short heading ("第一章总则第一条…"),
and its number continues the sequence of its level.  This keeps cross
references ("依照第十二条规定"), "2.0版", "3.42元" and dates out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LEVELS: tuple[str, ...] = ("编", "章", "节", "条", "一、", "（一）", "1.", "（1）", "para")
LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}
HEADING_LEVELS = frozenset({"编", "章", "节"})

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "[一二三四五六七八九十百千零〇○两]+"
_DIGITS = "[0-9０-９]"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018-\u201f\u2026\u00b7"


class ClauseParseError(ValueError):
    """Raised when a clause marker cannot be interpreted (e.g. a bad numeral)."""


@dataclass
class Clause:
    label: str
    level: str
    number: int | None
    title: str
    text: str
    path: tuple[str, ...]
    start: int
    end: int
    sub: int | None = field(default=None, repr=False)  # 之一 → 1

    @property
    def ref(self) -> str:
        """Short unique-ish reference: from the innermost 条 (or top) down, e.g. "第四条（二）"."""
        return clause_ref(self.path)


def clause_ref(path: tuple[str, ...] | list[str]) -> str:
    path = list(path)
    for i in range(len(path) - 1, -1, -1):
        if re.fullmatch(r"第.+条(?:之.+)?", path[i]):
            return "".join(path[i:])
    return "".join(path)


_FW_DIGITS = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)})


def fw_digits(s: str) -> str:
    """Full-width digits → ASCII, nothing else (no NFKC)."""
    return s.translate(_FW_DIGITS)


def cn_to_int(numeral: str) -> int:
    """Chinese numeral (一百零五, 二十, 两百, 十二, 〇) or digits → int."""
    s = fw_digits(numeral.strip())
    if not s:
        raise ClauseParseError("empty numeral")
    if s.isdigit():
        return int(s)
    if any(c not in _CN_DIGITS and c not in _CN_UNITS for c in s):
        raise ClauseParseError(f"not a Chinese numeral: {numeral!r}")
    if not any(c in _CN_UNITS for c in s):  # digit by digit: 一〇二 → 102
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            total += (1 if digit is None else digit) * unit
            digit = None
    return total + (digit or 0)


# --------------------------------------------------------------------------- normalize

_SPACE = "[ \t\u3000\u00a0\u2002\u2003\u2009]"
_FURNITURE_START = re.compile(rf"^{_SPACE}*(?:[-—–－]{{1,2}}{_SPACE}*\d{{1,4}}{_SPACE}*[-—–－]{{1,2}}|第{_SPACE}*\d{{1,4}}{_SPACE}*页(?:{_SPACE}*共{_SPACE}*\d{{1,4}}{_SPACE}*页)?)(?={_SPACE}|$)")
_FURNITURE_END = re.compile(rf"(?<={_SPACE})(?:[-—–－]{{1,2}}{_SPACE}*\d{{1,4}}{_SPACE}*[-—–－]{{1,2}}|第{_SPACE}*\d{{1,4}}{_SPACE}*页(?:{_SPACE}*共{_SPACE}*\d{{1,4}}{_SPACE}*页)?){_SPACE}*$")
_FURNITURE_LINE = re.compile(rf"^{_SPACE}*(?:[-—–－]{{1,2}}{_SPACE}*\d{{1,4}}{_SPACE}*[-—–－]{{1,2}}|第{_SPACE}*\d{{1,4}}{_SPACE}*页(?:{_SPACE}*共{_SPACE}*\d{{1,4}}{_SPACE}*页)?){_SPACE}*$")
_WIDE = f"{CJK}{CJK_PUNCT}"
_SP_CJK_CJK = re.compile(rf"(?<=[{_WIDE}]){_SPACE}+(?=[{_WIDE}])")
_SP_CJK_NUM = re.compile(rf"(?<=[{_WIDE}]){_SPACE}+(?=[0-9０-９A-Za-z%％(（])")
_SP_NUM_CJK = re.compile(rf"(?<=[0-9０-９A-Za-z%％)）.]){_SPACE}+(?=[{_WIDE}])")
_PARA_END = "。；;！!？?：:"
_MARKER_AT_START = re.compile(
    rf"^(?:第{_CN_NUM}[编章节条]|{_CN_NUM}、|[（(](?:{_CN_NUM}|{_DIGITS}{{1,2}})[）)]|{_DIGITS}{{1,2}}(?:[.．](?!\d)|、)|附件)")


def _clean_line(line: str) -> str:
    if _FURNITURE_LINE.match(line):
        return ""
    line = _FURNITURE_START.sub("", line)
    line = _FURNITURE_END.sub("", line)
    line = _SP_CJK_CJK.sub("", line)
    line = _SP_CJK_NUM.sub("", line)
    line = _SP_NUM_CJK.sub("", line)
    return re.sub(f"{_SPACE}+", " ", line).strip()


clean_line = _clean_line   # public: the zone scanner cleans lines the same way


def _is_heading_line(line: str) -> bool:
    return bool(re.match(rf"^第{_CN_NUM}[编章节]", line)) and len(line) <= 30


_TOC_ENTRY = re.compile(rf"^({_CN_NUM})、[^，。；：,;:]{{1,24}}$")


def _toc_lines(lines: list[str]) -> set[int]:
    """Indexes of table-of-contents lines: ≥3 consecutive short "一、xx" lines numbered 1, 2, 3…
    (a cover page's 目录).  They are joined like soft wraps, so a DOCX extraction (one line
    per entry) and a PDF extraction (all on one line) normalize to the same text."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        run: list[int] = []
        j = i
        while j < len(lines):
            m = _TOC_ENTRY.match(lines[j])
            try:
                ok = bool(m) and cn_to_int(m.group(1)) == len(run) + 1
            except ClauseParseError:
                ok = False
            if not ok:
                break
            run.append(j)
            j += 1
        if len(run) >= 3:
            found.update(run)
            i = j
        else:
            i += 1
    return found


def normalize_text(text: str) -> str:
    """Clean extracted text for clause parsing and diffing.

    Strips page furniture ("— 3 —", "- 3 -", "第 3 页"), removes spurious spaces
    between CJK characters (and between CJK and digits: "1398 种" → "1398种"),
    and rejoins soft-wrapped lines: a line not ending in 。；：！？ is joined with
    the next unless the next starts with a structure marker or the line is a
    章/节 heading.  Blank lines end a paragraph.  Never applies NFKC.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_text expects str, got {type(text).__name__}")
    lines = [_clean_line(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    toc = _toc_lines(lines)
    paragraphs: list[str] = []
    current = ""
    for idx, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        if not current:
            current = line
            continue
        starts_marker = _MARKER_AT_START.match(line) and idx not in toc
        if current[-1] in _PARA_END or starts_marker or _is_heading_line(current):
            paragraphs.append(current)
            current = line
            continue
        wide_join = re.match(f"[{_WIDE}]", current[-1]) or re.match(f"[{_WIDE}]", line[0])
        current = current + ("" if wide_join else " ") + line
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs) + ("\n" if paragraphs else "")


# --------------------------------------------------------------------------- parse

_MARKER = re.compile(
    rf"""
    (?P<bian>第(?P<bian_n>{_CN_NUM})编)
  | (?P<zhang>第(?P<zhang_n>{_CN_NUM})章)
  | (?P<jie>第(?P<jie_n>{_CN_NUM})节)
  | (?P<tiao>第(?P<tiao_n>{_CN_NUM}|{_DIGITS}{{1,3}})条(?:之(?P<tiao_sub>{_CN_NUM}))?)
  | (?<![一二三四五六七八九十百千零〇○两第])(?P<yi>(?P<yi_n>{_CN_NUM})、)(?![一二三四五六七八九十])
  | (?<!第)(?P<paren_cn>[（(](?P<paren_cn_n>{_CN_NUM})[）)])
  | (?<![0-9０-９.．A-Za-z])(?P<dot>(?P<dot_n>{_DIGITS}{{1,2}})(?:[.．](?![0-9０-９])|、))
  | (?<!第)(?P<paren_num>[（(](?P<paren_num_n>{_DIGITS}{{1,2}})[.．、]?[）)])
    """,
    re.X,
)
_GROUP_LEVEL = {"bian": "编", "zhang": "章", "jie": "节", "tiao": "条",
                "yi": "一、", "paren_cn": "（一）", "dot": "1.", "paren_num": "（1）"}
_BOUNDARY_BEFORE = set(_PARA_END) | {"\n"}
_HEADING_TITLE_MAX = 30
_HEADING_TITLE_STOP = re.compile(r"[，,。；;：:！!？?、]")


@dataclass
class _Marker:
    level: str
    number: int
    sub: int | None
    label: str
    start: int  # marker start
    body_start: int  # after the marker


def _label(level: str, number_text: str, raw: str, sub_text: str | None) -> str:
    if level in ("编", "章", "节", "条"):
        return raw
    if level == "一、":
        return f"{number_text}、"
    if level == "（一）":
        return f"（{number_text}）"
    if level == "1.":
        return f"{fw_digits(number_text)}."
    return f"（{fw_digits(number_text)}）"


def _prev_char(text: str, pos: int) -> str:
    i = pos - 1
    while i >= 0 and text[i] in " \t\u3000":
        i -= 1
    return "\n" if i < 0 else text[i]


def _sequence_ok(level: str, number: int, sub: int | None, last: dict[str, tuple[int, int | None]], at_line_start: bool) -> bool:
    prev = last.get(level)
    if prev is None:
        return True if level in ("编", "章", "节", "条") else (number == 1 or at_line_start)
    prev_n, prev_sub = prev
    if sub is not None:  # 第十条之一 follows 第十条 (or 第十条之一 → 之二)
        return number == prev_n
    if level in ("编", "章", "节", "条"):
        return prev_n < number <= prev_n + (3 if at_line_start else 1)
    if number == 1:
        return True
    return number == prev_n + 1 or (at_line_start and prev_n < number <= prev_n + 2)


_REF_BEFORE = set("第依照按据及和或与、至到见即在于对条款项目")
_REF_AFTER = re.compile(r"^(?:规定|的规定|所列|所述|中的|第|至|、|和|及|或|之|项|款|[0-9０-９])")


def _loose_ok(text: str, m: re.Match, level: str, number: int, sub: int | None,
              last: dict[str, tuple[int, int | None]], prev: str) -> bool:
    """Accept a marker inside running text (joined PDF tables, "，第二条…") only when it is
    exactly the next number of its level and does not read like a cross reference."""
    prev_n = last.get(level)
    if prev_n is None or sub is not None or number != prev_n[0] + 1:
        return False
    if prev in _REF_BEFORE:
        return False
    return not _REF_AFTER.match(text[m.end():m.end() + 3])


def _find_markers(text: str) -> list[_Marker]:
    accepted: list[_Marker] = []
    last: dict[str, tuple[int, int | None]] = {}
    for m in _MARKER.finditer(text):
        group = m.lastgroup
        if group is None:
            continue
        key = next(g for g in _GROUP_LEVEL if m.group(g) is not None)
        level = _GROUP_LEVEL[key]
        num_text = m.group(f"{key}_n")
        try:
            number = cn_to_int(num_text)
        except ClauseParseError:
            continue
        sub_text = m.group("tiao_sub") if key == "tiao" else None
        sub = cn_to_int(sub_text) if sub_text else None
        prev = _prev_char(text, m.start())
        at_line_start = prev == "\n"
        at_boundary = prev in _BOUNDARY_BEFORE
        after_heading = False
        if not at_boundary and accepted:
            head = accepted[-1]
            between = text[head.body_start:m.start()]
            if (head.level in HEADING_LEVELS or LEVEL_RANK[head.level] < LEVEL_RANK[level]) \
                    and len(between.strip()) <= _HEADING_TITLE_MAX and "\n" not in between \
                    and not _HEADING_TITLE_STOP.search(between) \
                    and (head.level in HEADING_LEVELS or head.level in ("一、", "（一）")):
                after_heading = True
        if not (at_boundary or after_heading or _loose_ok(text, m, level, number, sub, last, prev)):
            continue
        if not _sequence_ok(level, number, sub, last, at_line_start):
            continue
        if number == 1 and not at_line_start and accepted and accepted[-1].level == level and accepted[-1].number >= 2:
            continue   # "11.住院医疗类型：1.住院 2.日间手术": a field's options inside the line, not a new list
        label = _label(level, num_text, m.group(key), sub_text)
        accepted.append(_Marker(level, number, sub, label, m.start(), m.end()))
        last[level] = (number, sub)
        # a new higher level restarts the counters of levels below it
        for lower in LEVELS[LEVEL_RANK[level] + 1:]:
            if lower in ("条",):
                continue  # 条 numbering runs through chapters
            if level in ("条", "编", "章", "节") and lower in ("（一）", "1.", "（1）", "一、"):
                last.pop(lower, None)
    return accepted


def _title_of(level: str, body: str) -> str:
    first = body.strip().split("\n", 1)[0].strip()
    if level in HEADING_LEVELS:
        return first[:_HEADING_TITLE_MAX * 2]
    if first and len(first) <= _HEADING_TITLE_MAX and not _HEADING_TITLE_STOP.search(first):
        return first
    return ""


def _paragraph_clauses(text: str, start: int, end: int, counter: list[int], parent_path: tuple[str, ...]) -> list[Clause]:
    out: list[Clause] = []
    pos = start
    for line in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if not line.strip():
            continue
        counter[0] += 1
        label = f"¶{counter[0]}"
        out.append(Clause(label, "para", counter[0], "", line.strip(), parent_path + (label,), line_start, min(line_end + 1, end)))
    return out


def parse_clauses(text: str, breaks: list[int] | tuple[int, ...] = ()) -> list[Clause]:
    """Parse (already normalized) text into a flat, document-ordered clause list.

    Offsets `start`/`end` index into `text`; `text[start:end]` is the whole
    clause including its marker.  A clause's `text` is its own body (without the
    marker) up to the next clause, so children are not repeated in parents.
    Text before the first marker, and documents without markers, become "¶N"
    paragraph clauses, one per line.  `breaks` are line offsets (see
    `yibao.document.zones.foot_line_starts`) where the running clause ends and top-level
    paragraphs begin: a signature/date line after the last article is not part of it.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_clauses expects str, got {type(text).__name__}")
    markers = _find_markers(text)
    clauses: list[Clause] = []
    para_counter = [0]
    first = markers[0].start if markers else len(text)
    clauses.extend(_paragraph_clauses(text, 0, first, para_counter, ()))
    stack: list[tuple[str, str]] = []  # (level, label)
    cuts = sorted(b for b in breaks if b >= first)
    for i, mk in enumerate(markers):
        end = markers[i + 1].start if i + 1 < len(markers) else len(text)
        cut = next((b for b in cuts if mk.body_start < b < end), None)
        while stack and LEVEL_RANK[stack[-1][0]] >= LEVEL_RANK[mk.level]:
            stack.pop()
        stack.append((mk.level, mk.label))
        body = text[mk.body_start:cut if cut is not None else end]
        clauses.append(Clause(
            label=mk.label, level=mk.level, number=mk.number, title=_title_of(mk.level, body),
            text=body.strip(), path=tuple(lbl for _, lbl in stack), start=mk.start,
            end=cut if cut is not None else end, sub=mk.sub))
        if cut is not None:
            clauses.extend(_paragraph_clauses(text, cut, end, para_counter, ()))
    return clauses


def outline(text: str) -> list[dict]:
    """Headings of the document: 编/章/节 and numbered items that carry a short title."""
    result = []
    for c in parse_clauses(text):
        if c.level == "para":
            continue
        if c.level in HEADING_LEVELS or c.title:
            result.append({"label": c.label, "level": c.level, "title": c.title, "path": list(c.path)})
    return result
