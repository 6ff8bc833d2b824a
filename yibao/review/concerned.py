"""Roles a document does not concern: listed in the review queue as "not concerned"; a trainer adds one back.

The drafter gives no lesson to a role the document does not bind (concern none). For every policy
with a lesson under review, the roles without a lesson are listed; `add_role` drafts the missing
lesson (flagged `not_concerned_added`) and records who asked for it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.lessons.roles import ROLES
from yibao.review.errors import ReviewInputError
from yibao.store.models import Change, Document, Lesson, Review


@dataclass
class NotConcerned:
    change_id: int
    title: str
    role: str
    role_name: str


def not_concerned_rows(session: Session, statuses: tuple[str, ...]) -> list[NotConcerned]:
    """(policy, role) pairs without a lesson, for policies that have a lesson in one of `statuses`."""
    open_changes = set(session.scalars(select(Lesson.change_id).where(Lesson.status.in_(statuses))))
    rows = []
    for change_id in sorted(open_changes):
        change = session.get(Change, change_id)
        doc = session.get(Document, change.document_id)
        have = set(session.scalars(select(Lesson.role).where(Lesson.change_id == change_id)))
        rows += [NotConcerned(change_id, doc.title, r, name) for r, name in ROLES.items() if r not in have]
    return rows


def add_role(session: Session, change_id: int, role: str, actor: str) -> int:
    """Draft the lesson for a role the drafter left out; returns its id (the existing one if any)."""
    from yibao.pipeline.drafting import draft_for_changes

    if role not in ROLES:
        raise ReviewInputError(f"unknown role {role!r}; valid: {', '.join(ROLES)}")
    if session.get(Change, change_id) is None:
        raise ReviewInputError(f"政策变化 #{change_id} 不存在")
    existing = session.scalars(select(Lesson).where(Lesson.change_id == change_id, Lesson.role == role)).first()
    if existing is not None:
        return existing.id
    (lesson_id,) = draft_for_changes(session, [change_id], roles=[role])
    session.add(Review(lesson_id=lesson_id, actor=actor, action="add_role",
                       comment=f"{actor} added {ROLES[role]}: the drafter found no provision binding this role"))
    session.flush()
    return lesson_id


def as_dicts(rows: list[NotConcerned]) -> list[dict]:
    return [asdict(r) for r in rows]
