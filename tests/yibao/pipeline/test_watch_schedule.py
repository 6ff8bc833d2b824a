"""The re-check schedule over time (国家医保局 mirror, injected clock, three polls a day, no sleeping):
a 10-day-old article is re-checked on every poll, a 200-day-old one when its weekly turn comes;
page furniture (Maketime, view counters, share widgets) never makes a revision."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from scrapers.config import load_sources
from scrapers.crawl import CrawlState
from scrapers.http import Fetcher
from yibao.mirror.content import nhsa_site
from yibao.mirror.server import MirrorServer
from yibao.pipeline.watch import scrape_source
from yibao.store import Source, Version, open_session

TODAY = dt.date(2026, 8, 20)  # the mirror's newest 政策法规 record; column 104 has one every 5 days
POLL_HOURS = (0, 5, 10)  # 08:00, 13:00, 18:00 Beijing


def polls(start: dt.datetime, days: int):
    for day in range(days):
        for hour in POLL_HOURS:
            yield dt.datetime.combine(start.date() + dt.timedelta(days=day), dt.time(hour))


@pytest.fixture()
def nhsa(yibao_db):
    site = nhsa_site()
    with MirrorServer(sites=[site]) as mirror:
        source = next(s for s in load_sources(overrides={"mirror_url": mirror.base_url}) if s.id == "nhsa")
        with open_session() as session:
            yield mirror, site, source, session


def poll(session, source, now, **kw):
    rep = scrape_source(session, source, Fetcher(min_delay_s=0, timeout_s=5, retries=0), now=now, **kw)
    session.commit()
    return rep


def aged(site, days: int):
    return next(d for d in site.column_documents("104")
                if (TODAY - dt.date.fromisoformat(d.publish_date)).days == days)


def test_200_day_old_article_is_caught_when_its_weekly_turn_comes(nhsa):
    mirror, site, source, session = nhsa
    old, recent = aged(site, 200), aged(site, 10)
    old.body += "\n各地要确保12月底前全国统一切换上线。"
    baseline_at = dt.datetime.combine(TODAY, dt.time(0))
    poll(session, source, baseline_at)
    state = CrawlState.from_dict(session.get(Source, "nhsa").crawl_state)
    url = next(u for u in state.known if u.endswith(f"_{old.doc_id}.html"))
    due = dt.datetime.fromisoformat(state.known[url].due)
    assert baseline_at < due <= baseline_at + dt.timedelta(days=7)  # its turn, within the weekly period

    mirror.revise_in_place("nhsa", old.doc_id, "确保12月底前", "确保11月底前")
    seen_at = None
    for now in polls(baseline_at + dt.timedelta(hours=5), 9):
        rep = poll(session, source, now)
        assert rep.recheck_deferred == 0  # the budget covers the schedule
        if rep.new_versions:
            assert seen_at is None, "reported twice"
            seen_at = now
            [vid] = rep.new_versions
            assert session.get(Version, vid).document.title == old.title
    assert seen_at is not None and due <= seen_at < due + dt.timedelta(hours=24)  # the first poll after its turn


def test_10_day_old_article_is_rechecked_on_every_poll(nhsa):
    mirror, site, source, session = nhsa
    recent = aged(site, 10)
    recent.body += "\n各地要确保12月底前全国统一切换上线。"
    now = dt.datetime.combine(TODAY, dt.time(0))
    poll(session, source, now)
    quiet = poll(session, source, now + dt.timedelta(hours=5))
    assert quiet.new_versions == [] and quiet.rechecked >= 1
    assert quiet.recheck_not_modified == quiet.recheck_requests  # every re-check answered 304
    mirror.revise_in_place("nhsa", recent.doc_id, "确保12月底前", "确保11月底前")
    rep = poll(session, source, now + dt.timedelta(hours=10))
    assert len(rep.new_versions) == 1 and session.get(Version, rep.new_versions[0]).document.title == recent.title


def test_maketime_view_counter_and_share_widget_never_make_a_revision(nhsa):
    mirror, site, source, session = nhsa
    now = dt.datetime.combine(TODAY, dt.time(0))
    site.extra["live_furniture"] = True  # a counter + share widget inside the body, new on every view
    poll(session, source, now)
    versions = session.scalar(select(func.count(Version.id)))
    for doc in site.documents:
        doc.extra["maketime"] = "2026-08-21 09:00:00"
    rep = poll(session, source, now + dt.timedelta(hours=5), recheck="all")
    assert rep.rechecked == versions or rep.rechecked >= 80
    assert rep.recheck_not_modified < rep.recheck_requests  # the pages did change (counter, Maketime) ...
    assert rep.new_versions == []  # ... but not their content
    assert session.scalar(select(func.count(Version.id))) == versions


def test_full_cycle_date_is_recorded(nhsa):
    mirror, site, source, session = nhsa
    now = dt.datetime.combine(TODAY, dt.time(0))
    poll(session, source, now)
    assert session.get(Source, "nhsa").last_full_recheck_at is None
    poll(session, source, now + dt.timedelta(hours=5), recheck="all")
    assert session.get(Source, "nhsa").last_full_recheck_at == now + dt.timedelta(hours=5)


def test_state_saved_before_the_recheck_cycle_is_seeded_from_the_store(nhsa):
    mirror, site, source, session = nhsa
    now = dt.datetime.combine(TODAY, dt.time(0))
    poll(session, source, now)
    row = session.get(Source, "nhsa")
    old_state = dict(row.crawl_state)
    old_state.pop("known")
    row.crawl_state = old_state  # what a store written by the previous release holds
    session.commit()
    recent = aged(site, 10)
    recent.body += "\n各地要确保12月底前全国统一切换上线。"
    rep = poll(session, source, now + dt.timedelta(hours=5))  # seeds (the body change is the first check)
    assert len(CrawlState.from_dict(session.get(Source, "nhsa").crawl_state).known) == len(old_state["seen"])
    mirror.revise_in_place("nhsa", recent.doc_id, "确保12月底前", "确保11月底前")
    rep = poll(session, source, now + dt.timedelta(hours=10))
    assert len(rep.new_versions) == 1 and session.get(Version, rep.new_versions[0]).document.title == recent.title
