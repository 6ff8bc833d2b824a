"""Resolve a `yibao diff` operand to text: stored version id, file (.txt/.md/.html/.pdf/.docx) or URL."""
from __future__ import annotations

import re
from pathlib import Path


class SourceError(Exception):
    """The operand cannot be turned into text (missing file, unknown type, fetch failure)."""


HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".text"}
BODY_SELECTORS = ("div#zoom", ".content-detail", ".TRS_UEDITOR", "div.article-content", "div#content")


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    node = next((n for sel in BODY_SELECTORS if (n := soup.select_one(sel)) is not None), None) or soup.body or soup
    for br in node.find_all("br"):
        br.replace_with("\n")
    blocks = [el.get_text("", strip=True) for el in node.find_all(["p", "div", "li", "tr", "h1", "h2", "h3"])
              if not el.find(["p", "div", "li", "tr"])]
    text = "\n".join(b for b in blocks if b)
    return text or node.get_text("\n", strip=True)


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


def _pdf_text(path: Path) -> str:
    try:
        from yibao.attachments import extract_file
    except ImportError:
        extract_file = None
    if extract_file is not None:
        result = extract_file(path)
        if not result.text.strip():
            raise SourceError(f"{path}: no text could be extracted ({getattr(result, 'status', '?')})")
        return result.text
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _docx_text(path: Path) -> str:
    import docx
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


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
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return path.read_text(encoding="utf-8-sig")
        if suffix in HTML_SUFFIXES:
            raw = path.read_bytes()
            for enc in ("utf-8", "gb18030"):
                try:
                    return html_to_text(raw.decode(enc))
                except UnicodeDecodeError:
                    continue
            raise SourceError(f"{operand}: cannot decode HTML as UTF-8 or GB18030")
        if suffix == ".pdf":
            return _pdf_text(path)
        if suffix == ".docx":
            return _docx_text(path)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{operand}: not UTF-8 text ({exc.reason})") from None
    except SourceError:
        raise
    except Exception as exc:  # a corrupt PDF/DOCX: report it as bad input, one line
        raise SourceError(f"{operand}: cannot read {suffix} file ({type(exc).__name__}: {exc})") from None
    raise SourceError(f"{operand}: unsupported file type {suffix or '(none)'}; use .txt .md .html .pdf .docx")
