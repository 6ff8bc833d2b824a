"""Watch stage: poll the configured sources and store what is new as versions.

What becomes news: revisions of known documents (also those made in place, found by the
re-check cycle), and documents first seen after the baseline that were published within the
source's news window. Older documents found late are archived (stored for diffs and
successor links, listed on the report's "archived" line). Articles answering 404 twice in a
row are marked possibly withdrawn (never deleted) and the 医保办 is alerted.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from sqlalchemy import select

from yibao.pipeline.identity import canonical_url
from yibao.pipeline.versions import StoredConcurrently, record_article
from yibao.store import BlobStore, Document, Event, Source
from yibao.store.models import utcnow

log = logging.getLogger(__name__)


@dataclass
class SourceReport:
    source_id: str
    health: str
    detail: str
    requests: int = 0
    not_modified: int = 0
    articles: int = 0
    new_versions: list[int] = field(default_factory=list)
    baseline_versions: int = 0  # stored on a source's first poll, not announced
    errors: list[str] = field(default_factory=list)
    revised_in_place: list[int] = field(default_factory=list)  # versions found by the re-check cycle
    archived: list[str] = field(default_factory=list)  # "title (date)" of old documents found late
    withdrawn: list[str] = field(default_factory=list)  # urls now marked possibly withdrawn
    rechecked: int = 0
    recheck_requests: int = 0
    recheck_not_modified: int = 0
    recheck_deferred: int = 0
    last_full_recheck: str | None = None


@dataclass
class ScrapeReport:
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def version_ids(self) -> list[int]:
        return [v for s in self.sources for v in s.new_versions]

    def to_dict(self) -> dict:
        return {"version_ids": self.version_ids, "sources": [s.__dict__ for s in self.sources]}


def configured_sources(source_ids: list[str] | None = None):
    import os

    from scrapers.config import load_sources

    chosen = os.environ.get("YIBAO_SOURCES", "").strip()
    sources = load_sources()
    if chosen == "all":
        pass
    elif chosen:
        source_ids = source_ids or [s.strip() for s in chosen.split(",") if s.strip()]
    else:
        sources = [s for s in sources if s.enabled]
    if source_ids:
        unknown = set(source_ids) - {s.id for s in sources}
        if unknown:
            raise LookupError(f"unknown or disabled source(s): {', '.join(sorted(unknown))}; "
                              f"configured: {', '.join(s.id for s in sources)}")
        sources = [s for s in sources if s.id in source_ids]
    return sources


def scrape(session: Session, *, source_ids: list[str] | None = None, deep: bool = False, fetcher=None,
           progress: Callable[[str], None] | None = None, announce_baseline: bool = False,
           recheck: str | int | None = None, now: dt.datetime | None = None) -> ScrapeReport:
    """Poll each source; commit per source so one failing site never loses another's results.

    A source's first poll stores what is already published as the baseline and
    announces nothing (history is not news); `announce_baseline=True` overrides that.
    `recheck="all"` (or a number of days) forces a re-check cycle; `now` is the clock.
    """
    from scrapers.http import Fetcher
    from scrapers.recheck import HostBudget

    fetcher = fetcher or Fetcher()
    # each source re-checks within its share of its host's budget, computed over every watched
    # source: one Airflow task per source (parallel processes) never exceeds the host's budget
    budget = HostBudget(configured_sources())
    report = ScrapeReport()
    for source in configured_sources(source_ids):
        report.sources.append(scrape_source(session, source, fetcher, deep=deep, progress=progress,
                                            announce_baseline=announce_baseline, recheck=recheck, now=now,
                                            budget=budget))
        session.commit()
    return report


def scrape_source(session: Session, source, fetcher, *, deep: bool = False,
                  progress: Callable[[str], None] | None = None, announce_baseline: bool = False,
                  recheck: str | int | None = None, now: dt.datetime | None = None, budget=None) -> SourceReport:
    from scrapers.crawl import CrawlState, crawl_source
    from scrapers.recheck import forget_validators

    now = (now or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None)
    row = _upsert_source(session, source)
    baseline = row.last_success_at is None and not announce_baseline
    state = CrawlState.from_dict(row.crawl_state)
    _seed_known(session, source, state, now)
    session.commit()   # hold no write lock while the network is slow: on SQLite it would stall reviews and sends
    result = crawl_source(source, fetcher, state, deep=deep, progress=progress, now=now, budget=budget,
                          recheck=recheck)
    rep = SourceReport(source.id, result.health, result.health_detail, result.requests,
                       result.not_modified, len(result.articles), errors=list(result.errors),
                       rechecked=result.rechecked, recheck_requests=result.recheck_requests,
                       recheck_not_modified=result.recheck_not_modified, recheck_deferred=result.recheck_deferred)
    blobs = BlobStore()
    window_start = (now + dt.timedelta(hours=8)).date() - dt.timedelta(days=source.poll.news_window_days)
    for fetched in _in_publication_order(result.articles):
        try:
            outcome = _record_once(session, source.id, fetched, blobs, now)
        except Exception as exc:  # keep the item for the next poll instead of losing it
            log.exception("could not store %s", fetched.page.url)
            result.state.seen.pop(fetched.entry.url, None)
            if fetched.entry.url in result.state.known:
                forget_validators(result.state.known[fetched.entry.url])
            rep.errors.append(f"{fetched.page.url}: {type(exc).__name__}: {exc}")
            continue
        label = outcome.reason
        if outcome.created and baseline:
            rep.baseline_versions += 1
            label = f"{outcome.reason}, baseline (history, not announced)"
        elif outcome.created and outcome.reason == "new document" and _too_old(session, outcome, window_start):
            doc = session.get(Document, outcome.document_id)
            doc.archived = True
            rep.archived.append(f"{doc.title} ({doc.publish_date})")
            label = f"{outcome.reason}, archived (published {doc.publish_date}, before the news window)"
        elif outcome.created:
            rep.new_versions.append(outcome.version_id)
            if fetched.recheck:
                rep.revised_in_place.append(outcome.version_id)
        if progress:
            progress(f"{source.id}: {fetched.page.title[:40]} — {label}")
    withdrawn = _mark_withdrawn(session, source.id, result.withdrawn, result.returned, now)
    rep.withdrawn = [doc.url for doc in withdrawn]
    if result.full_cycle_completed:
        row.last_full_recheck_at = now
    rep.last_full_recheck = str(row.last_full_recheck_at or "") or None
    _record_health(session, row, result, rep)
    row.crawl_state = result.state.to_dict()
    if withdrawn:
        session.commit()  # what was found is kept even if sending the alert fails
        _alert_withdrawn(session, row, withdrawn)
    return rep


def _in_publication_order(articles: list) -> list:
    """Oldest first (undated last, listing order kept among equals): when several new pages are one
    document (a notice re-issued under its 文号), the latest published becomes its current version,
    not whichever the newest-first listing happened to yield last."""
    return sorted(articles, key=lambda f: (f.page.publish_date is None, f.page.publish_date or ""))


def _too_old(session: Session, outcome, window_start: dt.date) -> bool:
    doc = session.get(Document, outcome.document_id)
    return doc is not None and doc.publish_date is not None and doc.publish_date < window_start


def _seed_known(session: Session, source, state, now: dt.datetime) -> None:
    """Known articles from a state saved before the re-check cycle existed: take them from the store."""
    from scrapers.recheck import KnownArticle, mark_checked

    if state.known or not state.seen:
        return
    docs = {canonical_url(d.url): d for d in session.scalars(select(Document).where(Document.source_id == source.id))}
    for url in state.seen:
        doc = docs.get(canonical_url(url))
        known = KnownArticle(url=url, published=doc.publish_date.isoformat() if doc and doc.publish_date else None)
        mark_checked(known, source.poll.recheck, now, first=True)
        state.known[url] = known


def _mark_withdrawn(session: Session, source_id: str, withdrawn: list[str], returned: list[str],
                    now: dt.datetime) -> list[Document]:
    """Mark documents whose page answered 404 twice in a row; clear the mark of those back online."""
    def doc_for(url: str) -> Document | None:
        key = canonical_url(url)
        return next((d for d in session.scalars(select(Document).where(Document.source_id == source_id))
                     if canonical_url(d.url) == key), None)

    marked = []
    for url in withdrawn:
        doc = doc_for(url)
        if doc is not None and doc.possibly_withdrawn_at is None:
            doc.possibly_withdrawn_at = now
            marked.append(doc)
    for url in returned:
        doc = doc_for(url)
        if doc is not None:
            doc.possibly_withdrawn_at = None
    return marked


def _alert_withdrawn(session: Session, row: Source, docs: list[Document]) -> None:
    for doc in docs:
        message = (f"{row.name}：《{doc.title}》（{doc.doc_number or '无文号'}）的页面连续两次返回 404，"
                   f"可能已被撤回或删除。文件仍保存在系统中（所有版本均未删除），请核实是否仍然有效。{doc.url}")
        session.add(Event(level="alert", stage="scrape", subject=f"document:{doc.id}", message=message,
                          data={"possibly_withdrawn": doc.url}))
        _alert(session, f"文件可能已撤回：{doc.title[:60]}", message)


def _record_once(session: Session, source_id: str, fetched, blobs, now: dt.datetime):
    """record_article in a savepoint. When a concurrent scrape of the same source stored the same
    document or version first, the unique constraints refuse ours (PostgreSQL makes us wait for
    its commit): read again, and find it stored. A deadlock between the two is retried the same way."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            with session.begin_nested():
                return record_article(session, source_id, fetched, blobs=blobs, now=now)
        except (IntegrityError, OperationalError, StoredConcurrently) as exc:
            if attempt == RECORD_ATTEMPTS - 1 or not _lost_a_race(exc):
                raise
            log.info("%s was stored by a concurrent scrape (%s); reading it again",
                     fetched.page.url, type(getattr(exc, "orig", exc)).__name__)
            session.expire_all()
    raise AssertionError("unreachable")


