"""The re-check budget holds per host when each source is polled on its own, as the Airflow DAG
does (one task per source, possibly in parallel processes): two sources on the mirror's host,
each `scrape` call with nothing shared in memory, together never exceed the host's budget."""
from __future__ import annotations

import datetime as dt

import yaml

from scrapers.config import DEFAULT_PATH
from scrapers.http import Fetcher
from yibao.mirror.content import jiangsu_site, nhsa_site
from yibao.mirror.server import MirrorServer
from yibao.pipeline.watch import scrape
from yibao.store import open_session

HOST_BUDGET = 8
SOURCES = ("js_ybj", "nhsa")


def sources_file(tmp_path):
    """config/sources.yaml with both sources watched, no politeness delay and a small budget (nhsa's 9 > 8:
    the host's budget is the smallest of its sources')."""
    config = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    for source in config["sources"]:
        source["enabled"] = source["id"] in SOURCES
        budget = HOST_BUDGET + (source["id"] == "nhsa")
        source["poll"] = {**(source.get("poll") or {}), "min_delay_s": 0,
                          "recheck": {"budget_per_poll": budget}}
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def poll_each_source_alone(now):
    """One `scrape` per source, each with its own session and fetcher (what one Airflow task does)."""
    reports = {}
    for sid in SOURCES:
        with open_session() as session:
            (reports[sid],) = scrape(session, source_ids=[sid], now=now,
                                     fetcher=Fetcher(min_delay_s=0, timeout_s=5, retries=0)).sources
    return reports


def test_sources_of_one_host_polled_separately_share_its_budget(yibao_db, tmp_path, monkeypatch):
    with MirrorServer(sites=[nhsa_site(), jiangsu_site()]) as mirror:
        monkeypatch.setenv("YIBAO_SOURCES_FILE", str(sources_file(tmp_path)))
        monkeypatch.setenv("YIBAO_MIRROR_URL", mirror.base_url)  # both sources now live on one host
        monkeypatch.delenv("YIBAO_SOURCES", raising=False)
        baseline_at = dt.datetime(2026, 8, 21, 2, 0)
        poll_each_source_alone(baseline_at)
        reports = poll_each_source_alone(baseline_at + dt.timedelta(days=40))  # every known article is due
    used = {sid: r.recheck_requests for sid, r in reports.items()}
    assert sum(used.values()) <= HOST_BUDGET, used
    assert all(0 < n <= HOST_BUDGET // 2 for n in used.values()), used  # each its half, both make progress
    assert all(r.recheck_deferred > 0 for r in reports.values())  # the rest waits for the next poll
