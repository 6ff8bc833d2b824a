"""A scrape holds no write lock on the SQLite store while it waits for the network.

On the embedded store a write transaction locks the whole database: a scrape of a slow or
unreachable site that kept one open would stall every trainer's decision and every send.
Here another process-like connection writes while the source's crawl is under way.
"""
from __future__ import annotations

import sqlite3

from scrapers.config import load_sources
from scrapers.http import Fetcher
from yibao.mirror.content import nhsa_site
from yibao.mirror.server import MirrorServer
from yibao.pipeline import watch
from yibao.store import open_session


def test_other_writers_are_not_blocked_while_a_first_poll_crawls(yibao_db, monkeypatch):
    import scrapers.crawl

    real_crawl = scrapers.crawl.crawl_source
    writes: list[str] = []

    def crawl_while_someone_else_writes(*args, **kwargs):
        other = sqlite3.connect(yibao_db.removeprefix("sqlite:///"), timeout=0.5)
        try:   # a trainer's decision arriving mid-crawl: must not meet "database is locked"
            other.execute("INSERT INTO events (level, stage, subject, message, data, at) "
                          "VALUES ('info', 'review', 'lesson:1', 'decided meanwhile', '{}', '2026-12-05')")
            other.commit()
            writes.append("ok")
        finally:
            other.close()
        return real_crawl(*args, **kwargs)

    monkeypatch.setattr(scrapers.crawl, "crawl_source", crawl_while_someone_else_writes)
    with MirrorServer(sites=[nhsa_site()]) as mirror:
        source = next(s for s in load_sources(overrides={"mirror_url": mirror.base_url}) if s.id == "nhsa")
        with open_session() as session:
            report = watch.scrape_source(session, source, Fetcher(min_delay_s=0, timeout_s=5, retries=0))
    assert writes == ["ok"] and report.baseline_versions > 0
