"""Incremental crawl of one source: page 0 of each column, new/changed articles,
their attachments; deeper pages only for catch-up or an explicit deep crawl.

All network I/O goes through the Fetcher; parsing through the family parser.
"""
from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from scrapers.base import ArticlePage, AttachmentLink, ListEntry, ListPage
from scrapers.errors import ChallengeError, FetchError, HostNotAllowed, LayoutDriftError, ResponseTooLarge, ScrapeError
from scrapers.http import Fetcher
from scrapers.registry import deeper_pages, get_parser

HEALTH_ORDER = ("ok", "error", "drifted", "challenged")  # worst last


@dataclass
class ColumnState:
    etag: str | None = None
    last_modified: str | None = None
    last_count: int = 0  # records on page 0 at the last successful read
    last_total: int | None = None


@dataclass
class CrawlState:
    source_id: str = ""
    columns: dict[str, ColumnState] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)  # article url -> list-row signature

    def to_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "columns": {k: asdict(v) for k, v in self.columns.items()},
                "seen": dict(self.seen)}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "CrawlState":
        d = d or {}
        return cls(source_id=d.get("source_id", ""),
                   columns={k: ColumnState(**v) for k, v in (d.get("columns") or {}).items()},
                   seen=dict(d.get("seen") or {}))


@dataclass
class FetchedAttachment:
    link: AttachmentLink
    data: bytes | None
    content_type: str | None
    status: str  # "ok" | "too_large" | "error" | "skipped_host"
    error: str | None = None


@dataclass
class FetchedArticle:
    entry: ListEntry
    page: ArticlePage
    raw: bytes
    url: str
    headers: dict[str, str]
    attachments: list[FetchedAttachment] = field(default_factory=list)
    column: str = ""


@dataclass
class CrawlResult:
    source_id: str
    articles: list[FetchedArticle]
    health: str  # "ok" | "challenged" | "drifted" | "error"
    health_detail: str
    requests: int
    not_modified: int
    state: CrawlState
    errors: list[str] = field(default_factory=list)
    column_health: dict[str, str] = field(default_factory=dict)


class _ColumnFailed(Exception):
    def __init__(self, health: str, detail: str) -> None:
        super().__init__(detail)
        self.health = health
        self.detail = detail


def _worst(a: str, b: str) -> str:
    return a if HEALTH_ORDER.index(a) >= HEALTH_ORDER.index(b) else b


