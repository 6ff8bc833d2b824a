"""Resolve a `yibao diff` operand to text: stored version id, file or URL.

Files are read by the same reader as `yibao extract` (yibao.attachments.files): every type and
encoding it takes, the same limits, and the reason when a file cannot be read."""
from __future__ import annotations

import re
from pathlib import Path


class SourceError(Exception):
    """The operand cannot be turned into text (missing file, unknown type, fetch failure)."""


BODY_SELECTORS = ("div#zoom", ".content-detail", ".TRS_UEDITOR", "div.article-content", "div#content")
_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3"}
_CONTAINERS = {"p", "div", "li", "tr"}


def html_to_text(html: str) -> str:
    """One line per innermost block (a p/div/li/tr/h1-3 holding no p/div/li/tr).

    Linear in the page size, with no recursion: the blocks taken are the outermost such
    elements, so nested headings are read once, not once per level (a 1,000-level page made
    the text quadratic), and the tree is walked with an explicit stack.
    """
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    node = next((n for sel in BODY_SELECTORS if (n := soup.select_one(sel)) is not None), None) or soup.body or soup
    for br in node.find_all("br"):
        br.replace_with("\n")
    holds_container = _elements_holding_containers(node)
    blocks: list[str] = []
    stack = [c for c in reversed(node.contents) if isinstance(c, Tag)]
    while stack:
        el = stack.pop()
        if el.name in _BLOCKS and id(el) not in holds_container:
            blocks.append(el.get_text("", strip=True))
            continue
        stack.extend(c for c in reversed(el.contents) if isinstance(c, Tag))
    text = "\n".join(b for b in blocks if b)
    return text or node.get_text("\n", strip=True)


def _elements_holding_containers(root) -> set[int]:
    """ids of the elements under `root` that have a p/div/li/tr among their descendants."""
    from bs4 import Tag

    holding: set[int] = set()
    for el in root.find_all(list(_CONTAINERS)):
        parent = el.parent
        while parent is not None and parent is not root and id(parent) not in holding:
            holding.add(id(parent))
            parent = parent.parent
    return holding


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


def _fetch(url: str) -> str:
    import requests
    try:
        resp = requests.get(url, timeout=30, headers={"User-Agent": "yibao-diff/0.1"})
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise SourceError(f"cannot fetch {url}: {exc}") from None
    if resp.encoding is None or resp.encoding.lower() == "iso-8859-1":
        resp.encoding = resp.apparent_encoding
    return html_to_text(resp.text)


def load_source(operand: str) -> str:
    """Text of OLD/NEW: an integer = stored version id; http(s) URL = HTML page; else a file path."""
    if re.fullmatch(r"\d+", operand) and not Path(operand).exists():
        return _version_text(int(operand))
    if re.match(r"https?://", operand, re.I):
        return _fetch(operand)
    path = Path(operand)
    if not path.is_file():
        raise SourceError(f"no such file: {operand}")
    return _file_text(path, operand)
