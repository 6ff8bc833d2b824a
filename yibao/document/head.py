"""The printed head and foot of a 公文: title, own 发文字号, issuer, 成文日期, 附件 list."""
from __future__ import annotations

import datetime as dt
import re

from .dates import DATE_AR, DATE_CN, date_from_match
from .docnumber import DocNumber, find_doc_numbers_flat
from .textview import CJK, compact, flat, fw_digits, squeeze_cjk_spaces

DOCTYPES = ("(?:指导|实施|若干|处理|审查|工作)?意见|通知|通告|公告|决定|批复|复函|函|报告|请示|纪要|通报|办法|规定|细则|"
            "规则|方案|指南|目录|标准|规范|条例|协议|合同|凡例|要点|计划|解读|说明|决议|命令|令")
_TITLE_END = re.compile(rf"(?:{DOCTYPES})(?:[（(][^（()）]{{1,16}}[）)])?$")
_ORGAN_SUFFIX = r"(?:局|部|委|院|厅|办公室|办|委员会|政府|中心|署|会|所|处|站|公司|集团|联盟)"
ORGAN_LINE = re.compile(rf"^[{CJK}（）()]{{2,40}}{_ORGAN_SUFFIX}$")
_ISSUER_IN_TITLE = re.compile(rf"^(?P<issuer>.+?{_ORGAN_SUFFIX})\s*关于")
_SKIP_HEAD = re.compile(r"^(?:附件\s*\d*|[\u4e00-\u9fff]{2,30}文件|索引号.*|.*〔\s*\d{4}\s*〕.*号|特急|加急|平急|"
                        r"(?:公开|依申请公开|不予公开)(?:方式)?.*|[★*]?\s*(?:签发人|主题词).*|\d{6}|\d{1,2})$")
_ADDRESSEE = re.compile(r"^[^。]{2,80}[：:]$")
_BANJI = re.compile(r"^(?:抄送|抄报|主送|分送)[:：]|印发$")
_ATTACH_HEAD = re.compile(r"^附\s*件\s*[:：]\s*(?P<rest>.*)$")
_ATTACH_ITEM = re.compile(r"^(?P<n>\d{1,2})\s*[.．、]\s*(?P<name>\S.*)$")
_COVER_ISSUER = re.compile(rf"(?P<issuer>[{CJK}]{{2,30}}{_ORGAN_SUFFIX})\s*制(?:\s|$)")


def find_title(lines: list[str]) -> str | None:
    """Title lines at the top (after 文件 header / 发文字号 / 附件 N), joined.

    Lines are accumulated until the text ends with a 文种 word (通知, 办法, 协议,
    …, optionally followed by "（2025版）"). A one-line-per-page text is cut at
    the first such ending followed by a space.
    """
    head = [l for l in lines[:25]]
    i = 0
    while i < len(head) and _SKIP_HEAD.match(compact(fw_digits(head[i]))):
        i += 1
    acc = ""
    for line in head[i:i + 5]:
        if _ADDRESSEE.match(line) or re.match(r"^(?:一、|第一[章条]|为了?|根据)", line):
            break
        if len(line) > 60 and re.search(r"\s", line):  # a whole PDF page on one line: cut at the first title ending
            m = re.match(rf"^(?:附件\s*\d*\s+)?(?P<t>.{{4,100}}?(?:{DOCTYPES})(?:\s*[（(][^（()）]{{1,16}}[）)])?)(?=\s|$)", line)
            return squeeze_cjk_spaces(acc + m["t"]) if m else None
        acc += " ".join(split_issuers(line)) if _multi_organ(line) else squeeze_cjk_spaces(line)
        if _TITLE_END.search(compact(acc)) and not acc.endswith("》"):
            return acc
    return None


def issuer_from_title(title: str | None) -> str | None:
    if not title:
        return None
    m = _ISSUER_IN_TITLE.match(title)
    return m["issuer"].strip() if m else None


def split_issuers(issuer: str | None) -> list[str]:
    """Issuing bodies of a signature line, spaced or run together ("国家医保局财政部")."""
    return split_organs(issuer) if issuer else []


_ORGAN = re.compile(r".{1,30}?(?:委员会|办公室|办公厅|总局|局|部|委|院|厅|署|政府|中心|银行|总会|协会|联盟)")


