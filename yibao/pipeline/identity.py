"""Who a document is: identity keys, canonical URLs, normalised titles."""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DOCNO_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕",
                                 "(": "〔", ")": "〕", "（": "〔", "）": "〕", "﹝": "〔", "﹞": "〕"})
_TITLE_NOISE = re.compile(r"[\s\u3000《》〈〉“”\"'‘’「」『』、，,。.：:；;（）()\[\]【】〔〕·—\-－]+")
_DRAFT_MARK = re.compile(r"[（(]?(?:征求意见稿|公开征求意见稿|送审稿|草案|试行|暂行)[）)]?")


def canonical_url(url: str) -> str:
    """Scheme-insensitive, default-port-free, fragment-free, query-sorted URL."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    return urlunsplit(("", netloc, path, query, "")).lstrip("/")


def canonical_doc_number(doc_number: str | None) -> str | None:
    if not doc_number:
        return None
    s = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in doc_number)
    s = re.sub(r"\s+", "", s).translate(_DOCNO_BRACKETS)
    s = re.sub(r"第0*(\d+)号$", r"\1号", s)
    s = re.sub(r"〕0+(\d)", r"〕\1", s)
    return s or None


def normalise_title(title: str) -> str:
    s = unicodedata.normalize("NFKC", title or "")
    return _TITLE_NOISE.sub("", s).lower()


def title_series(title: str) -> str:
    """The title with years and draft/interim marks removed: a yearly series' common name."""
    s = normalise_title(title)
    s = re.sub(r"(?:19|20)\d{2}年?(?:版|度)?", "", s)
    s = _DRAFT_MARK.sub("", s)
    s = s.replace("暂行办法", "办法").replace("试行办法", "办法")
    return s


def title_similarity(a: str, b: str) -> float:
    a, b = normalise_title(a), normalise_title(b)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def identity_key(doc_number: str | None, url: str) -> str:
    number = canonical_doc_number(doc_number)
    return f"no:{number}" if number else f"url:{canonical_url(url)}"
