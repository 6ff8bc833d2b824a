"""Entry points that DAG tasks and the CLI call: ids in, ids out, one session each.

Nothing here knows about Airflow; DAG files only wire these together.
"""
from __future__ import annotations

import datetime as dt
import logging

from yibao.store import open_session

log = logging.getLogger(__name__)


def scrape_sources(source_ids: list[str] | None = None, *, deep: bool = False) -> list[int]:
    """Poll sources; return the ids of new versions."""
    from yibao.pipeline.watch import scrape

    with open_session() as session:
        report = scrape(session, source_ids=source_ids, deep=deep, progress=log.info)
    for src in report.sources:
        log.info("%s: health=%s requests=%s new_versions=%s (revised in place %s) re-checked=%s (304: %s, "
                 "deferred %s) archived=%s withdrawn=%s errors=%s", src.source_id, src.health, src.requests,
                 len(src.new_versions), len(src.revised_in_place), src.rechecked, src.recheck_not_modified,
                 src.recheck_deferred, len(src.archived), len(src.withdrawn), len(src.errors))
    return report.version_ids


def compare_versions(version_ids: list[int]) -> list[int]:
    """Diff each new version against its predecessor; return the ids of changes worth a lesson
    (new and superseding documents, and revisions with at least one material change)."""
    from yibao.pipeline.compare import announceable, diff_versions

    with open_session() as session:
        changes = announceable(session, diff_versions(session, sorted(set(version_ids))))
        refresh_qa_index(session)
        return changes


def refresh_qa_index(session) -> None:
    """Index the new versions for 政策智能问答 now, so no question (or robot callback) waits for it.
    A failure here is logged and never fails the scrape: the next question indexes what is missing."""
    import logging

    from yibao.qa.index import QaIndex

    def progress(n: int, total: int, what: str = "versions") -> None:
        if n == total or n % 200 == 0:
            logging.getLogger(__name__).info("政策问答 index: %d/%d %s", n, total, what)

    try:
        added = QaIndex().sync(session, progress=progress)
        if added:
            logging.getLogger(__name__).info("政策问答 index: %d new versions indexed", added)
    except Exception:  # noqa: BLE001 - the index is a cache of the store
        logging.getLogger(__name__).exception("政策问答 index refresh failed; questions will index on demand")


def draft_lessons(change_ids: list[int]) -> list[int]:
    """Draft lessons for every relevant role; return lesson ids awaiting review."""
    from yibao.pipeline.drafting import draft_for_changes

    with open_session() as session:
        return draft_for_changes(session, change_ids)


def deliver_lessons(lesson_ids: list[int] | None = None, *, sweep: bool = False) -> dict:
    """Send approved lessons to their subscribers (exactly once); return the report.

    `sweep` also sends every other approved lesson not yet sent: an approval whose asset event
    started no run of its own (an event landing while the scheduler creates the previous run
    was seen attached to no run) then goes out with the next run, not a day later."""
    from yibao.delivery.service import approved_unsent, deliver

    with open_session() as session:
        sync_subscribers(session)
        if sweep and lesson_ids is not None:
            lesson_ids = sorted(set(lesson_ids) | set(approved_unsent(session)))
        return deliver(session, lesson_ids=lesson_ids).to_dict()


def sync_subscribers(session) -> None:
    """Bring people and subscriptions in the store in line with config/subscriptions.yaml."""
    from yibao.delivery.subscriptions import load_subscriptions, sync_people

    config = load_subscriptions()
    for problem in config.errors:
        log.warning("subscriptions: %s", problem)
    sync_people(session, config)


def daily_round(now: dt.datetime | None = None) -> dict:
    """Reminders, escalations, and a sweep of deliveries that are due or retryable."""
    from yibao.delivery.reminders import run_daily
    from yibao.delivery.service import deliver

    with open_session() as session:
        sync_subscribers(session)
        swept = deliver(session, now=now).to_dict()
        reminders = run_daily(session, now or dt.datetime.now(dt.timezone.utc))
        return {"deliveries": swept, "reminders": _as_dict(reminders)}


def rework_check(now: dt.datetime | None = None) -> dict:
    """迭代优化: send lessons whose first quiz attempts show people did not learn them back to
    review (返工), and alert the 医保办. Returns the report; `flagged_ids` go to review."""
    from yibao.review.rework import check_all, send_alerts

    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with open_session() as session:
        report = check_all(session, now=now)
        send_alerts(session, report, now)
        return {**report.to_dict(), "flagged_ids": report.flagged_ids}


def _as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(getattr(obj, "__dict__", {}) or {})
