"""A scrape commits what it wrote before it waits for the network.

A write transaction left open over a slow or unreachable site would hold its locks for the whole
crawl (on SQLite the whole database: every trainer's decision and every send would wait). The
source row a first poll inserts must be visible to another connection while the crawl runs.
"""
from __future__ import annotations

from sqlalchemy import create_engine, text

from scrapers.config import load_sources
from scrapers.http import Fetcher
from yibao.mirror.content import nhsa_site
from yibao.mirror.server import MirrorServer
from yibao.pipeline import watch
from yibao.store import migrate, open_session


def test_nothing_is_left_uncommitted_while_a_first_poll_crawls(store_url, tmp_path, monkeypatch):
    import scrapers.crawl

    monkeypatch.setenv("YIBAO_HOME", str(tmp_path))
    migrate(store_url)
    real_crawl = scrapers.crawl.crawl_source
    seen_by_others: list[int] = []

    def crawl_while_another_connection_looks(*args, **kwargs):
        other = create_engine(store_url)
        try:
            with other.connect() as conn:
                seen_by_others.append(conn.scalar(text("SELECT count(*) FROM sources WHERE id = 'nhsa'")))
        finally:
            other.dispose()
        return real_crawl(*args, **kwargs)

    monkeypatch.setattr(scrapers.crawl, "crawl_source", crawl_while_another_connection_looks)
    with MirrorServer(sites=[nhsa_site()]) as mirror:
        source = next(s for s in load_sources(overrides={"mirror_url": mirror.base_url}) if s.id == "nhsa")
        with open_session(store_url) as session:
            report = watch.scrape_source(session, source, Fetcher(min_delay_s=0, timeout_s=5, retries=0))
    assert seen_by_others == [1] and report.baseline_versions > 0
