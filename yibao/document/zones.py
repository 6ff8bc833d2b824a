"""Zones of a 公文, line by line: head (标题, 发文字号, 主送, 公布 block), body, foot (落款, 成文日期,
附件 list, 版记) and stray text (a neighbouring document's cover, page headers of a compilation).

The body may come in several segments: a 印发 cover notice is signed and dated, and the document it
issues follows under its own title.  Everything that is not body is kept out of the provisions.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .clauses import _clean_line
from .docnumber import find_doc_numbers_flat
from .head import DOCTYPES, ORGAN_LINE, date_line, split_organs
from .model import Zone
from .textview import compact, flat, fw_digits

_TITLE_END = re.compile(rf"(?:{DOCTYPES}|目录|凡例|规程|清单|名单|公报)(?:[（(][^（()）]{{1,20}}[）)])?[》」]?$")
_MARKER_START = re.compile(r"^(?:第[一二三四五六七八九十百零〇]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、])")
_PROMULGATION = re.compile(r"现予(?:以)?(?:公布|发布|印发)|予以公布|(?:会议|局务会|常务会)[^。]{0,12}(?:审议)?通过|业经[^。]{0,30}通过")
_SIGNER = re.compile(r"^(?:[\u4e00-\u9fff]{0,10}(?:局长|部长|总理|主任|署长|主席|院长|厅长|市长|省长|书记))\s*[：:]?\s*[\u4e00-\u9fff·]{2,5}$")
_LING_HEADER = re.compile(r"^[\u4e00-\u9fff]{2,30}令$")
_LING_SEQ = re.compile(r"^[（(]?第\d{1,5}号[）)]?$")
_CLOSING = re.compile(r"^特此(?:通知|公告|通告|函告|函复|批复|报告)[。.]?$")
_AFTER_DATE = re.compile(r"^[（(]此件[^）)]{0,20}[）)]$|^[（(]联系人[^）)]*[）)]?$|^联系人[:：]")
_COLOPHON = re.compile(r"^(?:抄送|抄报|分送|发送)[:：]|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日印发$")
_ATTACH_HEAD = re.compile(r"^附\s*件\s*[:：]")
_ATTACH_ITEM = re.compile(r"^\d{1,2}\s*[.．、]\s*\S")
_ATTACH_LABEL = re.compile(r"^附\s*件\s*\d{0,2}$|^附\s*件\s*\d{1,2}\s*[:：]?\s*$")
_SKIP_HEAD = re.compile(r"^(?:[\u4e00-\u9fff]{2,30}文件|索引号.*|特急|加急|平急|签发人.*|主题词.*|[★*]?(?:公开|依申请公开|不予公开)(?:方式)?.*)$")
_STRAY = re.compile(r"^#")
_ADDRESSEE = re.compile(r"^[^。；]{2,120}[：:]$")
_INLINE_FOOT = re.compile(
    r"(?P<organ>(?:[\u4e00-\u9fff]{2,30}(?:局|部|委|院|厅|办公室|委员会|政府|中心|署)\s*){1,4})\s*"
    r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")


@dataclass
class Line:
    no: int      # 0-based line number in the input
    raw: str
    text: str    # cleaned: page furniture dropped, spaces between CJK removed


@dataclass
class ZoneScan:
    zones: list[Zone] = field(default_factory=list)
    segments: list[tuple[str | None, list[Line]]] = field(default_factory=list)  # (segment title, body lines)
    doc_numbers: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    promulgation: str | None = None
    signatures: list[tuple[list[str], dt.date | None]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    colophon: dict[str, str] = field(default_factory=dict)
    ling_agency: str | None = None


def doc_number_line(text: str) -> list[str] | None:
    """Canonical numbers when a line holds only 发文字号 (in （…）, [], 〔〕, with PDF spaces)."""
    s = flat(text)
    nums = find_doc_numbers_flat(s)
    if not nums:
        return None
    rest = s
    for n in nums:
        rest = rest.replace(n.raw, "")
    if re.sub(r"[（）()\[\]【】/／、，,;；\s]", "", rest):
        return None
    return [n.canonical for n in nums]


def organ_line(text: str) -> bool:
    s = compact(text)
    if len(s) > 60 or re.search(r"[。；，：:]", s):
        return False
    return bool(ORGAN_LINE.match(s)) or all(ORGAN_LINE.match(p) for p in split_organs(text) or ["x"])


def title_line(text: str) -> bool:
    s = compact(text)
    return 4 <= len(s) <= 80 and not re.search(r"[。；：:]$", s) and bool(_TITLE_END.search(s)) \
        and not _MARKER_START.match(s)


def _lines(text: str) -> list[Line]:
    out = []
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        cleaned = _clean_line(raw)
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
    def head(self, first: bool) -> str | None:
        """Consume head lines; returns the title found."""
        title_parts: list[int] = []
        title_done = False
        while self.peek():
            line = self.peek()
            t = line.text
            if first and not title_parts and re.match(r"^附\s*件\s*\d{0,2}\s+\S", t) and len(compact(t)) <= 60:
                t = re.sub(r"^附\s*件\s*\d{0,2}\s+", "", t)   # "附件2 青海省…协议": the label before a title
                line.text = t
            if first and not title_parts and (_SKIP_HEAD.match(compact(t)) or _ATTACH_LABEL.match(compact(t))):
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
            if _LING_HEADER.match(compact(t)) and self.peek(1) and _LING_SEQ.match(compact(self.peek(1).text)):
                seq = re.search(r"\d+", compact(self.peek(1).text)).group(0)
                number = f"{compact(t)}第{int(seq)}号"
                self.scan.doc_numbers.append(number)
                self.zone("doc_number", self.i, self.i + 1, number)
                title_done = title_done or bool(title_parts)
                self.i += 2
                continue
            if not title_done and len(title_parts) < 4 and not _MARKER_START.match(compact(t)) \
                    and len(compact(t)) <= 60 and not re.search(r"[。；：:]$", t) and not date_line(t):
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
            if title_line(joined) or len(title_parts) <= 2:
                title = joined
                self.zone("title", title_parts[0], title_parts[-1], joined)
            else:   # not a title after all: give the lines back to the body
                self.i = title_parts[0]
        self._promulgation()
        self._addressee()
        return title

    def _promulgation(self) -> None:
        line = self.peek()
        if not line or not _PROMULGATION.search(line.text) or _MARKER_START.match(line.text):
            return
        start = self.i
        self.i += 1
        while self.peek() and not re.search(r"[。]$", self.lines[self.i - 1].text) \
                and not _SIGNER.match(compact(self.peek().text)) and not date_line(self.peek().text):
            self.i += 1   # a wrapped 公布 sentence
        self.scan.promulgation = "".join(compact(l.text) for l in self.lines[start:self.i])
        self.zone("promulgation", start, self.i - 1, self.scan.promulgation)
        signers: list[str] = []
        while self.peek() and _SIGNER.match(compact(self.peek().text)):
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
        line = self.peek()
        if line and _ADDRESSEE.match(line.text) and not _MARKER_START.match(line.text) \
                and not re.search(r"如下[：:]$|[，,]", line.text.replace("，", "、", 0)) \
                and not re.search(r"如下|下列|以下", line.text):
            self.scan.addressees.extend(a for a in re.split(r"[，,；;]", compact(line.text)[:-1]) if a)
            self.zone("addressee", self.i)
            self.i += 1

    # ------------------------------------------------------------------ body and foot
    def _signature_at(self, j: int) -> tuple[int, int] | None:
        """(first organ line, date line) when a signature block starts at line j."""
        k = j
        while k < len(self.lines) and k - j < 4 and (organ_line(self.lines[k].text)
                                                       or _SIGNER.match(compact(self.lines[k].text))):
            k += 1
        if k < len(self.lines) and date_line(self.lines[k].text):
            return j, k
        if k == j and date_line(self.lines[j].text):   # a date alone closing the text
            rest = self.lines[j + 1:]
            if all(_COLOPHON.search(compact(l.text)) or _AFTER_DATE.match(compact(l.text)) or organ_line(l.text)
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
        seg: list[Line] = []
        n = len(self.lines)
        while self.i < n:
            line = self.lines[self.i]
            t = compact(line.text)
            if _COLOPHON.search(t):
                self._colophon()
                break
            if len(t) > 30 and t[-1] in "。；;" and not _ATTACH_HEAD.match(t):
                seg.append(line)   # a sentence of the body: never a title, signature, date or 版记
                self.i += 1
                continue
            if _STRAY.match(t) or (seg or self.scan.segments) and self._next_document_at(self.i):
                self.zone("other", self.i, n - 1)
                self.i = n
                break
            if _CLOSING.match(t):
                self.zone("closing", self.i)
                self.i += 1
                continue
            if _ATTACH_HEAD.match(t):
                self._attachment_list()
                continue
            sig = self._signature_at(self.i)
            if sig:
                self._signature(*sig)
                self.scan.segments.append((seg_title, seg))
                seg, seg_title = [], None
                seg_title = self._after_signature()
                continue
            seg.append(line)
            self.i += 1
        if len(seg) >= 2 and self.i >= n and re.search(r"[。；]$", seg[-2].text) and len(compact(seg[-1].text)) <= 30 \
                and not re.search(r"[。；！？：:]", seg[-1].text) and not _MARKER_START.match(compact(seg[-1].text)):
            line = seg.pop()   # the cut-off first words of the next document in a compilation ("国家医保局 财政部关于")
            self.scan.zones.append(Zone("other", line.text, line.no, line.no))
        while seg and organ_line(seg[-1].text) and not title_line(seg[-1].text):
            line = seg.pop()   # an organ line closing the text without a date: a signature or a stray line
            self.scan.zones.append(Zone("signature" if not self.scan.signatures else "other", line.text, line.no, line.no))
            if not self.scan.signatures:
                self.scan.signatures.append((split_organs(line.text), None))
        if seg:
            self._inline_foot(seg)
            self.scan.segments.append((seg_title, seg))

    def _inline_foot(self, seg: list[Line]) -> None:
        """One line per PDF page: "…第二十八条… 青海省医疗保障局 2024年8月30日" closes inside the last line."""
        last = seg[-1]
        m = _INLINE_FOOT.search(fw_digits(last.text))
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
            if not _SIGNER.match(t):
                organs.extend(split_organs(self.lines[k].text))
        if date_at > first:
            self.zone("signature", first, date_at - 1)
        self.zone("date", date_at)
        self.scan.signatures.append((organs, date_line(self.lines[date_at].text)))
        self.i = date_at + 1
        while self.i < len(self.lines) and _AFTER_DATE.match(compact(self.lines[self.i].text)):
            self.zone("other", self.i)
            self.i += 1

    def _after_signature(self) -> str | None:
        """After a signature: stray organ lines, or the issued document under its own title."""
        n = len(self.lines)
        start = self.i
        while self.i < n and (organ_line(self.lines[self.i].text) and not title_line(self.lines[self.i].text)):
            self.i += 1
        if self.i >= n or self._signature_at(self.i) is None and self.i > start and (
                self.i >= n or _COLOPHON.search(compact(self.lines[self.i].text))):
            if self.i > start:
                self.zone("other", start, self.i - 1)
            return None
        if self.i > start:
            self.zone("other", start, self.i - 1)
        if self.i < n and self._next_document_at(self.i):
            return None   # body() marks the rest as another document
        if self.i < n and _ATTACH_LABEL.match(compact(self.lines[self.i].text)):
            self.zone("other", self.i)
            self.i += 1
        parts: list[int] = []
        while self.i < n and len(parts) < 3 and not _MARKER_START.match(compact(self.lines[self.i].text)) \
                and len(compact(self.lines[self.i].text)) <= 60 and not re.search(r"[。；：:]$", self.lines[self.i].text):
            parts.append(self.i)
            self.i += 1
            if title_line("".join(compact(self.lines[k].text) for k in parts)):
                title = "".join(compact(self.lines[k].text) for k in parts)
                self.zone("title", parts[0], parts[-1], title)
                self.scan.titles.append(title)
                return title
        self.i = parts[0] if parts else self.i
        return None

    def _attachment_list(self) -> None:
        start = self.i
        first = re.sub(r"^附\s*件\s*[:：]\s*", "", self.lines[self.i].text).strip()
        names = []
        if first:
            names.append(re.sub(r"^\d{1,2}\s*[.．、]\s*", "", first))
        self.i += 1
        while self.i < len(self.lines) and _ATTACH_ITEM.match(self.lines[self.i].text) \
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


_FOOT_JOINED = re.compile(
    r"^(?P<organs>(?:[\u4e00-\u9fff]{2,30}(?:局|部|委|院|厅|办公室|委员会|政府|中心|署)\s*){0,4})"
    r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
    r"(?:[（(]此件[^）)]{0,20}[）)])?$")


def is_foot_line(line: str) -> bool:
    """A 落款/成文日期/版记/特此通知 line of normalized text (where a signature and its date may be one line)."""
    t = compact(fw_digits(line))
    if not t:
        return False
    return bool(_FOOT_JOINED.match(t) or _COLOPHON.search(t) or _CLOSING.match(t) or _SIGNER.match(t)
                or (organ_line(t) and not title_line(t)) or _AFTER_DATE.match(t))


def foot_line_starts(normalized: str) -> list[int]:
    """Offsets of foot lines after the first line of a normalized text, so the clause tree ends its
    last clause there: a signature and date are never part of 四、 or 第五十条."""
    out, pos = [], 0
    for k, line in enumerate(normalized.split("\n")):
        if k and is_foot_line(line):
            out.append(pos)
        pos += len(line) + 1
    return out


def scan_zones(text: str) -> ZoneScan:
    sc = _Scanner(text)
    title = sc.head(first=True)
    if title:
        sc.scan.titles.append(title)
    sc.body()
    sc.scan.zones.sort(key=lambda z: z.start_line)
    return sc.scan
