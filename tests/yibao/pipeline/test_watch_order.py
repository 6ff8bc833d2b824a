"""Several new pages that are one document (a notice re-issued under its 文号) are stored oldest first,
so the latest published is the current version — whatever order the newest-first listing gave."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from scrapers.config import load_sources
from scrapers.http import Fetcher
from yibao.mirror.content import default_sites
from yibao.mirror.server import MirrorServer
from yibao.pipeline.watch import scrape_source
from yibao.store import Document, open_session


def test_the_latest_published_page_of_a_document_is_its_current_version(yibao_db):
    site = next(s for s in default_sites() if s.id == "nhsa")
    with MirrorServer(sites=[site]) as mirror:
        source = next(s for s in load_sources(overrides={"mirror_url": mirror.base_url}) if s.id == "nhsa")
        newest = max(dt.date.fromisoformat(d.publish_date) for d in site.documents)
        now = dt.datetime.combine(newest + dt.timedelta(days=10), dt.time(2, 0))
        with open_session() as session:
            scrape_source(session, source, Fetcher(min_delay_s=0, timeout_s=5, retries=0), now=now)
            session.commit()
            merged = [d for d in session.scalars(select(Document)) if len({v.url for v in d.versions}) > 1]
            assert merged, "the mirror has pages that share a 文号 and a title"
            for doc in merged:
                dates = [v.meta["page"].get("publish_date") for v in doc.versions]
                assert dates[-1] == max(dates), (doc.title, dates)
                assert doc.url == doc.versions[-1].url
