"""Matching views of a document text. The stored text is never rewritten.

- ``fw_digits``: full-width digits/letters → ASCII, one char for one char (no NFKC).
- ``flat``: whitespace removed except between ASCII words (not digit-digit), for
  inline patterns that PDF line wraps and Word-pasted HTML break apart
  ("中发〔\\n2020〕5号", "2025 年", "简 称").
- ``clean_lines``: stripped, non-empty lines without page furniture.
"""
from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WS = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_FURNITURE = re.compile(r"^\s*(?:[-—–－‒]+\s*\d{1,4}\s*[-—–－‒]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$")
_INLINE_FURNITURE = re.compile(r"(?:(?<=\s)|^)(?:[-—–－]\s?\d{1,4}\s?[-—–－]|第\s?\d{1,4}\s?页)(?=\s|$)")


_FULL_WIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                             for c in range(r[0], r[1] + 1)})


def fw_digits(s: str) -> str:
    """Full-width ASCII digits/letters to ASCII; everything else unchanged (same length)."""
    return s.translate(_FULL_WIDTH)


def flat(text: str) -> str:
    """Whitespace-free matching copy (a single space kept between ASCII words)."""
    text = _INLINE_FURNITURE.sub(" ", fw_digits(text))

    def repl(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        keep = (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()
                and (before.isalpha() or after.isalpha()))
        return " " if keep else ""

    return _WS.sub(repl, text)


def compact(s: str) -> str:
    """Remove all whitespace (for one short field such as a title or a date)."""
    return _WS.sub("", s)


def squeeze_cjk_spaces(s: str) -> str:
    """Remove whitespace next to CJK characters/punctuation, collapse the rest to one space."""
    s = re.sub(rf"[\s\u3000]+(?=[{CJK}（）《》〔〕，。、：；])|(?<=[{CJK}（）《》〔〕，。、：；])[\s\u3000]+", "", s)
    return re.sub(r"\s+", " ", s).strip()


def is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(line))


def clean_lines(text: str) -> list[str]:
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip(" \t\u3000\u00a0")
        if line and not is_furniture(line):
            out.append(line)
    return out
