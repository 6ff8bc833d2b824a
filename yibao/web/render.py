"""Lesson Markdown → HTML for the review preview, rendered on the server.

markdown-it-py (CommonMark + tables) with raw HTML off: a trainer's `<script>` or
`<img onerror=…>` is shown as text. Link and image URLs pass only when their scheme is
http, https or mailto (or they are relative); everything else (javascript:, data:,
vbscript:, …) is dropped to plain text. markdown-it escapes attribute values, so a `"`
in a URL cannot end the href attribute.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt

SAFE_SCHEMES = {"http", "https", "mailto"}


def safe_url(url: str) -> bool:
    text = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES or (scheme == "" and not text.startswith("//"))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.validateLink = safe_url
    return md


_MD = _parser()


def render_markdown(text: str) -> str:
    return _MD.render(text or "")