def split_organs(line: str) -> list[str]:
    """Issuing bodies on one signature line: "国家医保局财政部" → [国家医保局, 财政部]; "国家医疗保障局办公室" stays one."""
    out: list[str] = []
    for part in re.split(r"[\s、，,]+", line.strip()):
        pieces = _ORGAN.findall(part)
        rest = part[sum(len(p) for p in pieces):]
        for p in pieces:
            if out and p in ("办公室", "办公厅") or (out and re.fullmatch(r"(?:办公室|办公厅)", p)):
                out[-1] += p
            elif out and len(p) <= 1:
                out[-1] += p
            else:
                out.append(p)
        if rest:
            if out and (len(rest) <= 2 or rest in ("办公室", "办公厅")):
                out[-1] += rest
            else:
                out.append(rest)
    return [o for o in out if o]


def own_doc_numbers(text: str, lines: list[str]) -> list[DocNumber]:
    """The document's own 发文字号: numbers printed on their own in the head.

    A head line holding only numbers (one or two, "A / B") counts, and so does a
    number opening the first line; numbers inside （…） or 《…》 references in
    the body do not.
    """
    for line in lines[:12]:
        nums = find_doc_numbers_flat(flat(line))
        if not nums:
            continue
        rest = flat(line)
        for n in nums:
            rest = rest.replace(n.raw, "")
        if not re.sub(r"[/／、，,;；\s]", "", rest):
            return nums
        if nums[0].start == 0 and line is lines[0]:
            return nums[:1]   # head glued to the title (whitespace-collapsed extractions)
    return []


def date_line(line: str) -> dt.date | None:
    """The date when a line is only a date (2024年9月5日, 二〇二四年九月五日; spaces and full-width digits tolerated)."""
    s = compact(fw_digits(line))
    for rx in (DATE_AR, DATE_CN):
        m = rx.fullmatch(s)
        if m:
            return date_from_match(m)
    return None


def find_written_date(lines: list[str]) -> tuple[dt.date | None, str | None]:
    """(成文日期, signing organ) from the closing block.

    The date line directly after a signature line wins; else the last
    date-only line before the 版记 (抄送 / …印发). Inline "organ 2024年8月30日"
    at the end of a long line (one line per PDF page) is also accepted.
    """
    end = len(lines)
    for i, line in enumerate(lines):
        if _BANJI.search(compact(line)):
            end = i
            break
    body = lines[:end]
    fallback: tuple[dt.date | None, str | None] = (None, None)
    for i, line in enumerate(body):
        d = date_line(line)
        if d is None:
            continue
        prev = compact(body[i - 1]) if i else ""
        organ = body[i - 1].strip() if i and (ORGAN_LINE.match(prev) or _multi_organ(body[i - 1])) else None
        if organ:
            return d, organ
        fallback = (d, None)
    if fallback[0]:
        return fallback
    # one-line-per-page texts: "…青海省医疗保障局 2024年8月30日" inside a line
    rx = re.compile(rf"(?P<organ>[{CJK}]{{2,30}}{_ORGAN_SUFFIX})\s*(?P<date>(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)(?!\s*印发)")
    for line in reversed(body):
        hits = list(rx.finditer(fw_digits(line)))
        if hits:
            m = hits[-1]
            return date_line(m["date"]), m["organ"]
    return None, None


def _multi_organ(line: str) -> bool:
    parts = split_issuers(line)
    return len(parts) > 1 and all(ORGAN_LINE.match(p) for p in parts)


def cover_issuer(lines: list[str]) -> str | None:
    """"青海省医疗保障局制" on an agreement's cover."""
    for line in lines[:15]:
        m = _COVER_ISSUER.search(line)
        if m:
            return m["issuer"]
    return None


def find_attachments(lines: list[str]) -> list[str]:
    """Names listed after "附件：" (numbered items, a single name, or a name + numbered parts)."""
    for i, line in enumerate(lines):
        m = _ATTACH_HEAD.match(line)
        if not m:
            continue
        names: list[str] = []
        rest = m["rest"].strip()
        following = lines[i + 1:i + 40]
        if rest:
            item = _ATTACH_ITEM.match(rest)
            names.append(item["name"] if item else rest)
        elif following and not _ATTACH_ITEM.match(following[0]):
            names.append(following[0])
            following = following[1:]
        numbered = False
        for line2 in following:
            item = _ATTACH_ITEM.match(line2)
            if item and not re.match(r"^\d{1,2}\s*[.．]\d", line2):
                names.append(item["name"].strip())
                numbered = True
            elif line2.startswith(("（", "(")) and len(line2) <= 20 and names and not numbered:
                names[-1] += line2          # "（2024年）" continuing a wrapped name
            else:
                break
        return [squeeze_cjk_spaces(n) for n in names if n]
    return []
