"""Redraft a lesson with the trainer's notes (wraps the lead's pipeline function)."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from yibao.review.decisions import get_lesson
from yibao.store.models import Review

log = logging.getLogger(__name__)


def redraft(session: Session, lesson_id: int, notes: str, actor: str) -> int:
    """Redraft through `yibao.pipeline.drafting.redraft_lesson`; returns the lesson id to review next.

    Fallback while that function does not exist: keep the drafted text, store the
    notes on the draft and send the same lesson back to review, noting it in the audit.
    """
    try:
        from yibao.pipeline.drafting import redraft_lesson
    except ImportError:
        redraft_lesson = None
    if redraft_lesson is not None:
        new_id = int(redraft_lesson(session, lesson_id, notes, actor))
        lesson = get_lesson(session, new_id)
        if lesson.status in ("regenerating", "draft"):
            lesson.status = "draft"
        return new_id
    log.warning("yibao.pipeline.drafting.redraft_lesson is missing; lesson %s goes back to review unchanged",
                lesson_id)
    lesson = get_lesson(session, lesson_id)
    lesson.draft = {**(lesson.draft or {}), "notes": notes}
    lesson.status = "draft"
    lesson.revision += 1
    session.add(Review(lesson_id=lesson_id, actor="system", action="edit",
                       comment="redraft unavailable (yibao.pipeline.drafting missing): notes kept, text unchanged"))
    session.flush()
    return lesson_id
