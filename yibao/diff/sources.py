"""Resolve a `yibao diff` operand to text: stored version id, file or URL.

Files are read by the same reader as `yibao extract` (yibao.attachments.files): every type and
encoding it takes, the same limits, and the reason when a file cannot be read."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


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


def _download(url: str) -> tuple[bytes, str | None]:
    """The bytes at `url` (up to the extraction limit) and the charset its header declares."""
    import requests

    from yibao.attachments import Limits

    limit = Limits.from_env().max_bytes
    try:
        with requests.get(url, timeout=30, headers={"User-Agent": "yibao-diff/0.1"}, stream=True) as resp:
            resp.raise_for_status()
            body, size = [], 0
            for chunk in resp.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise SourceError(f"{url} is larger than the limit of {limit} bytes "
                                      f"({Limits.env_name('max_bytes')})")
                body.append(chunk)
            declared = resp.encoding if resp.encoding and resp.encoding.lower() != "iso-8859-1" else None
    except requests.RequestException as exc:
        raise SourceError(f"cannot fetch {url}: {exc}") from None
    return b"".join(body), declared


def _fetch(url: str) -> str:
    from yibao.attachments.plain import decode_text

    content, declared = _download(url)
    try:
        html = content.decode(declared) if declared else decode_text(content)
    except (LookupError, UnicodeDecodeError):
        html = decode_text(content)   # a wrong charset header: UTF-8, else GB18030, as for files
    return article_text(html, url)


def article_text(html: str, url: str) -> str:
    """A page's text as the watcher stores it, so that `yibao diff <version> <its URL>` compares like
    with like: the site family's parser, the page furniture (footer, counters) stripped, then each
    attachment's text.  A page no parser knows: the generic reader."""
    from types import SimpleNamespace
    from urllib.parse import urljoin

    from scrapers.base import strip_furniture
    from yibao.pipeline.versions import attachment_filename, combined_text

    try:
        from scrapers.registry import parse_article
        page = parse_article(html, url)
    except Exception:  # noqa: BLE001 - unknown family or layout drift: the generic reader
        return html_to_text(html)
    allowed = _attachment_hosts(url)
    attachments = []
    for link in page.attachments:
        link_url = urljoin(url, link.url)
        if (urlsplit(link_url).hostname or "").lower() not in allowed or not link_url.startswith(("http://", "https://")):
            log.warning("attachment %s left out of the comparison: not on the page's site", link_url)
            continue   # as the watcher does: attachments only from the source's own hosts
        attachments.append(SimpleNamespace(name=link.name, text=_attachment_text(link_url, attachment_filename(link))))
    return combined_text(strip_furniture(page.body_text), attachments)


def _attachment_hosts(url: str) -> set[str]:
    """Where the page's attachments may be fetched from: the hosts of its configured source, else its own host."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        from scrapers.config import load_sources
        sources = load_sources()
    except Exception:  # noqa: BLE001 - no usable sources config: the page's own host only
        sources = []
    for source in sources:
        if source.host_allowed(url):
            return {h.lower() for h in source.allowed_hosts}
    return {host}


def _attachment_text(url: str, name: str) -> str:
    from yibao.attachments import extract_bytes

    try:
        data, _ = _download(url)
    except SourceError as exc:
        log.warning("attachment left out of the comparison: %s", exc)
        return ""
    result = extract_bytes(data, name)
    if result.status != "ok":
        log.warning("attachment %s left out of the comparison: %s", url, result.reason)
        return ""
    return result.text


def load_source(operand: str) -> str:
    """Text of OLD/NEW: an integer = stored version id; http(s) URL = HTML page; else a file path."""
    if re.fullmatch(r"\d+", operand) and not Path(operand).exists():
        return _version_text(int(operand))
    if re.match(r"https?://", operand, re.I):
        return _fetch(operand)
    path = Path(operand)
    if path.is_dir():
        raise SourceError(f"{operand} is a folder; give a file, a stored version id or a URL")
    if not path.is_file():
        raise SourceError(f"no such file: {operand}")
    return _file_text(path, operand)
