"""Resolve a `yibao diff` operand to text: stored version id, file or URL (page_source.py).

Files are read by the same reader as `yibao extract` (yibao.attachments.files): every type and
encoding it takes, the same limits, and the reason when a file cannot be read."""
from __future__ import annotations

import re
from pathlib import Path


class SourceError(Exception):
    """The operand cannot be turned into text (missing file, unknown type, fetch failure)."""


BODY_SELECTORS = ("div#zoom", ".content-detail", ".TRS_UEDITOR", "div.article-content", "div#content")
# a line break before and after these; table cells and inline tags join their row's line
_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section", "article",
           "blockquote", "pre", "dd", "dt", "hr", "br"}
_SKIP = {"script", "style", "noscript"}
_NOT_TEXT = {"Comment", "CData", "Doctype", "Declaration", "ProcessingInstruction"}
_LINE_END = object()   # marker on the walk stack: a block closes here


def html_to_text(html: str) -> str:
    """The body's text, one line per block element (p/div/li/tr/h1-6 …), cells of a row joined.

    An explicit stack instead of recursion, and every text node read once: linear in the page
    size at any nesting depth (a 1,000-level page once gave quadratic text and a >300 s diff).
    """
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(html, "lxml")
    node = next((n for sel in BODY_SELECTORS if (n := soup.select_one(sel)) is not None), None) or soup.body or soup
    parts: list[str] = []
    stack: list = list(reversed(node.contents))
    while stack:
        item = stack.pop()
        if item is _LINE_END:
            parts.append("\n")
        elif isinstance(item, Tag):
            if item.name in _SKIP:
                continue
            if item.name in _BLOCKS:
                parts.append("\n")
                stack.append(_LINE_END)
            stack.extend(reversed(item.contents))
        elif isinstance(item, NavigableString) and type(item).__name__ not in _NOT_TEXT:
            parts.append(" ".join(str(item).split()))
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _version_text(version_id: int) -> str:
    try:
        from yibao.store import open_session
        from yibao.store.models import Version
    except ImportError as exc:
        raise SourceError(f"stored versions are unavailable ({exc})") from None
    with open_session() as session:
        version = session.get(Version, version_id)
        if version is None:
            raise SourceError(f"no stored version with id {version_id}")
        return version.text


def _file_text(path: Path, operand: str) -> str:
    """The text of a file, read like `yibao extract` reads it (same sniffing, encodings and limits)."""
    from yibao.attachments import Limits, extract_bytes
    from yibao.attachments.files import sniff_file
    from yibao.attachments.model import ContentMismatch
    from yibao.attachments.plain import read_text

    try:
        limits = Limits.from_env()
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    if path.stat().st_size > limits.max_bytes:
        raise SourceError(f"{operand} is {path.stat().st_size} bytes, over the limit of {limits.max_bytes} "
                          f"({Limits.env_name('max_bytes')})")
    data = path.read_bytes()
    try:
        kind = sniff_file(path.name, data)
        if kind == "text":
            return read_text(data, operand)
        if kind == "html":
            return html_to_text(read_text(data, operand))
    except ContentMismatch as exc:
        raise SourceError(exc.reason) from None
    result = extract_bytes(data, path.name, limits=limits)
    if result.status != "ok":
        raise SourceError(f"{operand}: {result.status.replace('_', ' ')}: {result.reason}")
    return result.text


def load_source(operand: str) -> str:
    """Text of OLD/NEW: an integer = stored version id; http(s) URL = HTML page; else a file path."""
    if re.fullmatch(r"\d+", operand) and not Path(operand).exists():
        return _version_text(int(operand))
    if re.match(r"https?://", operand, re.I):
        from yibao.diff.page_source import page_text
        return page_text(operand)
    scheme = re.match(r"([a-z][a-z0-9+.-]*)://", operand, re.I)
    if scheme:
        raise SourceError(f"unsupported URL scheme {scheme.group(1)}: give an http(s) URL, a file or a stored version id")
    path = Path(operand)
    if path.is_dir():
        raise SourceError(f"{operand} is a folder; give a file, a stored version id or a URL")
    if not path.is_file():
        raise SourceError(f"no such file: {operand}")
    return _file_text(path, operand)
