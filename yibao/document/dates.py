"""Chinese date parsing: 2025年1月15日, 二〇二五年一月十五日 (〇/○/Ｏ/O/零), ２０２５年…, 2025-12-07."""
from __future__ import annotations

import datetime as dt
import re

from .textview import compact, fw_digits

_ZERO = "〇零○ＯOoｏ0"
YEAR_DIGIT = {c: 0 for c in _ZERO} | {c: i for i, c in enumerate("〇一二三四五六七八九") if i}
_CN_YEAR = f"[{_ZERO}一二三四五六七八九]{{4}}"
_CN_MONTH = "十[一二]?|[一二三四五六七八九]"
_CN_DAY = "三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九]"

DATE_AR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})年(?P<m>1[0-2]|0?[1-9])月(?P<d>3[01]|[12]\d|0?[1-9])[日号]")
DATE_CN = re.compile(rf"(?P<y>{_CN_YEAR})年(?P<m>{_CN_MONTH})月(?P<d>{_CN_DAY})日")
DATE_ISO = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?![\d-])")
# any date as one regex source (for use inside larger patterns on flat text)
DATE_ANY_SRC = (r"(?:(?:19|20)\d{2}年(?:1[0-2]|0?[1-9])月(?:3[01]|[12]\d|0?[1-9])日"
                rf"|{_CN_YEAR}年(?:{_CN_MONTH})月(?:{_CN_DAY})日)")
_LABEL = re.compile(r"^[^\d〇零○ＯO一二三四五六七八九]{0,12}[:：]")
_TIME = re.compile(r"(?:\s|T)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$")


def cn_small_number(s: str) -> int:
    """一..三十一 → int (months and days)."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    if "十" not in s:
        return digits[s]
    tens, _, ones = s.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def date_from_match(m: re.Match) -> dt.date | None:
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    if y.isdigit():
        return _make(int(y), int(mo), int(d))
    year = int("".join(str(YEAR_DIGIT[c]) for c in y))
    return _make(year, cn_small_number(mo), cn_small_number(d))


def parse_cn_date(s: str | None) -> dt.date | None:
    """Parse one date written alone (optionally after a "label：" and before a time).

    Returns None when ``s`` is not exactly one date, so an index number such
    as "2026-02-00018" or a sentence with a date inside is not taken as a date.
    """
    if not s:
        return None
    s = _TIME.sub("", fw_digits(s).strip())
    s = _LABEL.sub("", compact(s))
    for rx in (DATE_AR, DATE_CN, DATE_ISO):
        m = rx.fullmatch(s)
        if m:
            return date_from_match(m)
    m = re.fullmatch(r"((?:19|20)\d{2})(\d{2})(\d{2})", s)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    return None


def find_dates(text: str) -> list[tuple[int, int, dt.date]]:
    """All 年月日 dates in ``text`` (which should be a flat view) as (start, end, date)."""
    out = []
    for rx in (DATE_AR, DATE_CN):
        for m in rx.finditer(text):
            d = date_from_match(m)
            if d:
                out.append((m.start(), m.end(), d))
    return sorted(out)
