"""The watch stage against the mirror, for every site family: the whole column on the first
poll (silently), in-place revisions, revised attachments, withdrawn pages, old records found
late. Each mode reports exactly the right document and nothing else. The clock is injected."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from scrapers.config import load_sources
from scrapers.http import Fetcher
from yibao.mirror.content import default_sites, old_records
from yibao.mirror.server import MirrorServer
from yibao.pipeline.compare import diff_versions
from yibao.pipeline.watch import scrape_source
from yibao.store import Change, Document, Event, Version, open_session

FAMILIES = ["nhsa", "gd_hsa", "sh_ybj", "zj_ybj", "sc_ybj"]  # hanweb, gd_nfcms, sh_static, zj_jpaas, sc_trs
OLD_SENTENCE = "各地要确保12月底前全国统一切换上线。"
NEW_SENTENCE = "各地要确保11月底前全国统一切换上线。"


def poll(session, source, *, now, **kw):
    fetcher = Fetcher(min_delay_s=0, timeout_s=5, retries=0, challenge_cooldown_s=0)
    rep = scrape_source(session, source, fetcher, now=now, **kw)
    session.commit()
    return rep


def doc_of(session, version_id) -> Document:
    return session.get(Version, version_id).document


def listed(session, site, *, with_attachments=False):
    """Mirror documents of the source's configured columns (those the baseline stored), newest first."""
    stored = {d.title for d in session.scalars(select(Document))}
    docs = [d for d in site.documents if d.title in stored and (d.attachments or not with_attachments)]
    assert docs
    return sorted(docs, key=lambda d: (d.publish_date, d.doc_id), reverse=True)


@pytest.fixture(params=FAMILIES)
def world(request, yibao_db):
    """A mirror serving one family's site, its source, and a store holding the baseline."""
    site = next(s for s in default_sites() if s.id == request.param)
    if site.id == "sc_ybj":  # the source reads one of the mirror's three columns: keep that one's documents
        read = {c.id for c in next(s for s in load_sources() if s.id == site.id).columns}
        site.documents = [d for d in site.documents if d.column in read]
    with MirrorServer(sites=[site]) as mirror:
        source = next(s for s in load_sources(overrides={"mirror_url": mirror.base_url}) if s.id == site.id)
        newest = max(dt.date.fromisoformat(d.publish_date) for d in site.documents)
        # the clock: the newest document is 10 days old, so it is re-checked on every poll
        now = dt.datetime.combine(newest + dt.timedelta(days=10), dt.time(2, 0))
        with open_session() as session:
            yield mirror, site, source, session, now


def test_first_poll_baselines_every_page_silently(world):
    mirror, site, source, session, now = world
    rep = poll(session, source, now=now)
    assert rep.health == "ok" and rep.errors == [], rep.errors
    assert rep.new_versions == [] and rep.archived == []  # history is not news
    assert rep.baseline_versions == session.scalar(select(func.count(Version.id))) >= 14
    # records reachable only beyond page 0 are in the baseline too: the oldest of each listed column
    stored = {d.title for d in session.scalars(select(Document))}
    for column in {d.column for d in site.documents if d.title in stored}:
        oldest = site.column_documents(column)[-1]
        assert oldest.title in stored, (column, oldest.title)


def test_in_place_revision_is_exactly_one_new_version(world):
    mirror, site, source, session, now = world
    target = max(site.documents, key=lambda d: (d.publish_date, d.doc_id))
    target.body += "\n" + OLD_SENTENCE
    poll(session, source, now=now)
    assert target in listed(session, site)
    mirror.revise_in_place(site.id, target.doc_id, OLD_SENTENCE, NEW_SENTENCE)

    rep = poll(session, source, now=now + dt.timedelta(hours=5))
    assert rep.health == "ok", rep.detail
    assert len(rep.new_versions) == 1 and rep.revised_in_place == rep.new_versions
    assert doc_of(session, rep.new_versions[0]).title == target.title
    [change_id] = diff_versions(session, rep.new_versions)
    change = session.get(Change, change_id)
    assert change.kind == "revised" and change.material_count >= 1
    texts = [(c.get("old_text") or "", c.get("new_text") or "") for c in change.diff["changes"]]
    assert any("12月底前" in old and "11月底前" in new for old, new in texts), texts

    again = poll(session, source, now=now + dt.timedelta(hours=10))  # nothing else changed: nothing reported
    assert again.new_versions == [] and again.recheck_not_modified >= 1


def test_revised_attachment_is_a_revision_of_its_document(world):
    mirror, site, source, session, now = world
    poll(session, source, now=now)
    target = listed(session, site, with_attachments=True)[0]
    mirror.revise_attachment(site.id, target.doc_id, target.attachments[0].data + b"\n% revised\n")

    rep = poll(session, source, now=now + dt.timedelta(hours=5), recheck="all")
    assert len(rep.new_versions) == 1, rep.new_versions
    doc = doc_of(session, rep.new_versions[0])
    assert doc.title == target.title
    new, old = doc.versions[-1], doc.versions[-2]
    assert {a.sha256 for a in new.attachments} != {a.sha256 for a in old.attachments}
    assert rep.recheck_not_modified >= rep.rechecked - 1  # every other page and attachment answered 304


def test_withdrawn_page_is_marked_after_two_misses_and_never_deleted(world):
    mirror, site, source, session, now = world
    poll(session, source, now=now)
    target = listed(session, site)[1]
    versions_before = session.scalar(select(func.count(Version.id)))
    mirror.withdraw(site.id, target.doc_id)

    first = poll(session, source, now=now + dt.timedelta(hours=5), recheck="all")
    assert first.withdrawn == [] and first.new_versions == []
    second = poll(session, source, now=now + dt.timedelta(hours=10))  # due again on the next poll
    assert len(second.withdrawn) == 1 and second.new_versions == []
    doc = session.scalar(select(Document).where(Document.possibly_withdrawn_at.is_not(None)))
    assert doc.title == target.title
    assert session.scalar(select(func.count(Document.id)).where(Document.possibly_withdrawn_at.is_not(None))) == 1
    assert session.scalar(select(func.count(Version.id))) == versions_before  # nothing deleted
    alerts = session.scalars(select(Event).where(Event.subject == f"document:{doc.id}")).all()
    assert len(alerts) == 1 and "404" in alerts[0].message
    third = poll(session, source, now=now + dt.timedelta(hours=15))
    assert third.withdrawn == []  # reported once


def test_old_records_found_late_are_archived_and_a_fresh_one_is_news(world):
    mirror, site, source, session, now = world
    poll(session, source, now=now)
    newest = listed(session, site)[0]
    old = old_records(site, newest.column, 3, dt.date(2021, 6, 30))
    [fresh] = old_records(site, newest.column, 1, now.date() - dt.timedelta(days=2))
    fresh = replace(fresh, doc_id=fresh.doc_id + "7", title="关于做好近期医疗保障结算清单上传工作的紧急通知")
    for doc in [*old, fresh]:
        mirror.publish(doc)

    rep = poll(session, source, now=now + dt.timedelta(hours=5), deep=True)
    assert rep.health == "ok", rep.detail
    assert [doc_of(session, v).title for v in rep.new_versions] == [fresh.title]
    assert sorted(a.rsplit(" (", 1)[0] for a in rep.archived) == sorted(d.title for d in old)
    archived = session.scalars(select(Document).where(Document.archived.is_(True))).all()
    assert sorted(d.title for d in archived) == sorted(d.title for d in old)
