"""The re-check cycle on one poll: known articles that are due (recheck.py decides which, within
the source's share of its host's budget) are fetched again with a conditional GET, with their
attachments. A changed page or attachment comes back as a FetchedArticle (``recheck=True``);
a page answering 404/410 twice in a row is reported as possibly withdrawn."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapers.base import AttachmentLink, ListEntry
from scrapers.errors import ChallengeError, FetchError, ScrapeError
from scrapers.fetched import FetchedArticle
from scrapers.recheck import (WITHDRAWN_AFTER_MISSES, HostBudget, KnownArticle, cycle_complete, iso, mark_checked,
                              plan_rechecks, remember_validators)

if TYPE_CHECKING:
    from scrapers.crawl import SourceCrawl


class RecheckCycle:
    """Re-checks for one crawl (``SourceCrawl``); changed articles are added to its articles."""

    def __init__(self, crawl: "SourceCrawl") -> None:
        self.crawl = crawl
        self.source, self.fetcher, self.parser = crawl.source, crawl.fetcher, crawl.parser
        self.state, self.now, self.errors, self.progress = crawl.state, crawl.now, crawl.errors, crawl.progress
        self.articles = crawl.articles
        self.rechecked = self.recheck_requests = self.recheck_not_modified = self.recheck_deferred = 0
        self.withdrawn: list[str] = []  # urls that just reached WITHDRAWN_AFTER_MISSES 404s
        self.returned: list[str] = []  # urls reported withdrawn that answer again
        self.full_cycle_completed = False

    def run(self, budget: HostBudget, force: str | int | None) -> None:
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
        attachments = [self.crawl.fetch_attachment(link, known.url, known.attachments.get(link.url)) for link in links]
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
        remember_validators(known, res, attachments)
        mark_checked(known, cfg, self.now)
        entry = ListEntry(url=known.url, title=page.title, publish_date=known.published or page.publish_date,
                          doc_number=page.doc_number)
        return FetchedArticle(entry=entry, page=page, raw=res.content, url=res.url, headers=res.headers,
                              attachments=attachments, column=known.column, recheck=True)

    def _column(self, column_id: str) -> Any:
        return next((c for c in self.source.columns if c.id == column_id), None)
