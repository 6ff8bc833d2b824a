"""Incremental crawl of one source: page 0 of each column, new/changed articles,
their attachments; deeper pages for a column's first poll (the baseline: the whole
column up to max_catchup_pages), for catch-up, or an explicit deep crawl; then the
re-check cycle of known articles and attachments (conditional GET).

Here: one poll's course and the fetching of articles and attachments. List pages are read
in listing.py, the re-check cycle runs in recheck_cycle.py (its schedule: recheck.py), the
saved state and the results are in crawl_state.py and fetched.py. All network I/O goes
through the Fetcher; parsing through the family parser.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any, Callable

from scrapers.base import AttachmentLink, ListEntry
from scrapers.crawl_state import ColumnState, CrawlState
from scrapers.errors import ChallengeError, FetchError, HostNotAllowed, LayoutDriftError, ResponseTooLarge, ScrapeError
from scrapers.fetched import CrawlResult, FetchedArticle, FetchedAttachment
from scrapers.http import Fetcher
from scrapers.listing import ColumnReader
from scrapers.recheck import HostBudget, KnownArticle, mark_checked, remember_validators
from scrapers.recheck_cycle import RecheckCycle
from scrapers.registry import get_parser

__all__ = ["ColumnState", "CrawlResult", "CrawlState", "FetchedArticle", "FetchedAttachment", "crawl_source"]

HEALTH_ORDER = ("ok", "error", "drifted", "challenged")  # worst last


def _worst(a: str, b: str) -> str:
    return a if HEALTH_ORDER.index(a) >= HEALTH_ORDER.index(b) else b


class SourceCrawl:
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
        self.lists = ColumnReader(self)
        self.rechecks = RecheckCycle(self)

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
        remember_validators(known, res, fetched.attachments)
        mark_checked(known, self.source.poll.recheck, self.now, first=first)
        self.state.known[entry.url] = known
        return fetched

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

    # ............................................................... columns
    def crawl_column(self, column: Any) -> None:
        first_read = column.id not in self.state.columns
        cs = self.state.columns.setdefault(column.id, ColumnState())
        before = copy.deepcopy(cs)
        entries = self.lists.read(column, cs, first_read)
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
    run = SourceCrawl(source, fetcher, state or CrawlState(source_id=source.id), deep, max_articles, progress,
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
            run.rechecks.run(budget or HostBudget(), recheck)
        except ChallengeError as exc:  # stop re-checking this host; the next poll resumes
            health = "challenged"
            details.append(f"re-check: {exc}")
    run.errors.extend(details)
    cycle = run.rechecks
    return CrawlResult(
        source_id=source.id, articles=run.articles, health=health,
        health_detail="; ".join(details) if details else f"{len(source.columns)} column(s) ok",
        requests=fetcher.requests_made - start_requests, not_modified=run.lists.not_modified,
        state=run.state, errors=run.errors, column_health=column_health,
        rechecked=cycle.rechecked, recheck_requests=cycle.recheck_requests,
        recheck_not_modified=cycle.recheck_not_modified, recheck_deferred=cycle.recheck_deferred,
        withdrawn=cycle.withdrawn, returned=cycle.returned, full_cycle_completed=cycle.full_cycle_completed,
    )

