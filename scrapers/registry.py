"""Parser registry: one parser class per CMS family.

Register with ``@register_parser("hanweb")`` on a class that has:

- ``family: str``
- ``column_url(source, column) -> str``
- ``parse_list(html, url, *, source) -> ListPage`` (pure; LayoutDriftError when
  the list container is missing)
- ``deeper_pages(list_page, html, url, *, source, pages) -> list[PageRequest]``
  (optional)
- ``parse_list_response(body, url, *, source) -> ListPage`` for paging/API
  responses (optional)
- ``parse_article(html, url, *, source=None) -> ArticlePage`` (pure)
- ``sniff(html, url) -> int`` (optional, classmethod or method): how sure the
  parser is that an article page belongs to its family (0 = not mine). Used by
  :func:`parse_article` when neither the URL host nor the config decide.

Modules in the ``scrapers`` package are imported on first lookup, so
registering is just the decorator.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Protocol
from urllib.parse import urlsplit

from scrapers.base import ArticlePage, ListPage, PageRequest
from scrapers.errors import ConfigError, ScrapeError

# Infrastructure modules that never define parsers (skip to keep import cheap).
_NOT_PARSERS = {"base", "errors", "registry", "config", "http", "robots", "crawl"}

_PARSERS: dict[str, Any] = {}
_loaded = False


class Parser(Protocol):
    family: str

    def column_url(self, source: Any, column: Any) -> str: ...

    def parse_list(self, html: str, url: str, *, source: Any) -> ListPage: ...

    def parse_article(self, html: str, url: str, *, source: Any = None) -> ArticlePage: ...


class UnknownFamily(ScrapeError):
    """No parser registered for a family, or no family recognised for a page."""


def register_parser(family: str):
    """Class decorator: register an instance of the class under ``family``."""

    def wrap(cls):
        cls.family = family
        _PARSERS[family] = cls()
        return cls

    return wrap


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import scrapers

    for info in pkgutil.iter_modules(scrapers.__path__):
        if info.name not in _NOT_PARSERS and not info.name.startswith("_"):
            importlib.import_module(f"scrapers.{info.name}")


def families() -> list[str]:
    _load_all()
    return sorted(_PARSERS)


def get_parser(family: str) -> Any:
    _load_all()
    try:
        return _PARSERS[family]
    except KeyError:
        raise UnknownFamily(f"no parser registered for family {family!r}; known: {sorted(_PARSERS)}") from None


def deeper_pages(parser: Any, list_page: ListPage, html: str, url: str, *, source: Any, pages: int) -> list[PageRequest]:
    """Call the parser's optional deeper_pages, defaulting to none."""
    fn = getattr(parser, "deeper_pages", None)
    if fn is None:
        return list(list_page.next_requests[:pages])
    return fn(list_page, html, url, source=source, pages=pages)


def family_for(html: str, url: str, sources: list[Any] | None = None) -> str:
    """Pick the family of a page: configured host first, then page markers."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    for src in sources or []:
        if host and host in [h.lower() for h in getattr(src, "allowed_hosts", [])]:
            return src.family
    _load_all()
    best, best_score = None, 0
    for fam, parser in _PARSERS.items():
        sniff = getattr(parser, "sniff", None)
        score = int(sniff(html, url)) if sniff else 0
        if score > best_score:
            best, best_score = fam, score
    if best is None:
        raise UnknownFamily(f"cannot tell which CMS family {url or 'this page'} belongs to")
    return best


def parse_article(html: str, url: str, *, sources: list[Any] | None = None) -> ArticlePage:
    """Parse an article of any known family (used by `yibao extract URL|FILE`)."""
    if sources is None:
        try:
            from scrapers.config import load_sources

            sources = load_sources()
        except ConfigError:  # no usable config: fall back to page markers
            sources = []
    family = family_for(html, url, sources)
    source = next((s for s in sources if s.family == family and url and
                   (urlsplit(url).hostname or "") in s.allowed_hosts), None)
    return get_parser(family).parse_article(html, url, source=source)
