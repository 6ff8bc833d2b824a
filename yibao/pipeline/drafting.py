"""Draft lessons per role for each change; redraft one lesson with a trainer's notes."""
from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.store import Change, Document, Lesson, Review


def default_drafter() -> str:
    return os.environ.get("YIBAO_DRAFTER", "rules")


def doc_context(change: Change):
    from yibao.lessons import DocContext

    doc: Document = change.document
    version = change.new_version
    extracted = (version.meta or {}).get("extracted") or {}
    predecessor = change.old_version.document.title if change.kind == "supersedes" and change.old_version else None
    return DocContext(
        doc_id=doc.id, title=doc.title, doc_number=doc.doc_number, issuer=doc.issuer,
        publish_date=doc.publish_date or (doc.first_seen_at + dt.timedelta(hours=8)).date(),
        effective_date=doc.effective_date or _date(extracted.get("effective_date")),
        deadline=doc.deadline, url=doc.url, source_name=doc.source.name if doc.source else doc.source_id,
        kind=change.kind, predecessor_title=predecessor, text=version.text,
    )


def draft_for_changes(session: Session, change_ids: list[int], *, roles: list[str] | None = None,
                      drafter: str | None = None) -> list[int]:
    """Lessons for every relevant role of every change. Existing (change, role) lessons are kept."""
    from yibao.lessons import classify, draft_lessons
    from yibao.lessons.render import render_lesson

    lesson_ids: list[int] = []
    for change_id in change_ids:
        change = session.get(Change, change_id)
        if change is None:
            raise LookupError(f"change {change_id} is not in the store")
        ctx = doc_context(change)
        diff = change.diff if change.kind != "new" else None
        change.topics = classify(ctx, diff)
        existing = {l.role: l for l in session.scalars(select(Lesson).where(Lesson.change_id == change_id))}
        wanted = [r for r in roles if r not in existing] if roles else None
        if roles and not wanted:
            lesson_ids.extend(existing[r].id for r in roles if r in existing)
            continue
        drafts = draft_lessons(ctx, diff, roles=wanted, drafter=drafter or default_drafter())
        for draft in drafts:
            if draft.role in existing:
                lesson_ids.append(existing[draft.role].id)
                continue
            body = render_lesson(draft, "md")
            lesson = Lesson(change_id=change_id, role=draft.role, status="in_review", title=draft.headline,
                            draft=draft.to_dict(), body_md=body, drafted_md=body, drafter=draft.drafter,
                            flags=list(draft.flags), deadline=change.document.deadline)
            session.add(lesson)
            session.flush()
            session.add(Review(lesson_id=lesson.id, actor="system", action="draft",
                               comment=f"drafted by {draft.drafter}", after_md=body))
            lesson_ids.append(lesson.id)
        lesson_ids.extend(l.id for r, l in existing.items() if l.id not in lesson_ids and (not roles or r in roles))
    session.flush()
    return lesson_ids


def redraft_lesson(session: Session, lesson_id: int, notes: str, actor: str, *,
                   drafter: str | None = None) -> int:
    """Redraft one lesson with the trainer's notes; the lesson goes back into review."""
    from yibao.lessons import draft_lessons
    from yibao.lessons.render import render_lesson
    from yibao.review.audit_diff import lesson_diff
    from yibao.review.decisions import snapshot

    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise LookupError(f"lesson {lesson_id} is not in the store")
    change = lesson.change
    diff = change.diff if change.kind != "new" else None
    drafts = draft_lessons(doc_context(change), diff, roles=[lesson.role], drafter=drafter or default_drafter(),
                           notes=notes)
    if not drafts:
        raise ValueError(f"the drafter produced no lesson for role {lesson.role}")
    draft = drafts[0]
    before = snapshot(lesson)
    body = render_lesson(draft, "md")
    lesson.draft, lesson.body_md, lesson.drafted_md = draft.to_dict(), body, body
    lesson.title, lesson.flags, lesson.drafter = draft.headline, list(draft.flags), draft.drafter
    lesson.status, lesson.revision = "in_review", lesson.revision + 1
    session.flush()  # lesson row first, audit chain head second: the lock order of every writer
    # the trainer's 重新生成 (with the notes) is audited by the decision; this row is the drafter's work
    session.add(Review(lesson_id=lesson.id, actor="system", action="redraft", comment=f"按 {actor} 的意见重新起草",
                       before_md=before.body_md, after_md=body, edit_diff=lesson_diff(before, snapshot(lesson))))
    session.flush()
    return lesson.id


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
