"""record_article when a concurrent scrape commits the same page between our look-up and our insert.

The interleaving is forced (no timing): the first look-up is made to miss, as it does when the other
scrape commits just after it. The page must end up as one document, never a second one keyed by URL.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from scrapers.base import ArticlePage, ListEntry
from scrapers.fetched import FetchedArticle
from yibao.pipeline import versions
from yibao.pipeline.watch import _record_once
from yibao.store import BlobStore, Document, Source, open_session

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.timezone.utc)
URL = "http://mirror.example/nhsa/art/2026/11/20/art_104_21801.html"
TITLE = "国家医保局办公室关于印发《检验类医疗服务价格项目立项指南（2026年修订版）》的通知"


def _fetched(url: str = URL, title: str = TITLE, number: str = "医保办发〔2026〕21号") -> FetchedArticle:
    page = ArticlePage(url=url, title=title, publish_date="2026-11-20", doc_number=number,
                       body_text="各省、自治区、直辖市医疗保障局：\n现将指南印发给你们，请遵照执行。")
    return FetchedArticle(entry=ListEntry(url=url, title=title, publish_date="2026-11-20"), page=page,
                          raw=f"<html>{title}</html>".encode(), url=url, headers={})


def _documents(session) -> int:
    return session.scalar(select(func.count()).select_from(Document))


@pytest.fixture()
def session(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_HOME", str(tmp_path))
    with open_session(store_url) as s:
        s.add(Source(id="nhsa", name="国家医保局", family="nhsa", base_url="http://mirror.example/", crawl_state={}))
        s.flush()
        yield s


def test_a_page_stored_meanwhile_by_another_scrape_is_found_not_stored_again(session, monkeypatch, tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    other = versions.record_article(session, "nhsa", _fetched(), blobs=blobs, now=NOW)   # the other scrape's commit
    real_find = versions.find_document
    misses = iter([True])

    def find_that_looked_too_early(*args, **kwargs):
        return None if next(misses, False) else real_find(*args, **kwargs)

    monkeypatch.setattr(versions, "find_document", find_that_looked_too_early)
    ours = _record_once(session, "nhsa", _fetched(), blobs, NOW)
    assert (ours.document_id, ours.version_id, ours.created) == (other.document_id, None, False)
    assert _documents(session) == 1


def test_a_different_page_with_the_same_number_is_still_its_own_document(session, tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    notice = versions.record_article(session, "nhsa", _fetched(), blobs=blobs, now=NOW)
    reading = versions.record_article(session, "nhsa", _fetched(url=URL.replace("21801", "21802"),
                                                                 title="一图读懂：检验类项目怎么收费"),
                                      blobs=blobs, now=NOW)
    assert reading.document_id != notice.document_id and _documents(session) == 2
