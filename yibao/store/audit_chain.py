"""The audit trail (`reviews` rows) as a hash chain.

Each row stores `field_hashes` (sha256 of every audited field), `prev_hash`
(the `row_hash` of the row before it) and `row_hash` = sha256 over the
canonical JSON of both. Changing, deleting or inserting a row breaks a link
that `verify_chain` (and `yibao audit verify`) reports.

Rows are chained when they are flushed, whoever creates them: a `before_flush`
hook takes the single-row chain head (`audit_chain_head`, id 1) with an UPDATE
first, which locks it until commit on PostgreSQL and takes the write lock on
SQLite, so two writers append one after the other and never fork the chain. Writers flush
their lesson changes before the audit row (lesson rows, then the head: one lock order, no
deadlock on PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from yibao.store.models import AuditChainHead, Lesson, Review, utcnow

GENESIS = "0" * 64
HEAD_ID = 1
AUDITED_FIELDS = ("lesson_id", "actor", "action", "comment", "before_md", "after_md", "edit_diff", "at")


def _sha256(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _field_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value


def field_hashes(fields: dict[str, Any]) -> dict[str, str]:
    """sha256 of each audited field (canonical JSON of its value)."""
    return {name: _sha256(canonical_json(_field_value(fields.get(name)))) for name in AUDITED_FIELDS}


def row_hash(prev_hash: str, hashes: dict[str, str]) -> str:
    return _sha256(canonical_json({"prev": prev_hash, "fields": hashes}))


def review_fields(review: Any) -> dict[str, Any]:
    return {name: getattr(review, name) for name in AUDITED_FIELDS}


def seal(fields: dict[str, Any], prev_hash: str) -> tuple[dict[str, str], str]:
    """(field_hashes, row_hash) of a row whose predecessor's hash is `prev_hash`."""
    hashes = field_hashes(fields)
    return hashes, row_hash(prev_hash, hashes)


# --- appending -------------------------------------------------------------------------------------------

def _fill_defaults(review: Review) -> None:
    """Column defaults are applied at INSERT, after this hook: set them now so they are hashed."""
    review.at = review.at or utcnow()
    for name in ("comment", "before_md", "after_md", "edit_diff"):
        if getattr(review, name) is None:
            setattr(review, name, "")


def _lock_head(session: Session) -> str:
    """Take the chain head (creating it if a database predates it) and return the last row hash."""
    conn = session.connection()
    claimed = conn.execute(text("UPDATE audit_chain_head SET appends = appends + 1 WHERE id = :id"),
                           {"id": HEAD_ID}).rowcount
    if not claimed:
        last = conn.execute(select(Review.row_hash).where(Review.row_hash.is_not(None))
                            .order_by(Review.id.desc()).limit(1)).scalar()
        conn.execute(AuditChainHead.__table__.insert().values(id=HEAD_ID, appends=1, last_hash=last or GENESIS))
    return conn.execute(text("SELECT last_hash FROM audit_chain_head WHERE id = :id"), {"id": HEAD_ID}).scalar_one()


@event.listens_for(Session, "before_flush")
def _chain_new_reviews(session: Session, _flush_context, _instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, Review)]
    if not new:
        return
    # the unit of work inserts rows of one table in the order they were added: chain them in that order
    new.sort(key=lambda obj: obj._sa_instance_state.insert_order)
    prev = _lock_head(session)
    for review in new:
        _fill_defaults(review)
        review.prev_hash = prev
        review.field_hashes, review.row_hash = seal(review_fields(review), prev)
        prev = review.row_hash
    session.connection().execute(text("UPDATE audit_chain_head SET last_hash = :h WHERE id = :id"),
                                 {"h": prev, "id": HEAD_ID})


# --- verifying -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainBreak:
    row_id: int | None
    what: str

    def __str__(self) -> str:
        return f"row {self.row_id}: {self.what}" if self.row_id is not None else self.what


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def check_rows(rows: Iterable[Any], head_hash: str | None) -> ChainReport:
    """Walk rows (in id order) and return the first broken link."""
    prev, count = GENESIS, 0
    for row in rows:
        count += 1
        if not row.row_hash:
            return ChainReport(count, ChainBreak(row.id, "has no hash: written without the chain (or its hash was erased)"))
        if row.prev_hash != prev:
            return ChainReport(count, ChainBreak(
                row.id, f"prev_hash {str(row.prev_hash)[:12]}… does not match the previous row's hash {prev[:12]}… "
                        "(a row before it was deleted, inserted or re-hashed)"))
        stored = row.field_hashes or {}
        changed = [name for name, digest in field_hashes(review_fields(row)).items() if stored.get(name) != digest]
        if changed:
            return ChainReport(count, ChainBreak(row.id, f"content changed after it was written: {', '.join(changed)}"))
        if row_hash(prev, stored) != row.row_hash:
            return ChainReport(count, ChainBreak(row.id, "row_hash does not match its content (hashes were edited)"))
        prev = row.row_hash
    if head_hash is not None and head_hash != prev:
        return ChainReport(count, ChainBreak(None, f"the chain head says the last hash is {head_hash[:12]}… but the "
                                                   f"last row's is {prev[:12]}… (rows at the end were deleted)"))
    return ChainReport(count, None)


def verify_chain(session: Session) -> ChainReport:
    head = session.get(AuditChainHead, HEAD_ID)
    rows = session.scalars(select(Review).order_by(Review.id)).yield_per(500)
    report = check_rows(rows, head.last_hash if head else None)
    return report if not report.intact else ChainReport(report.rows, check_approved_lessons(session))


def check_approved_lessons(session: Session) -> ChainBreak | None:
    """An approved lesson is delivered as it stands in the store: its text and approver must be
    those its (sealed) approve row recorded, or the store was changed behind the review app."""
    approvals = {row.lesson_id: row for row in session.scalars(
        select(Review).where(Review.action == "approve").order_by(Review.id))}
    for lesson in session.scalars(select(Lesson).where(Lesson.status == "approved").order_by(Lesson.id)):
        row = approvals.get(lesson.id)
        if row is None:
            return ChainBreak(None, f"lesson {lesson.id} is approved but the trail has no approval for it")
        if row.after_md != lesson.body_md or row.actor != lesson.approved_by:
            what = "text" if row.after_md != lesson.body_md else f"approver ({lesson.approved_by!r})"
            return ChainBreak(row.id, f"lesson {lesson.id}'s {what} differs from what this approval sealed "
                                      "(the lesson was changed in the store after approval)")
    return None
