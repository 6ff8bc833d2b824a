"""Reading a column's list pages on one poll: page 0 with a conditional GET; the whole column
(the family's deeper pages, up to max_catchup_pages) on its first read, the baseline; deeper
pages until a seen article when catching up, or all of them on an explicit deep crawl."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from scrapers.base import ListEntry, ListPage
from scrapers.crawl_state import ColumnState
from scrapers.errors import LayoutDriftError
from scrapers.registry import deeper_pages

if TYPE_CHECKING:
    from scrapers.crawl import SourceCrawl

BASELINE_REACH_DAYS = 730  # a baseline that stops (max_catchup_pages) short of this says so


class ColumnReader:
    """The list pages of one source's columns, for one crawl (``SourceCrawl``)."""

    def __init__(self, crawl: "SourceCrawl") -> None:
        self.source, self.fetcher, self.parser = crawl.source, crawl.fetcher, crawl.parser
        self.state, self.now, self.errors, self.progress = crawl.state, crawl.now, crawl.errors, crawl.progress
        self.deep, self.had_seen = crawl.deep, crawl.had_seen
        self.not_modified = 0  # list pages answered 304
        self._deeper_read = 0

    def read(self, column: Any, cs: ColumnState, first_read: bool = False) -> list[ListEntry] | None:
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
