"""One reader for named files (`yibao extract`, `yibao diff`): the bytes must match the name.

`sniff_file` returns the kind to extract (see :func:`detect.detect_kind`) or raises
ContentMismatch with a one-line reason: a ".txt" of binary bytes, a ".docx" that is not a
ZIP package, a ".pdf" that is not a PDF. Legacy names (.doc, .xls, .wps, .et) take any
known kind: government sites serve HTML, a DOCX or an XLS under them.
"""
from __future__ import annotations

from .detect import detect_kind
from .model import ContentMismatch

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
# what the bytes may be under each name
EXPECTED_KINDS: dict[str, set[str]] = {
    **{s: {"text", "html"} for s in TEXT_SUFFIXES | HTML_SUFFIXES},
    ".pdf": {"pdf"},
    ".docx": {"docx"},
    ".xlsx": {"xlsx"},
    ".ofd": {"ofd"},
    ".zip": {"zip", "docx", "xlsx", "ofd"},
}
# legacy names are served as anything (HTML, a DOCX, an XLS named .doc …): any known kind goes
_ANY_KNOWN = {"pdf", "docx", "xlsx", "xls", "doc", "wps", "ofd", "zip", "html", "text"}
EXPECTED_KINDS.update({s: _ANY_KNOWN for s in (".doc", ".wps", ".xls", ".et")})
ATTACHMENT_SUFFIXES = {s for s in EXPECTED_KINDS if s not in TEXT_SUFFIXES | HTML_SUFFIXES}
KIND_NAMES = {"pdf": "a PDF", "docx": "a DOCX (Word) package", "xlsx": "an XLSX (Excel) package",
              "xls": "an XLS (Excel 97) file", "doc": "a DOC (Word 97) file", "wps": "a WPS file",
              "ofd": "an OFD package", "zip": "a ZIP archive", "html": "HTML", "text": "text",
              "unknown": "binary data of no known type"}


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > name.rfind("/") else ""


def sniff_file(name: str, data: bytes) -> str:
    """The kind of `data`, checked against the suffix of `name` (ContentMismatch if they disagree)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentMismatch(f"{name} is UTF-16 text (saved as Windows \"Unicode\"): save it as UTF-8 or GBK")
    if data and not data.removeprefix(b"\xef\xbb\xbf").strip(b" \t\r\n\x0b\x0c"):
        raise ContentMismatch(f"{name} holds nothing but blank space: there is no text to read")
    kind = detect_kind(data, name)
    suffix = _suffix(name)
    expected = EXPECTED_KINDS.get(suffix)
    if expected is None:
        if kind == "unknown":
            raise ContentMismatch(f"{name}: unsupported file type {suffix or '(no extension)'} "
                                  f"(first bytes {data[:8].hex(' ') or 'none: empty file'})")
        return kind
    if kind not in expected:
        if not data:
            raise ContentMismatch(f"{name} is empty")
        raise ContentMismatch(f"{name} is not a {suffix[1:].upper()} file: its bytes are {KIND_NAMES[kind]} "
                              f"(first bytes {data[:8].hex(' ')})")
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    return kind
