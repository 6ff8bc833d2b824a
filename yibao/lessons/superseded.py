"""Lessons replaced by a revision: when the bureau revises a document (in place or by a new
version), the approved lesson of the same role on the later change replaces the earlier one. Its
links then lead to the new lesson, and reminders and the 应学 figures stop asking for it."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.store.models import Change, Lesson


def replacements(session: Session) -> dict[int, int]:
    """lesson id → the id of the approved lesson that replaces it (same document and role, the
    latest change with an approved lesson)."""
    rows = session.execute(select(Lesson.id, Lesson.role, Lesson.status, Change.id, Change.document_id)
                           .join(Change, Lesson.change_id == Change.id))
    groups: dict[tuple[int, str], list[tuple[int, int, str]]] = defaultdict(list)
    for lesson_id, role, status, change_id, document_id in rows:
        groups[(document_id, role)].append((change_id, lesson_id, status))
    out: dict[int, int] = {}
    for lessons in groups.values():
        lessons.sort()
        latest = next(((change, lid) for change, lid, status in reversed(lessons) if status == "approved"), None)
        if latest is None:
            continue
        for change, lid, _ in lessons:
            if change < latest[0]:
                out[lid] = latest[1]
    return out


def replacement(session: Session, lesson: Lesson) -> Lesson | None:
    """The approved lesson that replaces this one, if the policy was revised since."""
    return session.scalars(select(Lesson).join(Change, Lesson.change_id == Change.id).where(
        Change.document_id == lesson.change.document_id, Change.id > lesson.change_id,
        Lesson.role == lesson.role, Lesson.status == "approved").order_by(Change.id.desc()).limit(1)).first()
