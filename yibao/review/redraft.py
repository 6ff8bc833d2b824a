"""Redraft a lesson with the trainer's notes (wraps the pipeline's drafting function)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from yibao.pipeline.drafting import redraft_lesson
from yibao.review.decisions import get_lesson


def redraft(session: Session, lesson_id: int, notes: str, actor: str) -> int:
    """Redraft through `yibao.pipeline.drafting.redraft_lesson`; returns the lesson id to review next."""
    new_id = int(redraft_lesson(session, lesson_id, notes, actor))
    lesson = get_lesson(session, new_id)
    if lesson.status in ("regenerating", "draft"):
        lesson.status = "draft"
    return new_id
