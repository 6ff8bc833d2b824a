"""Attachments that are really HTML or plain text (common for ".doc" downloads)."""
from __future__ import annotations

import re

from .model import AttachmentText, ContentMismatch

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_text(data: bytes, name: str = "") -> str:
    """Strict :func:`decode_text`: UTF-8 (BOM or not) or GB18030/GBK, else ContentMismatch.

    Text with NUL bytes or more than 1% control characters is refused too: that is binary
    data that happens to decode.
    """
    label = f"{name}: " if name else ""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ContentMismatch(f"{label}not text: the bytes are neither UTF-8 nor GB18030/GBK")
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise ContentMismatch(f"{label}not text: {controls} control characters (binary data)")
    return text


def extract_plain(data: bytes, kind: str) -> AttachmentText:
    text = decode_text(data)
    if kind == "html":
        from yibao.extract.html import html_to_text
        text = html_to_text(text)
        return AttachmentText(kind="html", text=text, engine="bs4")
    return AttachmentText(kind="text", text=text.replace("\r\n", "\n").strip(), engine="decode")
