"""Alembic migrations of the domain store: 0001 → head with data in it, back down and up
again, and the models agreeing with the migrations (autogenerate finds nothing to do)."""
from __future__ import annotations

import datetime as dt
import importlib.util

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from yibao.store.db import MIGRATIONS_DIR, get_engine
from yibao.store.models import Base

CLAIMED = dt.datetime(2025, 12, 8, 2, 0)
LEASE_END = CLAIMED + dt.timedelta(minutes=15)   # what 0001's claim wrote into next_attempt_at


def _config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _run(url: str, action: str, revision: str) -> None:
    """Like yibao.store.db.migrate: on the app's engine (SQLite foreign keys on)."""
    cfg = _config(url)
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


# 0001's tables as the 0001-era code wrote them (typed, so the seed runs on any dialect)
_people = sa.table("people", *(sa.column(n, t) for n, t in [
    ("id", sa.String), ("name", sa.String), ("department", sa.String), ("region", sa.String),
    ("is_liaison", sa.Boolean), ("channels", sa.JSON), ("active", sa.Boolean)]))
_deliveries_0001 = sa.table("deliveries", *(sa.column(n, t) for n, t in [
    ("id", sa.Integer), ("person_id", sa.String), ("channel", sa.String), ("target", sa.String),
    ("digest_key", sa.String), ("lesson_ids", sa.JSON), ("state", sa.String), ("attempts", sa.Integer),
    ("provider_id", sa.String), ("is_escalation", sa.Boolean), ("created_at", sa.DateTime),
    ("next_attempt_at", sa.DateTime)]))
_events = sa.table("events", *(sa.column(n, t) for n, t in [
    ("at", sa.DateTime), ("level", sa.String), ("stage", sa.String), ("subject", sa.String),
    ("message", sa.String), ("data", sa.JSON)]))


def _seed_0001(url: str) -> None:
    """Rows as the 0001-era code left them: a claimed row, a half-sent IM message, an opt-out."""
    with get_engine(url).begin() as conn:
        conn.execute(_people.insert(), [
            dict(id="zhang.wei", name="张伟", department="心内科", region="44", is_liaison=False,
                 channels=["email", "wecom:cardiology"], active=True),
            dict(id="li.na", name="李娜", department="护理部", region="44", is_liaison=False,
                 channels=["email"], active=True)])
        rows = [  # id, person, channel, state, provider_id, next_attempt_at
            (1, "zhang.wei", "email", "sending", None, LEASE_END),
            (2, "zhang.wei", "wecom:cardiology", "failed_retryable", "parts_sent=2/5", CLAIMED),
            (3, "li.na", "email", "sent", "250 queued as 7F3A", None),
            (4, "li.na", "wecom:nursing", "failed_retryable", "parts_sent=x/3", CLAIMED),
        ]
        conn.execute(_deliveries_0001.insert(), [
            dict(id=rid, person_id=person, channel=channel, target="t", digest_key=f"lessons:{rid}", lesson_ids=[],
                 state=state, attempts=1, provider_id=provider_id, is_escalation=False, created_at=CLAIMED,
                 next_attempt_at=next_at)
            for rid, person, channel, state, provider_id, next_at in rows])
        events = [  # the same opt-out clicked twice, one by a person since removed, one unrelated event
            (CLAIMED, "unsubscribe", {"person_id": "li.na", "channel": "email", "delivery_id": 3}),
            (CLAIMED + dt.timedelta(hours=1), "unsubscribe", {"person_id": "li.na", "channel": "email", "delivery_id": 3}),
            (CLAIMED, "unsubscribe", {"person_id": "gone.person", "channel": "email", "delivery_id": 99}),
            (CLAIMED, "unsubscribe", {"person_id": "zhang.wei", "channel": "wecom:cardiology", "delivery_id": 99}),
            (CLAIMED, "deliver", {"person_id": "zhang.wei", "channel": "email"}),
        ]
        conn.execute(_events.insert(), [dict(at=at, level="info", stage=stage, subject="", message="", data=data)
                                        for at, stage, data in events])


def _deliveries(url: str) -> dict[int, dict]:
    with get_engine(url).connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(text("SELECT * FROM deliveries")).mappings()}


def _as_dt(value) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


@pytest.fixture()
def url(store_url):
    """Every test here runs on SQLite and on the session's PostgreSQL (tests/conftest.py)."""
    return store_url


def test_upgrade_from_0001_moves_lease_parts_and_opt_outs(url):
    _run(url, "upgrade", "0001")
    _seed_0001(url)
    _run(url, "upgrade", "head")

    rows = _deliveries(url)
    assert _as_dt(rows[1]["claimed_at"]) == CLAIMED and rows[1]["next_attempt_at"] is None
    assert (rows[2]["parts_sent"], rows[2]["provider_id"]) == (2, None)
    assert _as_dt(rows[2]["next_attempt_at"]) == CLAIMED                  # a retry time stays a retry time
    assert (rows[3]["parts_sent"], rows[3]["provider_id"]) == (0, "250 queued as 7F3A")
    assert (rows[4]["parts_sent"], rows[4]["provider_id"]) == (0, None)  # unreadable marker: from the start
    with get_engine(url).connect() as conn:
        opt_outs = conn.execute(text("SELECT person_id, channel, at, delivery_id FROM unsubscribes "
                                     "ORDER BY person_id")).all()
        assert [(p, c, _as_dt(at), d) for p, c, at, d in opt_outs] == [
            ("li.na", "email", CLAIMED, 3), ("zhang.wei", "wecom:cardiology", CLAIMED, None)]
        assert conn.scalar(text("SELECT count(*) FROM events WHERE stage = 'unsubscribe'")) == 4   # audit kept


