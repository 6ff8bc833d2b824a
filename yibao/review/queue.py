"""The review queue and one lesson's review view, as plain data for the web pages."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.review.decisions import LOCAL_TZ, audit_rows, get_lesson
from yibao.review.render import diff_table_html, role_name
from yibao.store.models import Change, Document, Lesson, Source
from yibao.workdays import workdays_between

OPEN_STATUSES = ("draft", "in_review", "escalated", "regenerating")


def today_local() -> dt.date:
    return dt.datetime.now(LOCAL_TZ).date()


def urgency(workdays_left: int | None) -> str:
    """red: due within a working day or overdue; amber: within 3; green otherwise."""
    if workdays_left is None:
        return "green"
    if workdays_left <= 1:
        return "red"
    return "amber" if workdays_left <= 3 else "green"


@dataclass
class QueueRow:
    lesson_id: int
    title: str
    role: str
    role_name: str
    status: str
    source: str
    doc_number: str | None
    deadline: str | None
    workdays_left: int | None
    urgency: str
    revision: int
    rework: str | None = None      # the 返工 reasons when the lesson came back for rework


def queue_rows(session: Session, *, statuses: tuple[str, ...] = OPEN_STATUSES,
               today: dt.date | None = None) -> list[QueueRow]:
    today = today or today_local()
    query = (select(Lesson, Document, Source).join(Change, Lesson.change_id == Change.id)
             .join(Document, Change.document_id == Document.id).join(Source, Document.source_id == Source.id)
             .where(Lesson.status.in_(statuses)))
    from yibao.review.rework import open_reworks

    reworks = open_reworks(session)
    rows = []
    for lesson, doc, source in session.execute(query):
        deadline = lesson.deadline or doc.deadline
        left = workdays_between(today, deadline) if deadline else None
        rows.append(QueueRow(lesson.id, lesson.title, lesson.role, role_name(lesson.role), lesson.status,
                             source.name, doc.doc_number, deadline.isoformat() if deadline else None, left,
                             urgency(left), lesson.revision, reworks.get(lesson.id)))
    rows.sort(key=lambda r: (r.deadline is None, r.deadline or "", r.lesson_id))
    return rows


def lesson_view(session: Session, lesson_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the lesson page shows."""
    from yibao.review.rework import current_round, lesson_rework, round_stats

    lesson = get_lesson(session, lesson_id)
    change = session.get(Change, lesson.change_id)
    doc = session.get(Document, change.document_id) if change else None
    source = session.get(Source, doc.source_id) if doc else None
    deadline = lesson.deadline or (doc.deadline if doc else None)
    left = workdays_between(today or today_local(), deadline) if deadline else None
    return {
        "id": lesson.id, "title": lesson.title, "role": lesson.role, "role_name": role_name(lesson.role),
        "status": lesson.status, "revision": lesson.revision, "body_md": lesson.body_md,
        "drafted_md": lesson.drafted_md, "drafter": lesson.drafter, "flags": list(lesson.flags or []),
        "quiz": list((lesson.draft or {}).get("quiz") or []),
        "deadline": deadline.isoformat() if deadline else None, "workdays_left": left, "urgency": urgency(left),
        "approved_by": lesson.approved_by, "review_dag_run_id": lesson.review_dag_run_id,
        "document": {"title": doc.title, "doc_number": doc.doc_number, "url": doc.url,
                     "publish_date": doc.publish_date.isoformat() if doc.publish_date else None} if doc else None,
        "source": source.name if source else None,
        "diff_html": diff_table_html(change),
        "audit": audit_rows(session, lesson.id),
        "rework": lesson_rework(session, lesson.id),
        "quiz_stats": round_stats(session, lesson.id, current_round(session, lesson.id)).to_dict(),
    }


def as_dicts(rows: list[QueueRow]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]