RECORD_ATTEMPTS = 3


def _lost_a_race(exc: Exception) -> bool:
    """A unique-constraint refusal, a document stored meanwhile, or PostgreSQL's deadlock / serialization failure."""
    if isinstance(exc, StoredConcurrently):
        return True
    return isinstance(exc, IntegrityError) or getattr(exc.orig, "pgcode", None) in ("40P01", "40001")


def _upsert_source(session: Session, source) -> Source:
    row = session.get(Source, source.id)
    if row is None:
        try:
            with session.begin_nested():
                session.add(Source(id=source.id, name=source.name, family=source.family,
                                   base_url=source.base_url, region=source.region, crawl_state={}))
        except IntegrityError:   # a concurrent scrape of this source inserted it first
            log.info("source %s was added by a concurrent scrape", source.id)
        row = session.get(Source, source.id)
    row.name, row.family, row.base_url, row.region = source.name, source.family, source.base_url, source.region
    session.flush()
    return row


def _record_health(session: Session, row: Source, result, rep: SourceReport) -> None:
    now = utcnow()
    row.last_poll_at = now
    row.health, row.health_detail = result.health, result.health_detail
    if result.health == "ok":
        row.last_success_at, row.consecutive_failures = now, 0
    else:
        row.consecutive_failures += 1
    level = "info" if result.health == "ok" and not rep.errors else "alert"
    message = (f"{row.name}: {result.health}; {rep.articles} article(s), {len(rep.new_versions)} new version(s) "
               f"({len(rep.revised_in_place)} revised in place), {rep.baseline_versions} baseline version(s), "
               f"{len(rep.archived)} archived, {rep.rechecked} re-checked ({rep.recheck_deferred} deferred), "
               f"{rep.requests} request(s) ({rep.not_modified} not modified). {result.health_detail}")
    session.add(Event(level=level, stage="scrape", subject=f"source:{row.id}", message=message,
                      data={"errors": rep.errors[:20], "archived": rep.archived[:50],
                            "withdrawn": rep.withdrawn}))
    if level == "alert":
        _alert(session, f"信息源异常：{row.name}（{result.health}）", message)


def _alert(session: Session, subject: str, message: str) -> None:
    from yibao.delivery.alerts import alert

    try:
        alert(session, subject=subject, message=message, level="alert", stage="scrape")
    except Exception:  # an alert channel failing must not fail the scrape
        log.exception("alert could not be sent: %s", subject)


def today_cn() -> dt.date:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