def test_migrated_rows_behave_under_the_new_code(url):
    from sqlalchemy.orm import Session

    from yibao.delivery import ledger
    from yibao.delivery.service import parts_already_sent, unsubscribed_channels
    from yibao.store.models import Delivery

    _run(url, "upgrade", "0001")
    _seed_0001(url)
    _run(url, "upgrade", "head")
    with Session(get_engine(url)) as session:
        due = {r.id for r in ledger.due(session, LEASE_END - dt.timedelta(minutes=1))}
        assert 1 not in due and {2, 4} <= due                           # the lease still runs
        assert 1 in {r.id for r in ledger.due(session, LEASE_END)}    # and ends when 0001 said it would
        assert parts_already_sent(session.get(Delivery, 2)) == 2
        assert unsubscribed_channels(session) == {("li.na", "email"), ("zhang.wei", "wecom:cardiology")}


def test_downgrade_restores_0001_and_upgrades_again(url):
    _run(url, "upgrade", "0001")
    _seed_0001(url)
    _run(url, "upgrade", "head")
    _run(url, "downgrade", "0001")

    insp = inspect(get_engine(url))
    assert "unsubscribes" not in insp.get_table_names()
    columns = {c["name"] for c in insp.get_columns("deliveries")}
    assert not {"claimed_at", "parts_sent"} & columns
    rows = _deliveries(url)
    assert _as_dt(rows[1]["next_attempt_at"]) == LEASE_END              # the lease is back where 0001 reads it
    assert rows[2]["provider_id"].startswith("parts_sent=2/")            # and the parts marker too
    assert rows[3]["provider_id"] == "250 queued as 7F3A"
    with get_engine(url).connect() as conn:                              # children of deliveries survived
        assert conn.scalar(text("SELECT count(*) FROM deliveries")) == 4

    _run(url, "upgrade", "head")
    rows = _deliveries(url)
    assert _as_dt(rows[1]["claimed_at"]) == CLAIMED and rows[2]["parts_sent"] == 2
    with get_engine(url).connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM unsubscribes")) == 2


def test_downgrade_keeps_rows_that_reference_deliveries(url):
    """SQLite recreates `deliveries` to drop columns; with foreign keys on, its children must survive."""
    from sqlalchemy.orm import Session

    from yibao.store.models import Acknowledgement, Change, Document, Lesson, Source, Version

    _run(url, "upgrade", "head")
    _seed_0001_like_head(url)
    with Session(get_engine(url)) as session:
        session.add(Source(id="s", name="s", family="hanweb", base_url="https://x"))
        session.flush()
        doc = Document(source_id="s", identity_key="k", title="t", norm_title="t", url="https://x/1")
        session.add(doc)
        session.flush()
        ver = Version(document_id=doc.id, seq=1, content_hash="h", raw_sha256="r", url=doc.url, title="t", text="x")
        session.add(ver)
        session.flush()
        change = Change(document_id=doc.id, new_version_id=ver.id, kind="new")
        session.add(change)
        session.flush()
        lesson = Lesson(change_id=change.id, role="doctor", title="t")
        session.add(lesson)
        session.flush()
        session.add(Acknowledgement(delivery_id=1, lesson_id=lesson.id, person_id="zhang.wei", kind="read"))
        session.commit()
    _run(url, "downgrade", "0001")
    with get_engine(url).connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM acknowledgements")) == 1
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []


def _seed_0001_like_head(url: str) -> None:
    from sqlalchemy.orm import Session

    from yibao.store.models import Delivery, Person, Unsubscribe

    with Session(get_engine(url)) as session:
        session.add(Person(id="zhang.wei", name="张伟", channels=["email"]))
        session.flush()
        session.add(Delivery(id=1, person_id="zhang.wei", channel="email", target="t", digest_key="k",
                             state="sending", claimed_at=CLAIMED, parts_sent=0))
        session.flush()
        session.add(Unsubscribe(person_id="zhang.wei", channel="email", delivery_id=1))
        session.commit()


def test_models_and_migrations_agree(url):
    _run(url, "upgrade", "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_parts_marker_parsing():
    path = MIGRATIONS_DIR / "versions" / "0002_delivery_lease_parts_unsubscribes.py"
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.parse_parts_sent("parts_sent=3/7") == 3
    assert module.parse_parts_sent("parts_sent=12") == 12
    assert module.parse_parts_sent("parts_sent=/7") == 0
    assert module.parse_parts_sent("parts_sent=-1/7") == 0
