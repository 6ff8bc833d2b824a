"""Tokenizer, matching shadow and value extraction for Chinese policy text.

Tokens keep a number together with its unit ("50%", "3.42元", "1398种") and a
whole date ("2025年1月1日"), so an inline diff shows "50%" → "60%" exactly.
Other CJK text is one token per character (fast, dictionary-free); the inline
diff's semantic clean-up later merges fragments into readable runs.
"""
from __future__ import annotations

import re

from yibao.document.clauses import CJK, CJK_PUNCT, fw_digits
from yibao.document.facts import UNIT_PATTERN

_NUM = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
_CN_NUM = r"[一二三四五六七八九十百千万零〇两]+"
UNITS = UNIT_PATTERN   # the document model's units: "2个百分点" is one value, never "2个"
DATE_RE = re.compile(
    rf"(?:[0-9０-９]{{4}}\s*年\s*[0-9０-９]{{1,2}}\s*月(?:\s*[0-9０-９]{{1,2}}\s*[日号])?"
    rf"|[〇零○一二三四五六七八九]{{4}}年[一二三四五六七八九十]{{1,2}}月(?:[一二三四五六七八九十]{{1,3}}日)?"
    rf"|(?<![0-9])[12][0-9]{{3}}[-/.][01]?[0-9][-/.][0-3]?[0-9](?![0-9])"
    rf"|[0-9０-９]{{1,2}}\s*月\s*[0-9０-９]{{1,2}}\s*日"
    rf"|(?<![0-9０-９])(?:19|20)[0-9]{{2}}\s*年(?:度)?)")
NUMBER_RE = re.compile(rf"(?:{_NUM}\s*{UNITS}?|{_CN_NUM}{UNITS}(?![\u4e00-\u9fff]{{0}}))")
ARABIC_NUMBER_RE = re.compile(rf"{_NUM}\s*(?:[-~～至到]\s*{_NUM}\s*)?{UNITS}?")
OBLIGATION_RE = re.compile(
    r"应当|必须|可以|不得|不应|不能|禁止|严禁|不予|原则上|鼓励|允许|有权|须|"
    r"(?<![相对供响适反效回答感])应(?![当用对急收付有该])")
TOKEN_RE = re.compile(
    rf"{DATE_RE.pattern}|{_NUM}\s*{UNITS}?|[A-Za-z][A-Za-z0-9_\-]*|\s+|[{CJK}]|.", re.S)
_PUNCT_OR_SPACE = re.compile(rf"[\s{CJK_PUNCT}!-/:-@\[-`{{-~]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "（": "(", "）": ")", "，": ",", "：": ":", "；": ";"})


def tokenize(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def shadow(text: str) -> str:
    """Matching form: no whitespace or punctuation, full-width digits as ASCII.
    Two texts with equal shadows differ only in wording (punctuation, layout, spacing)."""
    return _PUNCT_OR_SPACE.sub("", fw_digits(text.translate(_QUOTES)))


# "and"-type connectives that join list items; "法律、法规、规章" and "法律法规和规章" say the same.
# 及时/参与/和解 etc. are words, not connectives, and are kept.
_CONNECTIVE = re.compile(r"以及|及(?![时早其])|(?<![平温缓调])和(?![解谐])|(?<![参给])与(?![会])")


def wording_shadow(text: str) -> str:
    """`shadow` that also ignores "and"-connectives (和/及/与/以及) between list items:
    two texts with equal wording shadows differ only in wording."""
    return shadow(_CONNECTIVE.sub("", text))


def bigrams(text: str) -> frozenset[str]:
    s = shadow(text)
    if len(s) < 2:
        return frozenset({s}) if s else frozenset()
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


def value_matches(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, value, kind) for dates, numbers and obligation words in `text`."""
    found: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for m in DATE_RE.finditer(text):
        found.append((m.start(), m.end(), m.group(), "date"))
        taken.append((m.start(), m.end()))
    for m in ARABIC_NUMBER_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        found.append((m.start(), m.end(), m.group().strip(), "number"))
    for m in OBLIGATION_RE.finditer(text):
        found.append((m.start(), m.end(), m.group(), "obligation"))
    found.sort()
    return found
