"""The delivery ledger: one `Delivery` row per message (person × channel × digest_key),
one `DeliveryItem` per lesson in it. Every state change is committed at once.

States and transitions (never backwards past `sent`):

    pending ──claim──▶ sending ──ok──▶ sent ──link opened──▶ read ──submitted──▶ acknowledged
                          │ └─4xx/5xx/network─▶ failed_retryable ──(next_attempt_at)──▶ claim again
                          └─5xx permanent / bad key / max attempts─▶ failed_permanent

Exactly-once rules:
  * `claim` sets state "sending", attempts+1 and `claimed_at` = now (the lease runs until
    claimed_at + lease) and COMMITS before anything goes out. It is one atomic conditional
    UPDATE per batch, so of several workers that read the same due rows (PostgreSQL, Celery)
    each row goes to exactly one; the others skip it; each outcome is recorded
    and committed the moment it is known. `next_attempt_at` only schedules retries.
  * A row still "sending" after its lease ended belongs to a run that died between
    sending and recording. The next run re-sends it (`due` picks it up) — for email with
    the SAME Message-ID (derived from the delivery id), so mail clients and gateways
    that dedupe by Message-ID drop the copy; for IM with a "补发" (re-send) marker since
    webhooks have no idempotency key. We prefer a rare, labelled duplicate over silently
    losing a mandatory training notice. Such re-sends are counted (`resent_after_lease`).
    A split IM message resumes after the `parts_sent` parts the robot already accepted.
  * DeliveryItem is unique on (lesson, person, channel), so a lesson can never be planned
    into a second message to the same person on the same channel.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from yibao.store.models import Delivery, DeliveryItem

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED_RETRYABLE, FAILED_PERMANENT = "failed_retryable", "failed_permanent"
READ, ACKNOWLEDGED = "read", "acknowledged"
STATES = (PENDING, SENDING, SENT, FAILED_RETRYABLE, FAILED_PERMANENT, READ, ACKNOWLEDGED)
DELIVERED_STATES = (SENT, READ, ACKNOWLEDGED)
_RANK = {PENDING: 0, SENDING: 1, FAILED_RETRYABLE: 1, FAILED_PERMANENT: 1, SENT: 2, READ: 3, ACKNOWLEDGED: 4}


DEFAULT_LEASE = dt.timedelta(minutes=15)   # a row "sending" longer than this was left by a killed run


@dataclass(frozen=True)
class RetryPolicy:
    lease: dt.timedelta = DEFAULT_LEASE
    base_delay: dt.timedelta = dt.timedelta(minutes=5)
    max_delay: dt.timedelta = dt.timedelta(hours=6)
    max_attempts: int = 6

    def backoff(self, attempts: int, retry_after_s: float | None = None) -> dt.timedelta:
        delay = min(self.base_delay * (2 ** max(attempts - 1, 0)), self.max_delay)
        if retry_after_s:
            delay = max(delay, dt.timedelta(seconds=retry_after_s))
        return delay


def lessons_digest_key(lesson_ids: Iterable[int]) -> str:
    ids = sorted({int(i) for i in lesson_ids})
    return "lessons:" + hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:40]


def keyed_digest_key(kind: str, day: dt.date, parts: Iterable[object]) -> str:
    """E.g. reminder:2025-12-10:<hash> — unique per kind, day and content (≤ 64 chars)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]
    return f"{kind}:{day.isoformat()}:{digest}"


def delivered_lessons(session: Session, person_id: str, channel: str) -> set[int]:
    rows = session.execute(select(DeliveryItem.lesson_id).where(
        DeliveryItem.person_id == person_id, DeliveryItem.channel == channel))
    return {r[0] for r in rows}


def plan_lessons(session: Session, *, person_id: str, channel: str, target: str,
                 lesson_ids: Iterable[int], now: dt.datetime, already: set[int] | None = None) -> Delivery | None:
    """Insert a pending Delivery for the lessons this person has not had on this channel.

    Returns None when nothing is left (all already planned). `already` (lessons known to be
    planned for this person+channel) saves a query when the caller preloaded them. Safe
    against a concurrent run: the unique constraints decide, the loser gets None.
    """
    if already is None:
        already = delivered_lessons(session, person_id, channel)
    fresh = sorted(set(lesson_ids) - already)
    if not fresh:
        return None
    key = lessons_digest_key(fresh)
    try:
        with session.begin_nested():
            row = Delivery(person_id=person_id, channel=channel, target=target, digest_key=key,
                           lesson_ids=fresh, state=PENDING, created_at=now)
            session.add(row)
            session.flush()
            session.add_all([DeliveryItem(delivery_id=row.id, lesson_id=lid, person_id=person_id, channel=channel)
                             for lid in fresh])
            session.flush()
    except IntegrityError:
        return None
    return row


def plan_keyed(session: Session, *, person_id: str, channel: str, target: str, digest_key: str,
               lesson_ids: Iterable[int] = (), is_escalation: bool = False,
               now: dt.datetime) -> Delivery | None:
    """Insert a pending Delivery for a reminder/alert message; None if this key exists already."""
    exists = session.scalar(select(Delivery.id).where(
        Delivery.person_id == person_id, Delivery.channel == channel, Delivery.digest_key == digest_key))
    if exists:
        return None
    try:
        with session.begin_nested():
            row = Delivery(person_id=person_id, channel=channel, target=target, digest_key=digest_key,
                           lesson_ids=sorted(set(lesson_ids)), state=PENDING, is_escalation=is_escalation,
                           created_at=now)
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def due(session: Session, now: dt.datetime, *, ids: Iterable[int] | None = None,
        lease: dt.timedelta = DEFAULT_LEASE) -> list[Delivery]:
    """Rows to send now: pending, retryable whose time came, and "sending" whose lease ended
    (claimed at or before now - lease; a sending row without claimed_at counts as ended)."""
    cond = or_(Delivery.state == PENDING,
               and_(Delivery.state == FAILED_RETRYABLE,
                    or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now)),
               and_(Delivery.state == SENDING,
                    or_(Delivery.claimed_at.is_(None), Delivery.claimed_at <= now - lease)))
    query = select(Delivery).where(cond).order_by(Delivery.id)
    if ids is not None:
        query = query.where(Delivery.id.in_(list(ids)))
    return list(session.scalars(query))


