"""Incremental crawl of one source: page 0 of each column, new/changed articles,
their attachments; deeper pages for a column's first poll (the baseline: the whole
column up to max_catchup_pages), for catch-up, or an explicit deep crawl; then the
re-check cycle of known articles and attachments (conditional GET, see recheck.py).

All network I/O goes through the Fetcher; parsing through the family parser.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from scrapers.base import ArticlePage, AttachmentLink, ListEntry, ListPage
from scrapers.errors import ChallengeError, FetchError, HostNotAllowed, LayoutDriftError, ResponseTooLarge, ScrapeError
from scrapers.http import Fetcher
from scrapers.recheck import (WITHDRAWN_AFTER_MISSES, HostBudget, KnownArticle, cycle_complete, iso, mark_checked,
                              plan_rechecks)
from scrapers.registry import deeper_pages, get_parser

BASELINE_REACH_DAYS = 730  # a baseline that stops (max_catchup_pages) short of this says so

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
    known: dict[str, KnownArticle] = field(default_factory=dict)  # article url -> re-check bookkeeping
    cycle_started: str | None = None  # the current re-check cycle began (ISO)
    last_full_cycle: str | None = None  # every known article had been re-checked by then (ISO)

    def to_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "columns": {k: asdict(v) for k, v in self.columns.items()},
                "seen": dict(self.seen), "known": {k: v.to_dict() for k, v in self.known.items()},
                "cycle_started": self.cycle_started, "last_full_cycle": self.last_full_cycle}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "CrawlState":
        d = d or {}
        return cls(source_id=d.get("source_id", ""),
                   columns={k: ColumnState(**v) for k, v in (d.get("columns") or {}).items()},
                   seen=dict(d.get("seen") or {}),
                   known={k: KnownArticle.from_dict(v) for k, v in (d.get("known") or {}).items()},
                   cycle_started=d.get("cycle_started"), last_full_cycle=d.get("last_full_cycle"))


@dataclass
class FetchedAttachment:
    link: AttachmentLink
    data: bytes | None
    content_type: str | None
    status: str  # "ok" | "not_modified" | "too_large" | "error" | "skipped_host"
    error: str | None = None
    sha256: str | None = None  # of the bytes ("ok"), or of the unchanged bytes known from before ("not_modified")
    validators: dict = field(default_factory=dict)  # ETag / Last-Modified of the answer


@dataclass
class FetchedArticle:
    entry: ListEntry
    page: ArticlePage
    raw: bytes
    url: str
    headers: dict[str, str]
    attachments: list[FetchedAttachment] = field(default_factory=list)
    column: str = ""
    recheck: bool = False  # fetched again by the re-check cycle (a known article)


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
    rechecked: int = 0  # known articles fetched again on this poll
    recheck_requests: int = 0
    recheck_not_modified: int = 0  # of those requests, answered 304
    recheck_deferred: int = 0  # due but over the host budget
    withdrawn: list[str] = field(default_factory=list)  # urls that just reached WITHDRAWN_AFTER_MISSES 404s
    returned: list[str] = field(default_factory=list)  # urls reported withdrawn that answer again
    full_cycle_completed: bool = False


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
                 max_articles: int | None, progress: Callable[[str], None] | None,
                 now: dt.datetime | None = None) -> None:
        self.now = (now or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None)
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
        self._deeper_read = 0
        self.rechecked = self.recheck_requests = self.recheck_not_modified = self.recheck_deferred = 0
        self.withdrawn: list[str] = []
        self.returned: list[str] = []
        self.full_cycle_completed = False

    # ............................................................ list pages
    def read_list(self, column: Any, cs: ColumnState, first_read: bool = False) -> list[ListEntry] | None:
        """Entries of a column (page 0, plus deeper groups on the baseline or when catching up); None on 304."""
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
        if first_read and entries:  # the baseline: the whole column, silently
            entries = self._read_deeper(column, page, res.text, res.url, entries, stop_at_seen=False)
            self._check_baseline_reach(column, entries)
        elif self.deep or catch_up:
            entries = self._read_deeper(column, page, res.text, res.url, entries, stop_at_seen=not self.deep)
        # An API-first shell page never changes: a 304 on it must not skip the API.
        cs.etag = None if api_first else res.headers.get("ETag")
        cs.last_modified = None if api_first else res.headers.get("Last-Modified")
        cs.last_count = len(page.entries)
        cs.last_total = page.total
        return entries

    def _check_baseline_reach(self, column: Any, entries: list[ListEntry]) -> None:
        """Say so when max_catchup_pages stopped the baseline short of two years (nothing is lost:
        older records are found later and archived, not announced)."""
        dates = sorted(e.publish_date for e in entries if e.publish_date)
        pages = int(self.source.poll.max_catchup_pages)
        if not dates or self._deeper_read < pages:
            return
        horizon = (self.now - dt.timedelta(days=BASELINE_REACH_DAYS)).date().isoformat()
        if dates[0] > horizon:
            self.errors.append(f"{self.source.id}/{column.id}: baseline reached back only to {dates[0]} "
                               f"(max_catchup_pages={pages}); raise it to cover two years")

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
        self._deeper_read = 0
        for req in requests:
            self._deeper_read += 1
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
        known = self.state.known.get(entry.url)
        first = known is None
        known = known or KnownArticle(url=entry.url)
        known.column, known.published = column.id, entry.publish_date or page.publish_date or known.published
        self._remember(known, res, fetched.attachments)
        mark_checked(known, self.source.poll.recheck, self.now, first=first)
        self.state.known[entry.url] = known
        return fetched

    @staticmethod
    def _remember(known: KnownArticle, res: Any, attachments: list[FetchedAttachment]) -> None:
        """Keep the validators of a page and of its attachments for the next conditional GET."""
        headers = {k.lower(): v for k, v in res.headers.items()}
        known.etag, known.last_modified = headers.get("etag"), headers.get("last-modified")
        before, known.attachments = known.attachments, {}
        for fa in attachments:
            if fa.status in ("ok", "not_modified"):
                prev = before.get(fa.link.url) or {}
                known.attachments[fa.link.url] = {
                    "name": fa.link.name, "sha256": fa.sha256,
                    "etag": fa.validators.get("ETag", prev.get("etag")),
                    "last_modified": fa.validators.get("Last-Modified", prev.get("last_modified"))}

    def fetch_attachment(self, link: AttachmentLink, referer: str, known: dict | None = None) -> FetchedAttachment:
        """Download an attachment; with ``known`` validators, a conditional GET (304 -> "not_modified")."""
        if not self.source.host_allowed(link.url):
            return FetchedAttachment(link, None, None, "skipped_host",
                                     f"host of {link.url} is not in allowed_hosts of {self.source.id}")
        known = known or {}
        try:
            res = self.fetcher.get(link.url, source=self.source, referer=referer, kind="attachment",
                                   max_bytes=self.source.poll.max_attachment_bytes,
                                   etag=known.get("etag"), last_modified=known.get("last_modified"))
        except ResponseTooLarge as exc:
            return FetchedAttachment(link, None, None, "too_large", str(exc))
        except ChallengeError:
            raise
        except ScrapeError as exc:
            return FetchedAttachment(link, None, None, "error", str(exc))
        validators = {name: value for key, value in res.headers.items()
                      for name in ("ETag", "Last-Modified") if key.lower() == name.lower()}
        if res.not_modified and known.get("sha256"):
            fa = FetchedAttachment(link, None, None, "not_modified", sha256=known["sha256"])
        else:
            fa = FetchedAttachment(link, res.content, res.content_type or None, "ok",
                                   sha256=hashlib.sha256(res.content).hexdigest())
        fa.validators = validators
        return fa

    # ............................................................. re-checks
    def recheck(self, budget: HostBudget, force: str | int | None) -> None:
        """Fetch due known articles again (conditional GET); collect the changed ones."""
        cfg = self.source.poll.recheck
        fetched_now = {a.entry.url for a in self.articles}
        candidates = [k for url, k in self.state.known.items() if url not in fetched_now]
        plan = plan_rechecks(candidates, cfg, self.now, budget, self.source.id, limit=budget.share(self.source),
                             force=force)
        self.recheck_deferred = plan.deferred
        start = self.fetcher.requests_made
        for known in plan.chosen:
            try:
                article = self.recheck_article(known)
            except ChallengeError:
                raise
            except ScrapeError as exc:  # a drifted or unreadable page: said, and tried again next poll
                self.errors.append(f"re-check: {exc}")
                continue
            finally:
                self.rechecked += 1
            if article is not None:
                self.articles.append(article)
                self.progress(f"{self.source.id}: changed in place {known.url}")
        self.recheck_requests = self.fetcher.requests_made - start
        if self.state.cycle_started is None:
            self.state.cycle_started = iso(self.now)
        elif cycle_complete(list(self.state.known.values()), self.state.cycle_started):
            self.state.last_full_cycle = self.state.cycle_started = iso(self.now)
            self.full_cycle_completed = True

    def recheck_article(self, known: KnownArticle) -> FetchedArticle | None:
        """One known article: None when page and attachments are unchanged (or it could not be read)."""
        cfg = self.source.poll.recheck
        column = self._column(known.column)
        referer = self.parser.column_url(self.source, column) if column else self.source.base_url
        try:
            res = self.fetcher.get(known.url, source=self.source, referer=referer,
                                   etag=known.etag, last_modified=known.last_modified)
        except FetchError as exc:
            if exc.status in (404, 410):
                known.misses += 1
                known.due = iso(self.now)  # look again on the next poll: two misses in a row
                if known.misses >= WITHDRAWN_AFTER_MISSES and not known.withdrawn:
                    known.withdrawn = True
                    self.withdrawn.append(known.url)
            else:
                self.errors.append(f"re-check: {exc}")
            return None
        if known.withdrawn:
            self.returned.append(known.url)
        known.misses, known.withdrawn = 0, False
        if res.not_modified:
            self.recheck_not_modified += 1
            links = [AttachmentLink(a.get("name") or url, url) for url, a in known.attachments.items()]
            page = None
        else:
            page = self.parser.parse_article(res.text, res.url, source=self.source)
            links = page.attachments
        attachments = [self.fetch_attachment(link, known.url, known.attachments.get(link.url)) for link in links]
        self.recheck_not_modified += sum(1 for a in attachments if a.status == "not_modified")
        if any(a.status == "error" for a in attachments):  # a missing file must not look like a removed one
            self.errors.append(f"re-check: an attachment of {known.url} could not be read; tried again next poll")
            return None
        changed_attachment = any(a.status == "ok" and a.sha256 != (known.attachments.get(a.link.url) or {}).get("sha256")
                                 for a in attachments)
        if page is None and not changed_attachment:
            mark_checked(known, cfg, self.now)
            return None
        if page is None:  # the page answered 304 but an attachment changed: read the page itself
            res = self.fetcher.get(known.url, source=self.source, referer=referer)
            page = self.parser.parse_article(res.text, res.url, source=self.source)
        self._remember(known, res, attachments)
        mark_checked(known, cfg, self.now)
        entry = ListEntry(url=known.url, title=page.title, publish_date=known.published or page.publish_date,
                          doc_number=page.doc_number)
        return FetchedArticle(entry=entry, page=page, raw=res.content, url=res.url, headers=res.headers,
                              attachments=attachments, column=known.column, recheck=True)

    def _column(self, column_id: str) -> Any:
        return next((c for c in self.source.columns if c.id == column_id), None)

    def crawl_column(self, column: Any) -> None:
        first_read = column.id not in self.state.columns
        cs = self.state.columns.setdefault(column.id, ColumnState())
        before = copy.deepcopy(cs)
        entries = self.read_list(column, cs, first_read)
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
                 max_articles: int | None = None, progress: Callable[[str], None] | None = None,
                 now: dt.datetime | None = None, budget: HostBudget | None = None,
                 recheck: str | int | None = None) -> CrawlResult:
    """Poll one source. A failure on one column is recorded and the others continue.

    After the list pages, known articles that are due are re-checked within the source's share of
    its host's budget (``budget``; without one, the source's own budget_per_poll);
    ``recheck="all"`` or a number of days forces a cycle.
    ``now`` is the clock (tests advance it instead of sleeping).
    """
    run = _SourceCrawl(source, fetcher, state or CrawlState(source_id=source.id), deep, max_articles, progress,
                       now=now)
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
    if health != "challenged" and (max_articles is None or recheck is not None):
        try:
            run.recheck(budget or HostBudget(), recheck)
        except ChallengeError as exc:  # stop re-checking this host; the next poll resumes
            health = "challenged"
            details.append(f"re-check: {exc}")
    run.errors.extend(details)
    return CrawlResult(
        source_id=source.id, articles=run.articles, health=health,
        health_detail="; ".join(details) if details else f"{len(source.columns)} column(s) ok",
        requests=fetcher.requests_made - start_requests, not_modified=run.not_modified,
        state=run.state, errors=run.errors, column_health=column_health,
        rechecked=run.rechecked, recheck_requests=run.recheck_requests,
        recheck_not_modified=run.recheck_not_modified, recheck_deferred=run.recheck_deferred,
        withdrawn=run.withdrawn, returned=run.returned, full_cycle_completed=run.full_cycle_completed,
    )