class _SourceCrawl:
    """State for one crawl_source call."""

    def __init__(self, source: Any, fetcher: Fetcher, state: CrawlState, deep: bool,
                 max_articles: int | None, progress: Callable[[str], None] | None) -> None:
        self.source = source
        self.fetcher = fetcher
        self.parser = get_parser(source.family)
        self.state = copy.deepcopy(state)
        self.state.source_id = source.id
        self.had_seen = bool(state.seen)
        self.deep = deep
        self.max_articles = max_articles
        self.progress = progress or (lambda msg: None)
        self.articles: list[FetchedArticle] = []
        self.errors: list[str] = []
        self.not_modified = 0

    # ............................................................ list pages
    def read_list(self, column: Any, cs: ColumnState) -> list[ListEntry] | None:
        """Entries of a column (page 0, plus deeper groups when catching up); None on 304."""
        url = self.parser.column_url(self.source, column)
        conditional = not self.deep
        # Families whose column pages are JS shells (JPaaS, gkmlpt) set ``shell_column_pages``:
        # such a page is short by design, so it is not checked as a near-empty challenge.
        kind = "api" if getattr(self.parser, "shell_column_pages", False) else "page"
        res = self.fetcher.get(url, source=self.source, etag=cs.etag if conditional else None,
                               last_modified=cs.last_modified if conditional else None, kind=kind)
        if res.not_modified:
            self.not_modified += 1
            self.progress(f"{self.source.id}/{column.id}: not modified")
            return None
        page = self.parser.parse_list(res.text, res.url, source=self.source)
        api_first = bool(page.meta.get("needs_api")) and not page.entries and bool(page.next_requests)
        if api_first:  # JPaaS / gkmlpt: the column page is a shell; its rows come from an API
            page = self._read_api_first(page, res.url)
        if not page.entries and cs.last_count > 0:
            raise LayoutDriftError(self.source.id, f"column {column.id} list records",
                                   f"zero records where {cs.last_count} were before ({url})")
        entries = list(page.entries)
        catch_up = self.had_seen and entries and not any(e.url in self.state.seen for e in entries)
        if self.deep or catch_up:
            entries = self._read_deeper(column, page, res.text, res.url, entries, stop_at_seen=not self.deep)
        # An API-first shell page never changes: a 304 on it must not skip the API.
        cs.etag = None if api_first else res.headers.get("ETag")
        cs.last_modified = None if api_first else res.headers.get("Last-Modified")
        cs.last_count = len(page.entries)
        cs.last_total = page.total
        return entries

    def _read_api_first(self, shell: ListPage, url: str) -> ListPage:
        """Fetch the first API page(s) named by a shell column page (``meta.needs_api``)."""
        entries: list[ListEntry] = []
        first: ListPage | None = None
        totals: list[int] = []
        for req in shell.next_requests:
            if req.method.upper() == "POST":
                res = self.fetcher.post(req.url, req.data or {}, source=self.source, params=req.params, referer=url)
            else:
                res = self.fetcher.get(req.url, source=self.source, params=req.params, referer=url, kind="api")
            got = self.parser.parse_list_response(res.text, res.url, source=self.source)
            first = first or got
            known = {e.url for e in entries}
            entries.extend(e for e in got.entries if e.url not in known)
            if got.total is not None:
                totals.append(got.total)
        meta = dict(first.meta) if first else {}
        return ListPage(entries=entries, total=sum(totals) if totals else None, meta=meta)

    def _read_deeper(self, column: Any, page: ListPage, html: str, url: str, entries: list[ListEntry],
                     *, stop_at_seen: bool) -> list[ListEntry]:
        pages = max(0, int(self.source.poll.max_catchup_pages))
        requests = deeper_pages(self.parser, page, html, url, source=self.source, pages=pages)
        known = {e.url for e in entries}
        for req in requests:
            if req.method.upper() == "POST":
                res = self.fetcher.post(req.url, req.data or {}, source=self.source, params=req.params, referer=url)
            else:
                res = self.fetcher.get(req.url, source=self.source, params=req.params, referer=url, kind="api")
            parse = getattr(self.parser, "parse_list_response", None)
            deeper = parse(res.text, res.url, source=self.source) if parse else \
                self.parser.parse_list(res.text, res.url, source=self.source)
            expected = req.meta.get("expected")
            if expected is not None and not (req.meta.get("expected_min", expected) <= len(deeper.entries) <= expected):
                self.errors.append(
                    f"{self.source.id}/{column.id}: group {req.meta.get('group')} returned {len(deeper.entries)} "
                    f"records, expected {expected} (total {req.meta.get('total')}); stopped paging")
                break
            if page.total is not None and deeper.total is not None and deeper.total != page.total:
                self.errors.append(f"{self.source.id}/{column.id}: total changed {page.total} -> {deeper.total} "
                                   "while paging; stopped")
                break
            fresh = [e for e in deeper.entries if e.url not in known]  # drops the repeated boundary row
            known.update(e.url for e in fresh)
            entries.extend(fresh)
            if stop_at_seen and any(e.url in self.state.seen for e in fresh):
                break
        return entries

    # .............................................................. articles
    def fetch_article(self, entry: ListEntry, column: Any) -> FetchedArticle:
        if not self.source.host_allowed(entry.url):
            raise HostNotAllowed(self.source.id, entry.url)
        res = self.fetcher.get(entry.url, source=self.source, referer=self.parser.column_url(self.source, column))
        page = self.parser.parse_article(res.text, res.url, source=self.source)
        fetched = FetchedArticle(entry=entry, page=page, raw=res.content, url=res.url, headers=res.headers,
                                 column=column.id)
        fetched.attachments = [self.fetch_attachment(link, res.url) for link in page.attachments]
        return fetched

    def fetch_attachment(self, link: AttachmentLink, referer: str) -> FetchedAttachment:
        if not self.source.host_allowed(link.url):
            return FetchedAttachment(link, None, None, "skipped_host",
                                     f"host of {link.url} is not in allowed_hosts of {self.source.id}")
        try:
            res = self.fetcher.get(link.url, source=self.source, referer=referer, kind="attachment",
                                   max_bytes=self.source.poll.max_attachment_bytes)
        except ResponseTooLarge as exc:
            return FetchedAttachment(link, None, None, "too_large", str(exc))
        except ChallengeError:
            raise
        except ScrapeError as exc:
            return FetchedAttachment(link, None, None, "error", str(exc))
        return FetchedAttachment(link, res.content, res.content_type or None, "ok")

    def crawl_column(self, column: Any) -> None:
        cs = self.state.columns.setdefault(column.id, ColumnState())
        before = copy.deepcopy(cs)
        entries = self.read_list(column, cs)
        if entries is None:
            return
        complete = True
        for entry in entries:
            if self.state.seen.get(entry.url) == entry.signature():
                continue
            if self.max_articles is not None and len(self.articles) >= self.max_articles:
                complete = False
                break
            try:
                article = self.fetch_article(entry, column)
            except HostNotAllowed as exc:
                self.errors.append(str(exc))
                continue  # never fetched; not a failure of the column
            except ChallengeError:
                self._keep_validators(cs, before)
                raise
            except LayoutDriftError:
                self._keep_validators(cs, before)
                raise
            except FetchError as exc:
                self.errors.append(str(exc))
                complete = False
                continue
            self.articles.append(article)
            self.state.seen[entry.url] = entry.signature()
            self.progress(f"{self.source.id}/{column.id}: fetched {entry.url}")
        if not complete:
            # keep the old validators so the next poll re-reads the list and retries
            self._keep_validators(cs, before)

    @staticmethod
    def _keep_validators(cs: ColumnState, before: ColumnState) -> None:
        cs.etag, cs.last_modified = before.etag, before.last_modified


def crawl_source(source: Any, fetcher: Fetcher, state: CrawlState | None = None, *, deep: bool = False,
                 max_articles: int | None = None, progress: Callable[[str], None] | None = None) -> CrawlResult:
    """Poll one source. A failure on one column is recorded and the others continue."""
    run = _SourceCrawl(source, fetcher, state or CrawlState(source_id=source.id), deep, max_articles, progress)
    start_requests = fetcher.requests_made
    health, details, column_health = "ok", [], {}
    for column in source.columns:
        try:
            run.crawl_column(column)
            column_health[column.id] = "ok"
        except ChallengeError as exc:
            column_health[column.id] = "challenged"
            details.append(f"column {column.id}: {exc}")
        except LayoutDriftError as exc:
            column_health[column.id] = "drifted"
            details.append(f"column {column.id}: {exc}")
        except ScrapeError as exc:
            column_health[column.id] = "error"
            details.append(f"column {column.id}: {exc}")
        health = _worst(health, column_health[column.id])
    run.errors.extend(details)
    return CrawlResult(
        source_id=source.id, articles=run.articles, health=health,
        health_detail="; ".join(details) if details else f"{len(source.columns)} column(s) ok",
        requests=fetcher.requests_made - start_requests, not_modified=run.not_modified,
        state=run.state, errors=run.errors, column_health=column_health,
    )
