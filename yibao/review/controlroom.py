"""The 医保办 control room: one row per changed policy with its timeline, source health (with the
re-check cycle: archived and possibly withdrawn documents, the last full cycle), the documents whose
pages may have been withdrawn, and the recent alerts (failed tasks, overdue runs, bad robots, escalations)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yibao.review.queue import today_local, urgency
from yibao.review.rejected import last_rejections
from yibao.review.render import role_name, status_name
from yibao.store.models import (
    Acknowledgement, Attachment, Change, Delivery, DeliveryItem, Document, Event, Lesson, Person, Review, Source, utcnow,
)
from yibao.workdays import workdays_between

BAD_HEALTH = {"challenged", "drifted", "error"}
FAILED_DELIVERY = {"failed_retryable", "failed_permanent"}
DECIDED = {"approved", "rejected"}


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _count_per_source(session: Session, condition: Any) -> dict[str, int]:
    return dict(session.execute(select(Document.source_id, func.count()).where(condition)
                                .group_by(Document.source_id)).all())


def source_health(session: Session) -> list[dict[str, Any]]:
    archived = _count_per_source(session, Document.archived.is_(True))
    withdrawn = _count_per_source(session, Document.possibly_withdrawn_at.is_not(None))
    return [{"id": s.id, "name": s.name, "health": s.health, "detail": s.health_detail,
             "last_success_at": _iso(s.last_success_at), "last_poll_at": _iso(s.last_poll_at),
             "consecutive_failures": s.consecutive_failures, "bad": s.health in BAD_HEALTH,
             "last_full_recheck_at": _iso(s.last_full_recheck_at),
             "archived": archived.get(s.id, 0), "possibly_withdrawn": withdrawn.get(s.id, 0)}
            for s in session.scalars(select(Source).order_by(Source.id))]


def possibly_withdrawn(session: Session) -> list[dict[str, Any]]:
    """Documents whose page answered 404 twice in a row, longest missing first (all versions are kept)."""
    docs = session.scalars(select(Document).where(Document.possibly_withdrawn_at.is_not(None))
                           .order_by(Document.possibly_withdrawn_at, Document.id))
    return [{"document_id": d.id, "source_id": d.source_id, "title": d.title, "doc_number": d.doc_number,
             "url": d.url, "since": _iso(d.possibly_withdrawn_at)} for d in docs]


def policy_rows(session: Session, today: dt.date | None = None) -> list[dict[str, Any]]:
    from yibao.delivery.service import digest_waiting

    today = today or today_local()
    in_digests = Counter(lesson_id for _, lesson_id, _ in digest_waiting(session))
    rows = []
    for change, doc in session.execute(select(Change, Document).join(Document, Change.document_id == Document.id)
                                       .order_by(Document.deadline, Change.id)):
        lessons = list(session.scalars(select(Lesson).where(Lesson.change_id == change.id)))
        rows.append(_row(session, change, doc, lessons, today, sum(in_digests[lesson.id] for lesson in lessons)))
    return rows


def _row(session: Session, change: Change, doc: Document, lessons: list[Lesson], today: dt.date,
         in_digests: int = 0) -> dict[str, Any]:
    lesson_ids = [lesson.id for lesson in lessons]
    items = list(session.execute(select(DeliveryItem, Delivery).join(Delivery, DeliveryItem.delivery_id == Delivery.id)
                                 .where(DeliveryItem.lesson_id.in_(lesson_ids)))) if lesson_ids else []
    sent = [d.sent_at for _, d in items if d.sent_at]
    failed_channels = sorted({d.channel for _, d in items if d.state in FAILED_DELIVERY})
    recipients = {item.person_id for item, _ in items}
    acks = set(session.scalars(select(Acknowledgement.person_id).where(
        Acknowledgement.lesson_id.in_(lesson_ids), Acknowledgement.kind == "ack"))) if lesson_ids else set()
    unread_departments = _unread_departments(session, recipients - acks)
    undecided = [lesson for lesson in lessons if lesson.status not in DECIDED]
    reviewed = None if undecided or not lessons else max(
        (lesson.approved_at for lesson in lessons if lesson.approved_at), default=None)

    published = doc.publish_date
    used = workdays_between(published, today) if published else None
    left = workdays_between(today, doc.deadline) if doc.deadline else None
    waiting = []
    rejections = last_rejections(session, lesson_ids)
    if undecided:
        waiting.append(f"审核（{len(undecided)}/{len(lessons)}）")
    if in_digests:
        waiting.append(f"等待摘要推送（{in_digests}人次）")   # daily / weekly digest readers
    if failed_channels:
        waiting.append("渠道失败：" + "、".join(failed_channels))
    if unread_departments:
        waiting.append("未确认科室：" + "、".join(unread_departments))
    return {
        "change_id": change.id, "title": doc.title, "doc_number": doc.doc_number, "source_id": doc.source_id,
        "url": doc.url, "deadline": _iso(doc.deadline), "provisional": doc.deadline_provisional,
        "timeline": {"published": _iso(published), "detected": _iso(change.detected_at),
                     "drafted": _iso(min((lesson.created_at for lesson in lessons), default=None)),
                     "reviewed": _iso(reviewed), "first_delivered": _iso(min(sent, default=None))},
        "acknowledged_pct": round(100 * len(acks & recipients) / len(recipients)) if recipients else None,
        "workdays_used": used, "workdays_left": left, "urgency": urgency(left) if waiting else "green",
        "waiting_on": waiting,
        "attachment_problems": attachment_problems(session, change.new_version_id),
        "lessons": [_lesson(lesson, rejections.get(lesson.id)) for lesson in lessons],
    }


def _lesson(lesson: Lesson, rejection: Review | None) -> dict[str, Any]:
    entry = {"id": lesson.id, "role": lesson.role, "role_name": role_name(lesson.role), "status": lesson.status,
             "status_name": status_name(lesson.status), "review_dag_run_id": lesson.review_dag_run_id}
    if rejection is not None:   # this role gets no lesson: who decided, and why
        entry["rejected"] = {"by": rejection.actor, "at": _iso(rejection.at), "reason": rejection.comment or ""}
    return entry


# how the 医保办 reads an attachment status (the reason follows)
ATTACHMENT_STATUS_LABELS = {"refused": "附件被拒绝（超出限制）", "too_large": "附件过大（仅部分读取）",
                            "garbled": "附件乱码", "not_extracted": "附件未能提取文字", "error": "附件读取失败",
                            "skipped_host": "附件未下载（外站）"}


def attachment_problems(session: Session, version_id: int) -> list[dict[str, str]]:
    """Attachments of the version that were not read in full, with the reason: the document went on
    without their text, and the 医保办 should know why (e.g. a limit refused a hostile file)."""
    return [{"name": a.name, "status": a.status, "label": ATTACHMENT_STATUS_LABELS.get(a.status, a.status),
             "reason": a.reason, "url": a.url}
            for a in session.scalars(select(Attachment).where(Attachment.version_id == version_id,
                                                              Attachment.status != "ok").order_by(Attachment.id))]


def _unread_departments(session: Session, person_ids: set[str]) -> list[str]:
    if not person_ids:
        return []
    counts: dict[str, int] = defaultdict(int)
    for person in session.scalars(select(Person).where(Person.id.in_(person_ids))):
        counts[person.department or "（未填科室）"] += 1
    return [f"{dept}({n})" for dept, n in sorted(counts.items())]


def recent_alerts(session: Session, *, days: int = 7, limit: int = 20,
                  now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Alerts sent to the 医保办 in the last `days`, newest first: what went wrong and where to look.
    (Only the alerts themselves, not the per-poll log lines they summarise.)"""
    since = (now or utcnow()) - dt.timedelta(days=days)
    events = session.scalars(select(Event).where(Event.level.in_(("alert", "warning")), Event.at >= since)
                             .order_by(Event.at.desc(), Event.id.desc()).limit(limit * 5))
    alerts = [e for e in events if (e.data or {}).get("kind") == "alert"][:limit]
    return [{"at": _iso(e.at), "level": e.level, "stage": e.stage, "subject": e.subject, "message": e.message,
             "link": (e.data or {}).get("link")} for e in alerts]


EFFECT_WINDOW_DAYS = 365   # the charts cover lessons first sent in the last year


def control_room(session: Session, today: dt.date | None = None) -> dict[str, Any]:
    from yibao.delivery.effect import effect

    today = today or today_local()
    return {"today": today.isoformat(), "sources": source_health(session),
            "withdrawn": possibly_withdrawn(session), "alerts": recent_alerts(session),
            "policies": policy_rows(session, today),
            "effect": effect(session, today - dt.timedelta(days=EFFECT_WINDOW_DAYS), today, today)}
