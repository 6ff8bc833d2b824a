"""Zones of a 公文, line by line: head (标题, 发文字号, 主送, 公布 block), body, foot (落款, 成文日期,
附件 list, 版记) and stray text (a neighbouring document's cover, page headers of a compilation).

The body may come in several segments: a 印发 cover notice is signed and dated, and the document it
issues follows under its own title.  Everything that is not body is kept out of the provisions.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .clauses import clean_line
from .head import date_line, split_organs
from .lines import (ADDRESSEE, AFTER_DATE, ATTACH_HEAD, ATTACH_ITEM, ATTACH_LABEL, CLOSING, COLOPHON, INLINE_FOOT,
                    LING_HEADER, LING_SEQ, MARKER_START, PROMULGATION, SIGNER, SKIP_HEAD, STRAY, doc_number_line,
                    organ_line, title_line)
from .model import Zone
from .textview import compact, fw_digits

@dataclass
class Line:
    no: int      # 0-based line number in the input
    raw: str
    text: str    # cleaned: page furniture dropped, spaces between CJK removed


@dataclass
class Segment:
    """A run of body lines: the document's own body, or an attached document after the signature."""
    title: str | None
    lines: list[Line]
    label: str | None = None   # "附件2" as printed above an attached document


@dataclass
class ZoneScan:
    zones: list[Zone] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    promulgation: str | None = None
    signatures: list[tuple[list[str], dt.date | None]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    colophon: dict[str, str] = field(default_factory=dict)


def _lines(text: str) -> list[Line]:
    out = []
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        cleaned = clean_line(raw)
        if cleaned:
            out.append(Line(no, raw, cleaned))
    return out


class _Scanner:
    def __init__(self, text: str):
        self.lines = _lines(text)
        self.i = 0
        self.scan = ZoneScan()

    def zone(self, kind: str, first: int, last: int | None = None, text: str | None = None) -> None:
        last = first if last is None else last
        body = text if text is not None else "\n".join(l.text for l in self.lines[first:last + 1])
        self.scan.zones.append(Zone(kind, body, self.lines[first].no, self.lines[last].no))

    def peek(self, k: int = 0) -> Line | None:
        j = self.i + k
        return self.lines[j] if j < len(self.lines) else None

    # ------------------------------------------------------------------ head
    def head(self) -> str | None:
        """Consume head lines; returns the title found."""
        title_parts: list[int] = []
        title_done = False
        while self.peek():
            line = self.peek()
            t = line.text
            if not title_parts and re.match(r"^附\s*件\s*\d{0,2}\s+\S", t) and len(compact(t)) <= 60:
                t = re.sub(r"^附\s*件\s*\d{0,2}\s+", "", t)   # "附件2 青海省…协议": the label before a title
                line.text = t
            if not title_parts and (SKIP_HEAD.match(compact(t)) or ATTACH_LABEL.match(compact(t))):
                self.zone("other", self.i)
                self.i += 1
                continue
            nums = doc_number_line(t)
            if nums is not None and len(compact(t)) <= 60:
                self.scan.doc_numbers.extend(n for n in nums if n not in self.scan.doc_numbers)
                self.zone("doc_number", self.i)
                title_done = title_done or bool(title_parts)
                self.i += 1
                continue
            if LING_HEADER.match(compact(t)) and self.peek(1) and LING_SEQ.match(compact(self.peek(1).text)):
                seq = re.search(r"\d+", compact(self.peek(1).text)).group(0)
                number = f"{compact(t)}第{int(seq)}号"
                self.scan.doc_numbers.append(number)
                self.zone("doc_number", self.i, self.i + 1, number)
                title_done = title_done or bool(title_parts)
                self.i += 2
                continue
            if not title_done and len(title_parts) < 4 and not MARKER_START.match(compact(t)) \
                    and (len(compact(t)) <= 60 or len(compact(t)) <= 150 and title_line(compact(t))) \
                    and not re.search(r"[。；：:]$", t) and not date_line(t):   # eight issuers make a long title
                title_parts.append(self.i)
                self.i += 1
                if title_line("".join(self.lines[k].text for k in title_parts)):
                    nxt = self.peek()
                    # a title may wrap once more ("…的通知" then "（试行）")
                    if nxt and re.fullmatch(r"[（(][^（）()]{1,20}[）)]", compact(nxt.text)) \
                            and doc_number_line(nxt.text) is None:
                        title_parts.append(self.i)
                        self.i += 1
                    title_done = True   # numbers may follow, no more title lines
                continue
            break
        title = None
        if title_parts:
            joined = "".join(compact(self.lines[k].text) for k in title_parts)
            nxt = self.peek()
            announced = bool(self.scan.doc_numbers) or bool(nxt and ADDRESSEE.match(compact(nxt.text)))
            if title_line(joined) or (len(title_parts) <= 2 and announced and not organ_line(joined)):
                title = joined
                self.zone("title", title_parts[0], title_parts[-1], joined)
            else:   # not a title after all: give the lines back to the body
                self.i = title_parts[0]
        self._promulgation()
        self._addressee()
        return title

    def _promulgation(self) -> None:
        line = self.peek()
        if not line or not PROMULGATION.search(line.text) or MARKER_START.match(line.text):
            return
        start = self.i
        self.i += 1
        while self.peek() and not re.search(r"[。]$", self.lines[self.i - 1].text) \
                and not SIGNER.match(compact(self.peek().text)) and not date_line(self.peek().text):
            self.i += 1   # a wrapped 公布 sentence
        self.scan.promulgation = "".join(compact(l.text) for l in self.lines[start:self.i])
        self.zone("promulgation", start, self.i - 1, self.scan.promulgation)
        signers: list[str] = []
        while self.peek() and SIGNER.match(compact(self.peek().text)):
            signers.append(compact(self.peek().text))
            self.zone("signature", self.i)
            self.i += 1
        signed = None
        if self.peek() and date_line(self.peek().text):
            signed = date_line(self.peek().text)
            self.zone("date", self.i)
            self.i += 1
        self.scan.signatures.append(([], signed))

    def _addressee(self) -> None:
        """"各省、自治区、直辖市医疗保障局，新疆生产建设兵团医疗保障局：" (groups may be split by "，")."""
        line = self.peek()
        t = compact(line.text) if line else ""
        if line and ADDRESSEE.match(t) and not MARKER_START.match(t) and not re.search(r"如下|下列|以下", t) \
                and not re.match(r"^(?:为了?|根据|依据|按照|依照|经)", t):
            self.scan.addressees.extend(a for a in re.split(r"[，,；;]", t[:-1]) if a)
            self.zone("addressee", self.i)
            self.i += 1

    # ------------------------------------------------------------------ body and foot
    def _signature_at(self, j: int) -> tuple[int, int] | None:
        """(first organ line, date line) when a signature block starts at line j."""
        k = j
        while k < len(self.lines) and k - j < 4 and (organ_line(self.lines[k].text)
                                                       or SIGNER.match(compact(self.lines[k].text))):
            k += 1
        if k < len(self.lines) and date_line(self.lines[k].text):
            return j, k
        if k == j and date_line(self.lines[j].text):   # a date alone closing the text
            rest = self.lines[j + 1:]
            if all(COLOPHON.search(compact(l.text)) or AFTER_DATE.match(compact(l.text)) or organ_line(l.text)
                   for l in rest):
                return j, j
        return None

    def _next_document_at(self, j: int) -> bool:
        """A neighbouring document starts here: a title whose next lines hold a 发文字号 line."""
        for span in (1, 2, 3):
            if j + span >= len(self.lines):
                return False
            joined = "".join(compact(l.text) for l in self.lines[j:j + span])
            if title_line(joined) and doc_number_line(self.lines[j + span].text) is not None:
                return True
        return False

    def body(self) -> None:
        seg_title: str | None = None
        seg_label: str | None = None
        seg: list[Line] = []
        n = len(self.lines)
        while self.i < n:
            line = self.lines[self.i]
            t = compact(line.text)
            if COLOPHON.search(t):
                self._colophon()
                break
            if len(t) > 30 and t[-1] in "。；;" and not ATTACH_HEAD.match(t):
                seg.append(line)   # a sentence of the body: never a title, signature, date or 版记
                self.i += 1
                continue
            if STRAY.match(t) or (seg or self.scan.segments) and self._next_document_at(self.i):
                self.zone("other", self.i, n - 1)
                self.i = n
                break
            if CLOSING.match(t):
                self.zone("closing", self.i)
                self.i += 1
                continue
            if ATTACH_HEAD.match(t):
                self._attachment_list()
                continue
            sig = self._signature_at(self.i)
            if sig:
                self._signature(*sig)
                self.scan.segments.append(Segment(seg_title, seg, seg_label))
                seg = []
                seg_title, seg_label = self._after_signature()
                continue
            if self.scan.signatures and ATTACH_LABEL.match(t):   # "附件2": the next attached document
                self.scan.segments.append(Segment(seg_title, seg, seg_label))
                seg = []
                seg_title, seg_label = self._attachment_head()
                continue
            seg.append(line)
            self.i += 1
        if len(seg) >= 2 and self.i >= n and re.search(r"[。；]$", seg[-2].text) and len(compact(seg[-1].text)) <= 30 \
                and not re.search(r"[。；！？：:]", seg[-1].text) and not MARKER_START.match(compact(seg[-1].text)):
            line = seg.pop()   # the cut-off first words of the next document in a compilation ("国家医保局 财政部关于")
            self.scan.zones.append(Zone("other", line.text, line.no, line.no))
        while len(seg) >= 2 and organ_line(seg[-1].text) and not title_line(seg[-1].text) \
                and re.search(r"[。；！？]$", seg[-2].text):
            line = seg.pop()   # an organ line closing the text without a date: a signature or a stray line
            self.scan.zones.append(Zone("signature" if not self.scan.signatures else "other", line.text, line.no, line.no))
            if not self.scan.signatures:
                self.scan.signatures.append((split_organs(line.text), None))
        if seg:
            self._inline_foot(seg)
            self.scan.segments.append(Segment(seg_title, seg, seg_label))

    def _inline_foot(self, seg: list[Line]) -> None:
        """One line per PDF page: "…第二十八条… 青海省医疗保障局 2024年8月30日" closes inside the last line."""
        last = seg[-1]
        tail_at = max(0, len(last.text) - 120)   # the foot is at the end: never scan a whole page
        m = INLINE_FOOT.search(fw_digits(last.text), tail_at)
        if not m or m.start() == 0 or not re.search(r"[。；]$", last.text[:m.start()].strip()):
            return
        organs = split_organs(m["organ"])
        if not all(organ_line(o) for o in organs):
            return
        seg[-1] = Line(last.no, last.raw, last.text[:m.start()].strip())
        signed = date_line(m["date"])
        self.scan.zones.append(Zone("signature", m["organ"].strip(), last.no, last.no))
        self.scan.zones.append(Zone("date", m["date"], last.no, last.no))
        self.scan.signatures.append((organs, signed))

    def _signature(self, first: int, date_at: int) -> None:
        organs: list[str] = []
        for k in range(first, date_at):
            t = compact(self.lines[k].text)
            if not SIGNER.match(t):
                organs.extend(split_organs(self.lines[k].text))
        if date_at > first:
            self.zone("signature", first, date_at - 1)
        self.zone("date", date_at)
        self.scan.signatures.append((organs, date_line(self.lines[date_at].text)))
        self.i = date_at + 1
        while self.i < len(self.lines) and AFTER_DATE.match(compact(self.lines[self.i].text)):
            self.zone("other", self.i)
            self.i += 1

    def _after_signature(self) -> tuple[str | None, str | None]:
        """After a signature: stray organ lines, or an issued/attached document under its own title.
        Returns (title, "附件N" label) of what follows."""
        n = len(self.lines)
        start = self.i
        while self.i < n and (organ_line(self.lines[self.i].text) and not title_line(self.lines[self.i].text)):
            self.i += 1
        if self.i > start:
            self.zone("other", start, self.i - 1)
        if self.i >= n or COLOPHON.search(compact(self.lines[self.i].text)) or self._next_document_at(self.i):
            return None, None   # body() marks a following document as "other"
        return self._attachment_head()

    def _attachment_head(self) -> tuple[str | None, str | None]:
        """An optional "附件N" label and the title of the document that follows."""
        n = len(self.lines)
        label = None
        if self.i < n and ATTACH_LABEL.match(compact(self.lines[self.i].text)):
            label = re.sub(r"[:：]$", "", compact(self.lines[self.i].text))
            self.zone("other", self.i)
            self.i += 1
        parts: list[int] = []
        while self.i < n and len(parts) < 3 and not MARKER_START.match(compact(self.lines[self.i].text)) \
                and len(compact(self.lines[self.i].text)) <= 60 and not re.search(r"[。；：:]$", self.lines[self.i].text):
            parts.append(self.i)
            self.i += 1
            if title_line("".join(compact(self.lines[k].text) for k in parts)):
                title = "".join(compact(self.lines[k].text) for k in parts)
                self.zone("title", parts[0], parts[-1], title)
                self.scan.titles.append(title)
                return title, label
        self.i = parts[0] if parts else self.i
        return None, label

    def _attachment_list(self) -> None:
        start = self.i
        first = re.sub(r"^附\s*件\s*[:：]\s*", "", self.lines[self.i].text).strip()
        names = []
        if first:
            names.append(re.sub(r"^\d{1,2}\s*[.．、]\s*", "", first))
        self.i += 1
        while self.i < len(self.lines) and ATTACH_ITEM.match(self.lines[self.i].text) \
                and not re.search(r"[。；]$", self.lines[self.i].text):
            names.append(re.sub(r"^\d{1,2}\s*[.．、]\s*", "", self.lines[self.i].text).strip())
            self.i += 1
        self.scan.attachments.extend(names)
        self.zone("attachment_list", start, self.i - 1)

    def _colophon(self) -> None:
        start = self.i
        for line in self.lines[self.i:]:
            t = compact(line.text)
            m = re.match(r"^(抄送|抄报|分送|发送)[:：](.*)$", t)
            if m:
                self.scan.colophon[m[1]] = m[2]
            elif t.endswith("印发"):
                self.scan.colophon["印发"] = line.text.strip()
        self.zone("colophon", start, len(self.lines) - 1)
        self.i = len(self.lines)


def scan_zones(text: str) -> ZoneScan:
    sc = _Scanner(text)
    title = sc.head()
    if title:
        sc.scan.titles.append(title)
    sc.body()
    sc.scan.zones.sort(key=lambda z: z.start_line)
    return sc.scan
