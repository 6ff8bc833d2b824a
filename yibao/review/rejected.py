"""Lessons a trainer rejected: which role of which policy gets no lesson, who decided, and why.
The control room marks them in each policy's row; the monthly report lists those of its period."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.review.render import role_name
from yibao.store.models import Change, Document, Lesson, Review


def last_rejections(session: Session, lesson_ids: list[int]) -> dict[int, Review]:
    """lesson id → its latest 驳回 (only lessons whose status is still rejected)."""
    if not lesson_ids:
        return {}
    rows = session.scalars(select(Review).join(Lesson, Review.lesson_id == Lesson.id)
                           .where(Review.lesson_id.in_(lesson_ids), Review.action == "reject",
                                  Lesson.status == "rejected").order_by(Review.id))
    return {review.lesson_id: review for review in rows}


def rejected_lessons(session: Session, since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """Lessons rejected (and still so) between `since` and `until` (Beijing dates, both included)."""
    start = beijing.day_start_utc(since)
    end = beijing.day_start_utc(until + dt.timedelta(days=1))
    query = (select(Lesson, Document).join(Change, Lesson.change_id == Change.id)
             .join(Document, Change.document_id == Document.id).where(Lesson.status == "rejected"))
    pairs = list(session.execute(query))
    reviews = last_rejections(session, [lesson.id for lesson, _ in pairs])
    out = []
    for lesson, doc in pairs:
        review = reviews.get(lesson.id)
        if review is None or not (start <= review.at < end):
            continue
        out.append({"lesson_id": lesson.id, "title": lesson.title, "role": lesson.role,
                    "role_name": role_name(lesson.role), "policy": doc.title, "doc_number": doc.doc_number,
                    "by": review.actor, "at": review.at.isoformat(), "reason": review.comment or ""})
    return sorted(out, key=lambda r: (r["at"], r["lesson_id"]))
