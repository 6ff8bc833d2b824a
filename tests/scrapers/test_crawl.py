"""Incremental crawl of the Hanweb family against the mirror over real HTTP."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from scrapers.config import load_sources
from scrapers.crawl import CrawlState, crawl_source
from scrapers.http import Fetcher
from yibao.mirror.content import demo_update, jiangsu_site, nhsa_site
from yibao.mirror.server import MirrorServer

CONFIG = Path(__file__).resolve().parents[1] / "fixtures" / "scrapers" / "sources.yaml"


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer(sites=[nhsa_site(), jiangsu_site()], slow_delay_s=0.8) as srv:
        yield srv


@pytest.fixture(scope="module")
def sources(mirror):
    return {s.id: s for s in load_sources(CONFIG, overrides={"mirror_url": mirror.base_url})}


def fetcher(**kw) -> Fetcher:
    return Fetcher(min_delay_s=0, timeout_s=kw.pop("timeout_s", 5), retries=0, challenge_cooldown_s=0, **kw)


@pytest.fixture(scope="module")
def primed(mirror, sources):
    """The first poll of nhsa (empty state) and the fetcher that made it."""
    f = fetcher()
    return f, crawl_source(sources["nhsa"], f, CrawlState())


def test_first_poll_reads_the_whole_column_and_articles(primed, mirror):
    _, result = primed
    assert result.health == "ok", result.health_detail
    by_col = {}
    for a in result.articles:
        by_col.setdefault(a.column, []).append(a)
    assert len(by_col["104"]) == 60  # the baseline reads the whole column: page 0 (45) + one dataproxy group
    assert len(by_col["105"]) == 8 and len(by_col["109"]) == 12 and len(by_col["113"]) == 5
    first = by_col["104"][0]
    truth = mirror.sites["nhsa"].column_documents("104")[0]
    assert first.page.title == truth.title == first.entry.title  # full title, not the cut link text
    assert first.entry.doc_number == truth.doc_number == first.page.doc_number
    assert first.entry.publish_date == truth.publish_date and first.entry.index_no.count("-") == 2
    assert "中国医保" not in first.page.body_text
    assert [a.status for a in first.attachments] == ["ok", "ok"]
    assert first.attachments[0].data[:2] == b"PK" and first.attachments[1].data[:4] == b"%PDF"


def test_foreign_attachment_is_skipped_with_reason(primed):
    _, result = primed
    skipped = [att for a in result.articles for att in a.attachments if att.status == "skipped_host"]
    assert len(skipped) == 1 and "files.example.org" in skipped[0].error


def test_unchanged_poll_costs_one_request_per_column(primed, sources, mirror):
    f, result = primed
    state = CrawlState.from_dict(json.loads(json.dumps(result.state.to_dict())))  # JSON round trip
    before = len(mirror.requests)
    again = crawl_source(sources["nhsa"], f, state)
    assert again.health == "ok" and again.articles == []
    assert again.requests == 4 and again.not_modified == 4
    assert all(m == "GET" and "/col/col" in p for m, p in mirror.requests[before:])


def test_published_document_is_picked_up(primed, sources, mirror):
    f, result = primed
    doc = demo_update()
    mirror.publish(doc)
    try:
        again = crawl_source(sources["nhsa"], f, result.state)
        assert [a.page.title for a in again.articles] == [doc.title]
        assert again.articles[0].page.doc_number == "医保办发〔2026〕21号"
        assert again.requests == 4 + 1 + 1  # 4 list pages (one changed), the article, its attachment
    finally:
        mirror.sites["nhsa"].documents = [d for d in mirror.sites["nhsa"].documents if d.doc_id != doc.doc_id]


def test_deep_crawl_pages_through_dataproxy_and_drops_boundary_row(mirror, sources):
    src = replace(sources["nhsa"], columns=[sources["nhsa"].column("104")])
    f = fetcher()
    result = crawl_source(src, f, CrawlState(), deep=True, max_articles=0)
    posts = [p for m, p in mirror.requests if m == "POST"]
    assert posts and "startrecord=46" in posts[-1] and "endrecord=60" in posts[-1]
    assert result.errors == [] and result.health == "ok"
    # nothing fetched (max_articles=0), but the list covered all 60 rows exactly once
    deep = crawl_source(src, fetcher(), CrawlState(), deep=True)
    urls = [a.url for a in deep.articles]
    assert len(urls) == 60 == len(set(urls))


def test_catch_up_after_downtime_pages_deeper(mirror, sources):
    src = replace(sources["nhsa"], columns=[sources["nhsa"].column("104")])
    docs = mirror.sites["nhsa"].column_documents("104")
    old = CrawlState(source_id="nhsa", seen={f"{src.base_url}/art/x/{d.doc_id}.html": "x" for d in docs[:1]})
    # pretend we last saw only the 50th newest row: page 0 has no known url -> catch up
    from yibao.mirror.sites.hanweb import article_path
    old.seen = {src.base_url + article_path(docs[49]): "sig"}
    result = crawl_source(src, fetcher(), old, max_articles=0)
    assert any(m == "POST" for m, _ in mirror.requests[-3:])
    assert result.health == "ok"


@pytest.mark.parametrize("mode,health,kind", [("challenge_412", "challenged", "412"), ("ruishu", "challenged", "ruishu_js"),
                                              ("503", "challenged", "503"), ("redesign", "drifted", None)])
def test_failure_modes_set_health(mirror, sources, primed, mode, health, kind):
    mirror.set_failure("nhsa", mode)
    try:
        result = crawl_source(sources["nhsa"], fetcher(), primed[1].state)
    finally:
        mirror.set_failure("nhsa", None)
    assert result.health == health and result.articles == []
    assert set(result.column_health.values()) == {health}
    if kind:
        assert kind in result.health_detail
    else:
        assert "datastore" in result.health_detail


def test_empty_list_where_records_were_is_drift_not_no_change(mirror, sources, primed):
    mirror.set_failure("nhsa", "empty")
    try:
        result = crawl_source(sources["nhsa"], fetcher(), primed[1].state)
    finally:
        mirror.set_failure("nhsa", None)
    assert result.health == "drifted" and "zero records" in result.health_detail


def test_slow_server_times_out_as_error(mirror, sources):
    src = replace(sources["js_ybj"], columns=[sources["js_ybj"].column("73935")])
    mirror.set_failure("js_ybj", "slow")
    try:
        result = crawl_source(src, fetcher(timeout_s=0.3), CrawlState())
    finally:
        mirror.set_failure("js_ybj", None)
    assert result.health == "error" and "Timeout" in result.health_detail


def test_challenge_on_one_column_keeps_other_columns(mirror, sources):
    """js_ybj poll works while nhsa is challenged (separate sources, separate hosts' state)."""
    mirror.set_failure("nhsa", "challenge_412")
    try:
        js = crawl_source(sources["js_ybj"], fetcher(), CrawlState())
    finally:
        mirror.set_failure("nhsa", None)
    assert js.health == "ok" and len(js.articles) == 20
