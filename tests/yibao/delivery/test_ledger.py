from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, add_lessons, session_for, session_with_people  # noqa: E402

from yibao.delivery import ledger  # noqa: E402
from yibao.store.models import Delivery, DeliveryItem  # noqa: E402

POLICY = ledger.RetryPolicy(lease=dt.timedelta(minutes=15), base_delay=dt.timedelta(minutes=5),
                            max_delay=dt.timedelta(hours=1), max_attempts=3)


@pytest.fixture()
def db_url(store_url):
    """Every ledger test runs on SQLite and on PostgreSQL (tests/conftest.py)."""
    from yibao.store.db import migrate

    migrate(store_url)
    return store_url


@pytest.fixture()
def session(db_url):
    s = session_with_people(db_url)
    yield s
    s.close()


def plan(session, lesson_ids, person="zhang.wei", channel="email"):
    return ledger.plan_lessons(session, person_id=person, channel=channel, target="x@h.example.cn",
                               lesson_ids=lesson_ids, now=NOW)


def test_a_lesson_is_planned_once_per_person_and_channel(session):
    a, b = add_lessons(session, ["doctor"]) + add_lessons(session, ["doctor"])
    first = plan(session, [a.id])
    assert first.lesson_ids == [a.id] and first.digest_key == ledger.lessons_digest_key([a.id])
    assert plan(session, [a.id]) is None
    second = plan(session, [a.id, b.id])
    assert second.lesson_ids == [b.id]
    assert plan(session, [a.id], channel="wecom:cardiology") is not None   # another channel is another message
    session.commit()
    assert session.query(DeliveryItem).count() == 3


def test_concurrent_planner_loses_on_the_unique_constraint(session, db_url, monkeypatch):
    a, = add_lessons(session, ["doctor"])
    assert plan(session, [a.id]) is not None
    session.commit()
    other = session_for(db_url)
    monkeypatch.setattr(ledger, "delivered_lessons", lambda *args: set())   # it read before we committed
    assert plan(other, [a.id]) is None
    other.commit()
    assert other.query(Delivery).count() == 1
    other.close()


def test_keyed_rows_are_unique_per_key(session):
    a, = add_lessons(session, ["doctor"])
    key = ledger.keyed_digest_key("reminder", NOW.date(), [a.id])
    assert len(key) <= 64 and key.startswith("reminder:2025-12-08:")
    kw = dict(person_id="zhang.wei", channel="email", target="x@h.example.cn", digest_key=key, lesson_ids=[a.id], now=NOW)
    assert ledger.plan_keyed(session, **kw) is not None
    assert ledger.plan_keyed(session, **kw) is None


def test_claim_then_outcomes_and_retry_schedule(session):
    a, = add_lessons(session, ["doctor"])
    row = plan(session, [a.id])
    session.commit()
    assert ledger.due(session, NOW) == [row]
    ledger.claim(session, [row], NOW, POLICY)
    assert row.state == "sending" and row.attempts == 1 and row.claimed_at == NOW and row.next_attempt_at is None
    lease = dict(lease=POLICY.lease)
    assert ledger.due(session, NOW + dt.timedelta(minutes=5), **lease) == []      # lease running: hands off
    assert ledger.due(session, NOW + dt.timedelta(minutes=15), **lease) == [row]  # lease over: run died
    assert ledger.due(session, NOW + dt.timedelta(minutes=5), lease=dt.timedelta(minutes=3)) == [row]

    state = ledger.record_failure(session, row, error="421 try later", permanent=False, now=NOW, policy=POLICY)
    assert state == "failed_retryable" and row.next_attempt_at == NOW + dt.timedelta(minutes=5)
    assert ledger.due(session, NOW + dt.timedelta(minutes=4)) == []
    ledger.claim(session, [row], NOW, POLICY)
    ledger.record_failure(session, row, error="rate", permanent=False, now=NOW, policy=POLICY, retry_after_s=3600)
    assert row.next_attempt_at == NOW + dt.timedelta(hours=1)                 # the provider's wait wins
    ledger.claim(session, [row], NOW, POLICY)
    state = ledger.record_failure(session, row, error="again", permanent=False, now=NOW, policy=POLICY)
    assert state == "failed_permanent" and row.last_error.startswith("gave up after 3 attempts")
    assert ledger.due(session, NOW + dt.timedelta(days=1)) == []


def test_sent_then_read_and_acknowledged_never_go_backwards(session):
    a, = add_lessons(session, ["doctor"])
    row = plan(session, [a.id])
    ledger.claim(session, [row], NOW, POLICY)
    ledger.record_sent(session, row, "250 queued as 7F3A", NOW)
    assert row.state == "sent" and row.provider_id == "250 queued as 7F3A" and row.sent_at == NOW
    assert ledger.advance(row, "read") and row.state == "read"
    assert not ledger.advance(row, "sent") and row.state == "read"
    assert ledger.advance(row, "acknowledged")
    assert ledger.record_failure(session, row, error="late bounce", permanent=True, now=NOW,
                                 policy=POLICY) == "acknowledged"


def test_backoff_is_capped():
    assert POLICY.backoff(1) == dt.timedelta(minutes=5)
    assert POLICY.backoff(2) == dt.timedelta(minutes=10)
    assert POLICY.backoff(10) == dt.timedelta(hours=1)


def test_a_sending_row_without_claimed_at_is_taken_as_abandoned(session):
    a, = add_lessons(session, ["doctor"])
    row = plan(session, [a.id])
    row.state, row.claimed_at = "sending", None      # e.g. left by a run before claimed_at existed
    session.commit()
    assert ledger.due(session, NOW) == [row] and ledger.is_lease_expired(row)


def test_a_retry_claim_moves_the_lease_and_clears_the_retry_time(session):
    a, = add_lessons(session, ["doctor"])
    row = plan(session, [a.id])
    ledger.claim(session, [row], NOW, POLICY)
    ledger.record_failure(session, row, error="421", permanent=False, now=NOW, policy=POLICY)
    later = NOW + dt.timedelta(minutes=6)
    assert ledger.due(session, later, lease=POLICY.lease) == [row]
    ledger.claim(session, [row], later, POLICY)
    assert (row.claimed_at, row.next_attempt_at, row.attempts) == (later, None, 2)
    assert ledger.due(session, later + dt.timedelta(minutes=14), lease=POLICY.lease) == []


def test_two_workers_claiming_the_same_rows_split_them_never_share(session, db_url):
    a, = add_lessons(session, ["doctor"])
    rows = [plan(session, [a.id], person=p) for p in ("zhang.wei", "zhao.min", "sun.yu")]
    session.commit()
    other = session_for(db_url)
    theirs = ledger.due(other, NOW)                       # both read the same three due rows
    assert [r.id for r in theirs] == [r.id for r in rows]
    assert ledger.claim(session, rows[:2], NOW, POLICY) == rows[:2]
    won = ledger.claim(other, theirs, NOW, POLICY)       # only the row nobody claimed yet
    assert [r.id for r in won] == [rows[2].id] and won[0].state == "sending" and won[0].attempts == 1
    assert ledger.claim(session, [rows[2]], NOW, POLICY) == []
    other.close()
