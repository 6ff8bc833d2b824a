"""The audit chain: rows are sealed as they are written, tampering is found, the migration hashes
old rows, and concurrent writers append one after the other (no fork)."""
from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from yibao.review import decisions as d
from yibao.review.sample import seed
from yibao.store.audit_chain import verify_chain
from yibao.store.db import MIGRATIONS_DIR, get_engine, open_session
from yibao.store.models import Review


@pytest.fixture()
def db_url(store_url):
    """SQLite and PostgreSQL (the private server `make test` starts): see tests/conftest.py."""
    return store_url


@pytest.fixture()
def lesson_id(db_url):
    with open_session(db_url) as s:
        lesson_id = seed(s, published=dt.date(2026, 3, 2), roles=("doctor",))[0]
    with open_session(db_url) as s:
        d.save_edit(s, lesson_id, actor="trainer1", revision=1, body_md="# A\n")
        d.save_edit(s, lesson_id, actor="trainer1", revision=2, body_md="# B\n")
        d.save_edit(s, lesson_id, actor="trainer2", revision=3, body_md="# C\n")
    return lesson_id


def _verify(url):
    with open_session(url) as s:
        return verify_chain(s)


def _rows(url):
    with get_engine(url).connect() as conn:
        return conn.execute(sa.text("SELECT id, prev_hash, row_hash FROM reviews ORDER BY id")).all()


def test_rows_are_linked_and_verify_passes(db_url, lesson_id):
    rows = _rows(db_url)
    assert len(rows) == 3 and all(r.row_hash for r in rows)
    assert all(later.prev_hash == earlier.row_hash for earlier, later in zip(rows, rows[1:]))
    report = _verify(db_url)
    assert report.intact and report.rows == len(rows)


def test_a_changed_field_is_named_with_its_row(db_url, lesson_id):
    target = _rows(db_url)[2].id
    with get_engine(db_url).begin() as conn:
        conn.execute(sa.text("UPDATE reviews SET actor = 'mallory' WHERE id = :id"), {"id": target})
    broken = _verify(db_url).broken
    assert broken.row_id == target and "actor" in broken.what


def test_a_deleted_row_breaks_the_next_link(db_url, lesson_id):
    rows = _rows(db_url)
    with get_engine(db_url).begin() as conn:
        conn.execute(sa.text("DELETE FROM reviews WHERE id = :id"), {"id": rows[1].id})
    broken = _verify(db_url).broken
    assert broken.row_id == rows[2].id and "prev_hash" in broken.what


def test_a_deleted_last_row_is_caught_by_the_head(db_url, lesson_id):
    with get_engine(db_url).begin() as conn:
        conn.execute(sa.text("DELETE FROM reviews WHERE id = (SELECT max(id) FROM reviews)"))
    broken = _verify(db_url).broken
    assert broken.row_id is None and "deleted" in broken.what


def test_rehashing_a_changed_row_still_breaks_the_next_link(db_url, lesson_id):
    """An attacker who edits a row and recomputes its hashes breaks the following row's prev_hash."""
    from yibao.store.audit_chain import review_fields, seal

    rows = _rows(db_url)
    with open_session(db_url) as s:
        row = s.get(Review, rows[1].id)
        row.comment = "forged"
        row.field_hashes, row.row_hash = seal(review_fields(row), row.prev_hash)
    broken = _verify(db_url).broken
    assert broken.row_id == rows[2].id


def test_concurrent_writers_do_not_fork_the_chain(db_url, lesson_id):
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(15):
                with open_session(db_url) as s:
                    s.add(Review(lesson_id=lesson_id, actor=name, action="note", comment=str(i)))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = _verify(db_url)
    assert report.intact, str(report.broken)
    assert len({r.prev_hash for r in _rows(db_url)}) == len(_rows(db_url))  # no two rows share a parent


def test_migration_hashes_existing_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.execute(sa.text("INSERT INTO sources (id, name, family, base_url, region, health, health_detail, "
                             "consecutive_failures, crawl_state) VALUES ('s','s','static','http://x/','national',"
                             "'ok','',0,'{}')"))
        conn.execute(sa.text("INSERT INTO documents (id, source_id, identity_key, title, norm_title, url, "
                             "deadline_provisional, first_seen_at) VALUES (1,'s','k','t','t','u',0,'2026-01-01')"))
        conn.execute(sa.text("INSERT INTO versions (id, document_id, seq, content_hash, raw_sha256, url, title, "
                             "text, meta, fetched_at) VALUES (1,1,1,'h','r','u','t','x','{}','2026-01-01')"))
        conn.execute(sa.text("INSERT INTO changes (id, document_id, new_version_id, kind, diff, summary_md, "
                             "material_count, topics, detected_at) VALUES (1,1,1,'new','{}','',0,'[]','2026-01-01')"))
        conn.execute(sa.text("INSERT INTO lessons (id, change_id, role, status, title, draft, body_md, drafted_md, "
                             "drafter, flags, revision, created_at, updated_at) VALUES (1,1,'doctor','draft','t',"
                             "'{}','b','b','rules','[]',1,'2026-01-01','2026-01-01')"))
        for i, action in enumerate(("draft", "edit", "approve")):
            conn.execute(sa.text("INSERT INTO reviews (lesson_id, actor, action, comment, before_md, after_md, "
                                 "edit_diff, at) VALUES (1, 'old', :a, '', '', 'b', '', :at)"),
                         {"a": action, "at": f"2026-01-0{i + 1} 08:00:00.000000"})
        command.upgrade(cfg, "head")
    assert all(r.row_hash for r in _rows(url))
    assert _verify(url).intact
    with open_session(url) as s:  # new rows continue the migrated chain
        s.add(Review(lesson_id=1, actor="new", action="note"))
    assert _verify(url).intact and len(_rows(url)) == 4
