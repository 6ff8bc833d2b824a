"""Watch stage: poll the configured sources and store what is new as versions."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from yibao.pipeline.versions import record_article
from yibao.store import BlobStore, Event, Source
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
           progress: Callable[[str], None] | None = None, announce_baseline: bool = False) -> ScrapeReport:
    """Poll each source; commit per source so one failing site never loses another's results.

    A source's first poll stores what is already published as the baseline and
    announces nothing (history is not news); `announce_baseline=True` overrides that.
    """
    from scrapers.http import Fetcher

    fetcher = fetcher or Fetcher()
    report = ScrapeReport()
    for source in configured_sources(source_ids):
        report.sources.append(scrape_source(session, source, fetcher, deep=deep, progress=progress,
                                            announce_baseline=announce_baseline))
        session.commit()
    return report


def scrape_source(session: Session, source, fetcher, *, deep: bool = False,
                  progress: Callable[[str], None] | None = None, announce_baseline: bool = False) -> SourceReport:
    from scrapers.crawl import CrawlState, crawl_source

    row = _upsert_source(session, source)
    baseline = row.last_success_at is None and not announce_baseline
    state = CrawlState.from_dict(row.crawl_state)
    result = crawl_source(source, fetcher, state, deep=deep, progress=progress)
    rep = SourceReport(source.id, result.health, result.health_detail, result.requests,
                       result.not_modified, len(result.articles), errors=list(result.errors))
    blobs = BlobStore()
    for fetched in result.articles:
        try:
            outcome = _record_once(session, source.id, fetched, blobs)
        except Exception as exc:  # keep the item for the next poll instead of losing it
            log.exception("could not store %s", fetched.page.url)
            result.state.seen.pop(fetched.entry.url, None)
            rep.errors.append(f"{fetched.page.url}: {type(exc).__name__}: {exc}")
            continue
        if outcome.created and baseline:
            rep.baseline_versions += 1
        elif outcome.created:
            rep.new_versions.append(outcome.version_id)
        if progress:
            progress(f"{source.id}: {fetched.page.title[:40]} — {outcome.reason}")
    _record_health(session, row, result, rep)
    row.crawl_state = result.state.to_dict()
    return rep


def _record_once(session: Session, source_id: str, fetched, blobs):
    """record_article in a savepoint. When a concurrent scrape of the same source stored the same
    document or version first, the unique constraints refuse ours (PostgreSQL makes us wait for
    its commit): read again, and find it stored. A deadlock between the two is retried the same way."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            with session.begin_nested():
                return record_article(session, source_id, fetched, blobs=blobs)
        except (IntegrityError, OperationalError) as exc:
            if attempt == RECORD_ATTEMPTS - 1 or not _lost_a_race(exc):
                raise
            log.info("%s was stored by a concurrent scrape (%s); reading it again",
                     fetched.page.url, type(exc.orig).__name__)
            session.expire_all()
    raise AssertionError("unreachable")


RECORD_ATTEMPTS = 3


def _lost_a_race(exc: Exception) -> bool:
    """A unique-constraint refusal, or PostgreSQL's deadlock / serialization failure."""
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
    message = (f"{row.name}: {result.health}; {rep.articles} article(s), {len(rep.new_versions)} new version(s), "
               f"{rep.baseline_versions} baseline version(s), "
               f"{rep.requests} request(s) ({rep.not_modified} not modified). {result.health_detail}")
    session.add(Event(level=level, stage="scrape", subject=f"source:{row.id}", message=message,
                      data={"errors": rep.errors[:20]}))
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
