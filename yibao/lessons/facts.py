"""Pure text helpers: numbers, dates and obligations in Chinese policy text."""
from __future__ import annotations

import datetime as dt
import re

_CN = "一二三四五六七八九十百千两"
UNITS = ("万元", "亿元", "元/人", "元", "%", "％", "个工作日", "工作日", "个自然日", "个月", "周岁", "日", "天",
         "年", "小时", "种", "项", "个", "倍", "分", "次", "张", "人", "家", "床", "周")
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
DATE_RE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日|底|末)?")
NUM_RE = re.compile(rf"(?<![\d.A-Za-z])(?P<n>\d+(?:\.\d+)?|[{_CN}]+)\s*(?P<u>{_UNIT_RE})")
OBLIGATION_RE = re.compile(r"应当|必须|不得|严禁|禁止|须|应|可以|有权|负责")
SCOPE_RE = re.compile(r"纳入|调出|全额支付|不设起付|范围|适用于|限于|除外")
PENALTY_RE = re.compile(r"违约|处罚|扣除|扣减|追回|拒付|暂停|中止|解除|罚款|违约金|通报")
SENTENCE_RE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
EFFECTIVE_RE = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起(?:正式)?(?:施行|执行|实施|生效)")


def parse_cn_date(s: str) -> dt.date | None:
    m = DATE_RE.search(s or "")
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"] or 1)
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def fmt_cn_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def find_dates(text: str) -> list[str]:
    return [m.group(0).replace(" ", "") for m in DATE_RE.finditer(text or "")]


def find_numbers(text: str) -> list[str]:
    """Quantities with units ("520元", "48小时", "10个工作日"), dates excluded."""
    masked = DATE_RE.sub(lambda m: "＃" * len(m.group(0)), text or "")
    out = []
    for m in NUM_RE.finditer(masked):
        if m["u"] == "年" and m["n"].isdigit() and len(m["n"]) == 4:
            continue  # a bare year
        out.append(m.group(0).replace(" ", ""))
    return out


def values(text: str) -> list[str]:
    """Dates and quantities, in order of appearance, de-duplicated."""
    seen, out = set(), []
    for v in find_dates(text) + find_numbers(text):
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def split_value(v: str) -> tuple[float | None, str]:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(.*)", v)
    if not m:
        return None, v
    return float(m.group(1)), m.group(2)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.findall(text or "") if s.strip()]


def sentence_with(text: str, needle: str) -> str:
    for s in sentences(text):
        if needle and needle in s:
            return s
    return ""


def shorten(s: str, limit: int = 60) -> str:
    s = re.sub(r"[ \t\r\n]+", " ", (s or "").strip())  # keep U+3000 (quiz blanks)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def effective_date_in(text: str) -> dt.date | None:
    m = EFFECTIVE_RE.search(text or "")
    return parse_cn_date(m.group(1)) if m else None


def obligation_sentences(text: str) -> list[str]:
    return [s for s in sentences(text) if OBLIGATION_RE.search(s) and 8 <= len(s) <= 160]


_FLIP = [("不得", "可以"), ("严禁", "允许"), ("禁止", "允许"), ("必须", "无需"), ("应当", "可不"),
         ("须", "无需"), ("应", "可不")]


def flip_obligation(sentence: str) -> str | None:
    """The same sentence with its first modal verb negated (应当→可不, 不得→可以), or None."""
    m = OBLIGATION_RE.search(sentence)
    if not m:
        return None
    for word, flipped in _FLIP:
        if sentence[m.start():].startswith(word):
            return sentence[: m.start()] + flipped + sentence[m.start() + len(word):]
    return None


def normalise_number_token(tok: str) -> str:
    """'3,000' → '3000', full-width digits → ASCII; used when checking LLM output against sources."""
    tok = "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in tok)
    return tok.replace(",", "").replace("，", "")


def short_title(title: str) -> str:
    """《X》 from 关于印发《X》的通知; otherwise the title without the issuer prefix."""
    t = (title or "").strip()
    m = re.search(r"(?:^|印发|转发|公布|发布)\s*《([^》]+)》", t)
    if m:
        return m.group(1)
    t = re.sub(r"^.*?(?:局|厅|委员会|委|部|办公室|中心)(?:\s*[\u4e00-\u9fff]{2,12}(?:局|厅|委))*关于", "关于", t)
    t = re.sub(r"^关于", "", t)
    t = re.sub(r"的(?:通知|意见|公告|批复|函)$", "", t)
    return t or title


_VAL = r"(\d+(?:\.\d+)?\s*(?:" + _UNIT_RE + r")|\d{4}年\d{1,2}月\d{1,2}日)"
FROM_TO_RE = re.compile(r"(?:从|由)" + _VAL + r"[^，。；从由]{0,8}?(?:提高|降低|调整|增加|减少|下调|上调|延长|缩短|变更|改)?(?:至|到|为)" + _VAL)


def from_to_pairs(text: str) -> list[tuple[str, str]]:
    """("300元", "520元") for "从300元提高至520元" and the like."""
    return [(a.replace(" ", ""), b.replace(" ", "")) for a, b in FROM_TO_RE.findall(text or "")]


def prefer_new_values(sentence: str, vals: list[str]) -> list[str]:
    """Values that follow 至/到/为 (the new value in "从A提高至B") first."""
    targets = [b for _, b in from_to_pairs(sentence)]
    return [v for v in vals if v in targets] + [v for v in vals if v not in targets]


_FURNITURE_SENT = re.compile(r"抄送|印发$|^附件|联系人|联系电话|负责解释|从其规定|以本通知为准|现将.{0,20}通知如下|请认真贯彻")


def is_boilerplate(sentence: str) -> bool:
    """Signature/抄送/印发 lines and contact details: not teachable provisions."""
    return bool(_FURNITURE_SENT.search(sentence))


_RELATIVE_YEAR = {"今年": 0, "本年": 0, "明年": 1, "去年": -1}
_RELATIVE_YEAR_RX = re.compile(r"(今年|本年|明年|去年)(?=\d{1,2}月|底|年底|内|起|上半年|下半年|度|前|以来|[，。；、])")


def date_relative_years(text: str, year: int | None) -> str:
    """"今年9月底前" in a text signed in 2024 reads "2024年9月底前" (a lesson is read long after)."""
    if not year or not text:
        return text
    return _RELATIVE_YEAR_RX.sub(lambda m: f"{year + _RELATIVE_YEAR[m.group(1)]}年", text)
