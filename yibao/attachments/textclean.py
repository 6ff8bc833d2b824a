"""Clean-up of extracted text: page furniture, spurious CJK spaces, cell wraps.

Nothing here applies NFKC (domain.md §1.4): only whitespace is touched.
"""
from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u201c\u201d\u2018\u2019\u2014\u2026"
_CJKISH = f"[{CJK}{CJK_PUNCT}]"

_FURNITURE = re.compile(
    r"^\s*(?:[-—–－‒]+\s*\d{1,4}\s*[-—–－‒]+"          # — 3 —  /  - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页（共 9 页）
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"                        # 3 / 9
)
_CJK_GAP = re.compile(rf"(?<={_CJKISH}) +(?={_CJKISH})")
_CJK_DIGIT_GAP = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}]) +(?=\d)|(?<=\d) +(?=[{CJK}{CJK_PUNCT}])|(?<=\d) (?=\d)")


def is_furniture(line: str) -> bool:
    """Page numbers and similar lines that are not part of the document."""
    return bool(_FURNITURE.match(line))


def drop_furniture(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not is_furniture(line))


def spaced_out(text: str) -> bool:
    """True when most CJK characters are separated by spaces (justified text)."""
    cjk = len(re.findall(f"[{CJK}]", text))
    if cjk < 20:
        return False
    gaps = len(re.findall(rf"[{CJK}] [{CJK}]", text))
    return gaps / cjk > 0.3


def remove_cjk_spaces(text: str) -> str:
    """Delete spaces between CJK characters (and between CJK and digits).

    Applied only to spaced-out pages: on normal pages a space between CJK
    characters is usually real ("第二条 本办法…"), so it is kept.
    """
    if not spaced_out(text):
        return text
    return "\n".join(_CJK_DIGIT_GAP.sub("", _CJK_GAP.sub("", line)) for line in text.split("\n"))


def clean_page_text(text: str) -> str:
    """Normalise line ends, drop furniture lines and spurious CJK spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "")
    text = drop_furniture(text)
    text = remove_cjk_spaces(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def join_soft_wraps(cell: str | None) -> str:
    """Join the line breaks inside one table cell.

    "" between CJK (or mixed) pieces, " " when both sides are Latin letters,
    so "限EGFR L858R突变的\\n患者" → "限EGFR L858R突变的患者" and "Extended\\nRelease" →
    "Extended Release".
    """
    if not cell:
        return ""
    parts = [p.strip() for p in cell.replace("\r", "\n").split("\n")]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        if out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " " + part
        else:
            out += part
    return out


def clean_table(table: list[list[str | None]]) -> list[list[str]]:
    return [[join_soft_wraps(c) for c in row] for row in table if any(c for c in row)]
