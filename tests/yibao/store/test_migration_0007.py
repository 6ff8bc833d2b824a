"""0007: versions of a document stored twice under one seq (two scrapes at once, before the
index existed) are renumbered in stored order; afterwards a second "version 2" is refused."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from yibao.store.db import MIGRATIONS_DIR, get_engine

T0 = dt.datetime(2026, 11, 1, 8, 0)


def _run(url: str, action: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def _seed(url: str) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(text("INSERT INTO sources (id, name, family, base_url, region, health, health_detail, "
                          "consecutive_failures, crawl_state) VALUES ('s', 's', 'static', 'https://x', 'national', "
                          "'ok', '', 0, '{}')"))
        for doc_id in (1, 2):
            conn.execute(text("INSERT INTO documents (id, source_id, identity_key, title, norm_title, url, "
                              "deadline_provisional, first_seen_at) VALUES (:id, 's', :key, 't', 't', 'https://x', "
                              ":f, :at)"), dict(id=doc_id, key=f"url:x/{doc_id}", f=False, at=T0))
        rows = [(1, 1, 1, 0), (2, 1, 2, 5), (3, 1, 2, 3), (4, 1, 3, 9), (5, 2, 1, 0), (6, 2, 2, 1)]
        for vid, doc_id, seq, minutes in rows:
            conn.execute(text("INSERT INTO versions (id, document_id, seq, content_hash, raw_sha256, url, title, text, "
                              "meta, fetched_at) VALUES (:id, :d, :seq, :h, 'r', 'u', 't', 'x', '{}', :at)"),
                         dict(id=vid, d=doc_id, seq=seq, h=f"h{vid}", at=T0 + dt.timedelta(minutes=minutes)))


def test_duplicate_seqs_are_renumbered_in_stored_order_then_refused(store_url):
    _run(store_url, "upgrade", "0003")
    _seed(store_url)
    _run(store_url, "upgrade", "0007")
    with get_engine(store_url).connect() as conn:
        seqs = dict(conn.execute(text("SELECT id, seq FROM versions")).all())
    assert seqs == {1: 1, 3: 2, 2: 3, 4: 4, 5: 1, 6: 2}   # 3 was fetched before 2
    with pytest.raises(IntegrityError), get_engine(store_url).begin() as conn:
        conn.execute(text("INSERT INTO versions (document_id, seq, content_hash, raw_sha256, url, title, text, meta, "
                          "fetched_at) VALUES (2, 2, 'other', 'r', 'u', 't', 'x', '{}', :at)"), dict(at=T0))
    _run(store_url, "downgrade", "0003")
    assert "uq_version_seq" not in {i["name"] for i in sa.inspect(get_engine(store_url)).get_indexes("versions")}
