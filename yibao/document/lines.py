"""What one line of a 公文 is: a 发文字号 line, a title, an issuing body, a foot line (落款, 成文日期,
版记, 特此通知).  The zone scanner (`zones.py`) and the diff (`foot_line_starts`) classify lines with these."""
from __future__ import annotations

import re

from .docnumber import find_doc_numbers_flat
from .head import DOCTYPES, ORGAN_LINE, split_organs
from .textview import compact, flat, fw_digits

TITLE_END = re.compile(rf"(?:{DOCTYPES}|目录|凡例|规程|清单|名单|公报)(?:[（(][^（()）]{{1,20}}[）)])?[》」]?$")
MARKER_START = re.compile(r"^(?:第[一二三四五六七八九十百零〇]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、])")
PROMULGATION = re.compile(r"现予(?:以)?(?:公布|发布|印发)|予以公布|(?:会议|局务会|常务会)[^。]{0,12}(?:审议)?通过|业经[^。]{0,30}通过")
SIGNER = re.compile(r"^(?:[\u4e00-\u9fff]{0,10}(?:局长|部长|总理|主任|署长|主席|院长|厅长|市长|省长|书记))\s*[：:]?\s*[\u4e00-\u9fff·]{2,5}$")
LING_HEADER = re.compile(r"^[\u4e00-\u9fff]{2,30}令$")
LING_SEQ = re.compile(r"^[（(]?第\d{1,5}号[）)]?$")
CLOSING = re.compile(r"^特此(?:通知|公告|通告|函告|函复|批复|报告)[。.]?$")
AFTER_DATE = re.compile(r"^[（(]此件[^）)]{0,20}[）)]$|^[（(]联系人[^）)]*[）)]?$|^联系人[:：]")
COLOPHON = re.compile(r"^(?:抄送|抄报|分送|发送)[:：]|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日印发$")
ATTACH_HEAD = re.compile(r"^附\s*件\s*[:：]")
ATTACH_ITEM = re.compile(r"^\d{1,2}\s*[.．、]\s*\S")
ATTACH_LABEL = re.compile(r"^附\s*件\s*\d{0,2}$|^附\s*件\s*\d{1,2}\s*[:：]?\s*$")
SKIP_HEAD = re.compile(r"^(?:[\u4e00-\u9fff]{2,30}文件|索引号.*|特急|加急|平急|签发人.*|主题词.*|[★*]?(?:公开|依申请公开|不予公开)(?:方式)?.*)$")
STRAY = re.compile(r"^#")
ADDRESSEE = re.compile(r"^[^。；]{2,120}[：:]$")
# a signature and date closing a long line: the bodies are checked with organ_line afterwards (no nested
# repetition here: a long run of organ-like words must not backtrack for seconds)
INLINE_FOOT = re.compile(r"(?P<organ>[\u4e00-\u9fff][\u4e00-\u9fff\s]{1,80}?)\s*"
                         r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")


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
    return 4 <= len(s) <= 80 and not re.search(r"[。；：:]$", s) and bool(TITLE_END.search(s)) \
        and not MARKER_START.match(s)


FOOT_JOINED = re.compile(
    r"^(?P<organs>[\u4e00-\u9fff]{0,90}?)"
    r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
    r"(?:[（(]此件[^）)]{0,20}[）)])?$")


def is_foot_line(line: str) -> bool:
    """A 落款/成文日期/版记/特此通知 line of normalized text (where a signature and its date may be one line)."""
    t = compact(fw_digits(line))
    if not t:
        return False
    if len(t) > 120:
        return False   # a foot line is short
    joined = FOOT_JOINED.match(t)
    if joined and (not joined["organs"] or organ_line(joined["organs"])):
        return True
    return bool(COLOPHON.search(t) or CLOSING.match(t) or SIGNER.match(t)
                or AFTER_DATE.match(t))


def foot_line_starts(normalized: str) -> list[int]:
    """Offsets of foot lines after the first line of a normalized text, so the clause tree ends its
    last clause there: a signature and date are never part of 四、 or 第五十条."""
    out, pos = [], 0
    lines = normalized.split("\n")
    for k, line in enumerate(lines):
        last = k == len(lines) - 1 or (k == len(lines) - 2 and not lines[-1])
        if k and (is_foot_line(line) or last and organ_line(line) and not title_line(line)):
            out.append(pos)
        pos += len(line) + 1
    return out
