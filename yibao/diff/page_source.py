"""A `yibao diff` operand given as a URL: the page read as the watcher stores it.

The site family's parser (by the configured host, else by the page's own markers), the page
furniture stripped, then each attachment fetched and extracted — only from the hosts of the page's
source, every redirect hop checked, as the watcher does.  A URL that serves a document (PDF, DOCX,
XLSX …) is extracted like a file; a page no parser reads falls back to its whole text, with a warning.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from yibao.diff.sources import SourceError, html_to_text

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5
TIMEOUT_S = 30


@dataclass
class Download:
    content: bytes
    charset: str | None   # what the header declares (None: ISO-8859-1 default or nothing)
    url: str              # after redirects


def page_text(url: str) -> str:
    """The text of the page (or document) at `url`, as `yibao diff` compares it."""
    from yibao.attachments import Limits, extract_bytes
    from yibao.attachments.detect import detect_kind

    got = download(url)
    if not got.content.strip():
        raise SourceError(f"{got.url} returned an empty page")
    name = _name_of(got.url)
    kind = detect_kind(got.content, name)
    if kind not in ("html", "text", "unknown"):   # a PDF, DOCX, XLSX … served directly: extracted like a file
        result = extract_bytes(got.content, name if "." in name else f"download.{kind}", limits=Limits.from_env())
        if result.status != "ok":
            raise SourceError(f"{got.url}: {result.status.replace('_', ' ')}: {result.reason}")
        return result.text
    return article_text(_decode(got), got.url)


def article_text(html: str, url: str) -> str:
    """A page's text as the watcher stores it, so that `yibao diff <version> <its URL>` compares like
    with like: body without furniture, then each attachment's text."""
    from scrapers.base import strip_furniture
    from yibao.pipeline.versions import attachment_filename, combined_text

    page = _parse(html, url)
    if page is None:
        log.warning("no site parser reads %s: comparing the page's whole text (menus and footer included)", url)
        text = html_to_text(html)
        if not text.strip():
            raise SourceError(f"{url} holds no text")
        return text
    allowed = _attachment_hosts(url)
    attachments = []
    for link in page.attachments:
        link_url = urljoin(url, link.url)
        attachments.append(SimpleNamespace(name=link.name, text=_attachment_text(link_url, attachment_filename(link),
                                                                                 allowed)))
    return combined_text(strip_furniture(page.body_text), attachments)


def _parse(html: str, url: str):
    """The article page by the family of the configured host, else by the page's own markers (the
    local mirror serves every site from one host); None when no parser reads it."""
    from scrapers.registry import parse_article

    for sources in (None, []):
        try:
            return parse_article(html, url, sources=sources)
        except Exception:  # noqa: BLE001 - unknown family or layout drift: try the next way, then none
            continue
    return None


def download(url: str, allowed_hosts: set[str] | None = None) -> Download:
    """The bytes at `url` (up to the extraction limit), following up to MAX_REDIRECTS redirects;
    with `allowed_hosts`, every hop must stay on them."""
    import requests

    from yibao.attachments import Limits

    limit = Limits.from_env().max_bytes
    for _ in range(MAX_REDIRECTS + 1):
        if not url.lower().startswith(("http://", "https://")):
            raise SourceError(f"{url}: only http(s) is fetched")
        if allowed_hosts is not None and _host(url) not in allowed_hosts:
            raise SourceError(f"{url} is not on the page's site")
        try:
            with requests.get(url, timeout=TIMEOUT_S, headers={"User-Agent": "yibao-diff/0.1"}, stream=True,
                              allow_redirects=False) as resp:
                if resp.is_redirect and resp.headers.get("location"):
                    url = urljoin(url, resp.headers["location"])
                    continue
                if resp.status_code >= 400:
                    raise SourceError(f"{url} answered HTTP {resp.status_code}")
                body, size = [], 0
                for chunk in resp.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise SourceError(f"{url} is larger than the limit of {limit} bytes "
                                          f"({Limits.env_name('max_bytes')})")
                    body.append(chunk)
                charset = resp.encoding if resp.encoding and resp.encoding.lower() != "iso-8859-1" else None
                return Download(b"".join(body), charset, url)
        except requests.Timeout:
            raise SourceError(f"{url} did not answer within {TIMEOUT_S} s") from None
        except requests.ConnectionError:
            raise SourceError(f"cannot connect to {urlsplit(url).netloc} ({url})") from None
        except requests.RequestException as exc:
            raise SourceError(f"cannot fetch {url}: {type(exc).__name__}") from None
    raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _decode(got: Download) -> str:
    from yibao.attachments.plain import decode_text

    try:
        return got.content.decode(got.charset) if got.charset else decode_text(got.content)
    except (LookupError, UnicodeDecodeError):
        return decode_text(got.content)   # a wrong charset header: UTF-8, else GB18030, as for files


def _attachment_hosts(url: str) -> set[str]:
    """Where the page's attachments may be fetched from: the hosts of its configured source, else its own host."""
    try:
        from scrapers.config import load_sources
        sources = load_sources()
    except Exception:  # noqa: BLE001 - no usable sources config: the page's own host only
        sources = []
    for source in sources:
        if source.host_allowed(url):
            return {h.lower() for h in source.allowed_hosts}
    return {_host(url)}


def _attachment_text(url: str, name: str, allowed: set[str]) -> str:
    """An attachment's text; "" (with a warning) when it is elsewhere or cannot be read."""
    from yibao.attachments import extract_bytes

    try:
        got = download(url, allowed)
    except SourceError as exc:
        log.warning("attachment left out of the comparison: %s", exc)
        return ""
    result = extract_bytes(got.content, name)
    if result.status != "ok":
        log.warning("attachment %s left out of the comparison: %s", url, result.reason)
        return ""
    return result.text


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _name_of(url: str) -> str:
    """The file name a URL serves, by the watcher's rule ("downfile.jsp?…&filename=a.pdf" → "a.pdf")."""
    from yibao.pipeline.versions import attachment_filename
    return attachment_filename(SimpleNamespace(url=url, name="download"))
