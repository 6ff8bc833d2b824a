"""File-type detection by magic bytes (never by extension alone)."""
from __future__ import annotations

import io
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def detect_kind(data: bytes, filename: str = "") -> str:
    """One of pdf/docx/xlsx/xls/doc/wps/ofd/zip/html/text/unknown."""
    head = data[:1024]
    ext = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if b"%PDF-" in head:
        return "pdf"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _zip_kind(data)
    if data[:8] == OLE_MAGIC:
        return _ole_kind(data, ext)
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<meta", b"<head", b"<?xml")) and b"<html" in data[:4096].lower():
        return "html"
    if probe.startswith(b"{\\rtf"):
        return "unknown"
    if _looks_like_text(head):
        return "text"
    return "unknown"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        return "unknown"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    if "OFD.xml" in names or any(n.lower().endswith("/ofd.xml") for n in names):
        return "ofd"
    return "zip"


def _ole_kind(data: bytes, ext: str) -> str:
    """OLE2 compound file: look for the stream names in the directory entries."""
    if _utf16("WordDocument") in data:
        return "wps" if ext == "wps" else "doc"
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    if ext in ("wps", "doc"):
        return ext
    return "unknown"


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        for cut in range(4):  # the 1 KiB probe may end inside a multi-byte character
            try:
                head[: len(head) - cut].decode(enc)
                return True
            except UnicodeDecodeError:
                continue
    return False
