"""Attachments that are really HTML or plain text (common for ".doc" downloads)."""
from __future__ import annotations

from .model import AttachmentText


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def extract_plain(data: bytes, kind: str) -> AttachmentText:
    text = decode_text(data)
    if kind == "html":
        from yibao.extract.html import html_to_text
        text = html_to_text(text)
        return AttachmentText(kind="html", text=text, engine="bs4")
    return AttachmentText(kind="text", text=text.replace("\r\n", "\n").strip(), engine="decode")
