"""Two `yibao scrape` processes of the same source at the same instant, store on PostgreSQL,
against the HTTP mirror: no document, version or change is stored twice, and neither run fails."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import text

from yibao.store.db import get_engine
from yibao.testing.start_together import json_output, launch


@pytest.fixture()
def mirror():
    from yibao.mirror.server import MirrorServer

    with MirrorServer() as server:
        yield server


def _scrape_twice_at_once(env, tmp_path) -> list[dict]:
    return [json_output(p) for p in launch(2, ["scrape", "--json", "--announce-baseline"], env, tmp_path)]


def _duplicates(url: str) -> dict[str, int]:
    """Rows that share what makes them the same thing (0 everywhere = no duplicates)."""
    queries = {
        "documents": "SELECT count(*) - count(DISTINCT (source_id, identity_key)) FROM documents",
        "versions by content": "SELECT count(*) - count(DISTINCT (document_id, content_hash)) FROM versions",
        "versions by seq": "SELECT count(*) - count(DISTINCT (document_id, seq)) FROM versions",
        "changes": "SELECT count(*) - count(DISTINCT new_version_id) FROM changes",
        "documents by url": "SELECT count(*) - count(DISTINCT url) FROM documents",
    }
    with get_engine(url).connect() as conn:
        return {name: conn.scalar(text(sql)) for name, sql in queries.items()}


def _same_url_documents(url: str) -> list[tuple]:
    """(url, id, identity_key, doc_number, title, versions) of documents that share a URL, for the failure message."""
    sql = ("SELECT d.url, d.id, d.identity_key, d.doc_number, d.title, "
           "(SELECT count(*) FROM versions v WHERE v.document_id = d.id) FROM documents d "
           "WHERE d.url IN (SELECT url FROM documents GROUP BY url HAVING count(*) > 1) ORDER BY d.url, d.id")
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _count(url: str, table: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.scalar(text(f"SELECT count(*) FROM {table}"))


def test_two_scrapes_of_one_source_at_once_store_everything_once(mirror, postgres_url, tmp_path):
    from yibao.mirror.content import demo_update
    from yibao.store.db import migrate

    migrate(postgres_url)
    env = {**os.environ, "YIBAO_DATABASE_URL": postgres_url, "YIBAO_HOME": str(tmp_path),
           "YIBAO_MIRROR_URL": mirror.base_url, "YIBAO_SOURCES": "nhsa", "YIBAO_USER_AGENT": "yibao-tests"}

    first = _scrape_twice_at_once(env, tmp_path)              # the source's first poll, by both at once
    assert _duplicates(postgres_url) == Counter(dict.fromkeys(_duplicates(postgres_url), 0)), \
        _same_url_documents(postgres_url)
    stored = {t: _count(postgres_url, t) for t in ("documents", "versions", "changes")}
    # the baseline announces nothing: only versions after a document's first get a change row
    assert stored["documents"] > 10 and stored["changes"] == stored["versions"] - stored["documents"]
    assert sum(len(r["version_ids"]) for r in first) == stored["changes"]   # each change reported by one run
    assert all(not src["errors"] for r in first for src in r["sources"]), [s["errors"] for r in first for s in r["sources"]]

    mirror.publish(replace(demo_update(), publish_date="2026-11-20"))     # a new policy, seen by both at once
    second = _scrape_twice_at_once(env, tmp_path)
    assert _duplicates(postgres_url) == Counter(dict.fromkeys(_duplicates(postgres_url), 0)), \
        _same_url_documents(postgres_url)
    assert _count(postgres_url, "versions") == stored["versions"] + 1
    assert _count(postgres_url, "changes") == stored["changes"] + 1
    assert sorted(len(r["version_ids"]) for r in second) in ([0, 1], [1, 1])   # both may name it; one stored it
    assert all(not src["errors"] for r in second for src in r["sources"])