def is_lease_expired(row: Delivery) -> bool:
    """True for a row found in "sending" by a new run: its previous run died mid-send."""
    return row.state == SENDING


def claim(session: Session, rows: list[Delivery], now: dt.datetime, policy: RetryPolicy) -> list[Delivery]:
    """Mark rows as being sent (attempts+1, lease from claimed_at) and commit before sending anything.
    Returns the rows THIS call claimed, in order: the others were claimed by a concurrent run.

    Each row is taken with one atomic conditional UPDATE: only if its state and attempts are
    still what we read (attempts counts claims, so it is the row's version). Two workers that
    read the same due row race on the UPDATE; PostgreSQL re-checks the condition after the
    first commits, so exactly one of them gets it back from RETURNING. `policy` is kept for
    callers; the lease length is applied where it is read (`due`)."""
    session.flush()
    row_ids = [r.id for r in rows]
    seen: dict[tuple[str, int], list[Delivery]] = {}
    for row in rows:
        seen.setdefault((row.state, row.attempts or 0), []).append(row)
    won: dict[int, int] = {}   # id → attempts after this claim
    for (state, attempts), group in seen.items():
        cond = [Delivery.id.in_([r.id for r in group]), Delivery.state == state]
        cond.append(Delivery.attempts == attempts if attempts else or_(Delivery.attempts.is_(None),
                                                                       Delivery.attempts == 0))
        stmt = (update(Delivery).where(*cond)
                .values(state=SENDING, attempts=attempts + 1, claimed_at=now, next_attempt_at=None)
                .returning(Delivery.id).execution_options(synchronize_session=False))
        won.update((row_id, attempts + 1) for row_id in session.scalars(stmt))
    session.commit()
    claimed = [r for r, row_id in zip(rows, row_ids) if row_id in won]
    for row in claimed:   # what the UPDATE wrote, without marking the objects dirty
        for name, value in (("state", SENDING), ("attempts", won[row.id]),
                            ("claimed_at", now), ("next_attempt_at", None)):
            set_committed_value(row, name, value)
    return claimed


def record_sent(session: Session, row: Delivery, provider_id: str | None, now: dt.datetime) -> None:
    if _RANK[row.state] < _RANK[SENT]:
        row.state = SENT
    row.provider_id = (provider_id or "")[:300] or None
    row.sent_at = row.sent_at or now
    row.last_error = None
    row.next_attempt_at = None
    session.commit()


def record_failure(session: Session, row: Delivery, *, error: str, permanent: bool, now: dt.datetime,
                   policy: RetryPolicy, retry_after_s: float | None = None) -> str:
    """Record a failed attempt; returns the new state."""
    row.last_error = (error or "unknown error")[:4000]
    if _RANK[row.state] >= _RANK[SENT]:  # delivered before (e.g. a read arrived meanwhile): keep it
        session.commit()
        return row.state
    if permanent or row.attempts >= policy.max_attempts:
        row.state = FAILED_PERMANENT
        row.next_attempt_at = None
        if not permanent:
            row.last_error = f"gave up after {row.attempts} attempts: {row.last_error}"[:4000]
    else:
        row.state = FAILED_RETRYABLE
        row.next_attempt_at = now + policy.backoff(row.attempts, retry_after_s)
    session.commit()
    return row.state


def cancel(session: Session, row: Delivery, reason: str) -> None:
    """Give up a message that never went out because its lessons were withdrawn. Its items are
    released, so the lessons are planned again (for this person and channel) once re-approved."""
    row.state = FAILED_PERMANENT
    row.next_attempt_at = None
    row.last_error = f"cancelled: {reason}"[:4000]
    prefix = f"cancelled{row.id}:"       # frees (person, channel, digest_key) for the re-approved lesson
    if not row.digest_key.startswith("cancelled"):
        row.digest_key = (prefix + row.digest_key)[:64]
    for item in list(row.items):
        session.delete(item)
    session.commit()


def requeue(session: Session, rows: Iterable[Delivery], now: dt.datetime) -> int:
    """Put permanently failed rows back to pending (after the address or robot was fixed)."""
    count = 0
    for row in rows:
        if row.state != FAILED_PERMANENT or row.digest_key.startswith("cancelled"):
            continue
        row.state, row.attempts, row.next_attempt_at = PENDING, 0, None
        row.last_error = f"requeued at {now.isoformat(timespec='seconds')} after: {row.last_error}"[:4000]
        count += 1
    session.commit()
    return count


def advance(row: Delivery, state: str) -> bool:
    """Move a delivery forward to read/acknowledged (never backwards). True if changed."""
    if _RANK[state] > _RANK[row.state] or (row.state in (FAILED_RETRYABLE, FAILED_PERMANENT, SENDING)
                                           and state in (READ, ACKNOWLEDGED)):
        row.state = state
        row.next_attempt_at = None
        return True
    return False
