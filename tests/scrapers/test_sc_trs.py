"""Sichuan TRS parser: the real corpus page (golden file), the mirror over real
HTTP, and an end-to-end crawl."""
from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import pytest
import requests

from scrapers.config import load_sources
from scrapers.crawl import CrawlState, crawl_source
from scrapers.errors import LayoutDriftError
from scrapers.http import Fetcher
from scrapers.registry import get_parser
from yibao.mirror.sites import sc_trs as site_mod

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from golden import golden_compare as shared_golden_compare  # noqa: E402

SOURCES = HERE.parent / "fixtures" / "scrapers" / "provincial_sources.yaml"
SC_URL = "https://ylbzj.sc.gov.cn/scsybj/nc010105/2026/5/22/26b3f7d73af8413c8639186066a4d469.shtml"
LIST = "/scsybj/nc010105/yy_zfxxgklist_gfxwj.shtml"
parser = get_parser("sc_trs")
SITE_ID = "sc_ybj"   # the conftest mirror serves site_mod's default site


def golden_compare(actual: dict, name: str) -> None:
    shared_golden_compare("sc_trs", actual, name)


def article_dict(page) -> dict:
    d = asdict(page)
    d.pop("body_html")
    return d


@pytest.fixture(scope="module")
def real_page(corpus_dir) -> str:
    return (corpus_dir / "SC" / "DOC-SC-MEDICAL-TRANSFER-2026" / "original.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- real page
def test_real_page_matches_golden(real_page):
    golden_compare(article_dict(parser.parse_article(real_page, SC_URL)), "DOC-SC-MEDICAL-TRANSFER-2026")


def test_real_page_dates_come_from_the_table_not_meta_pubdate(real_page):
    page = parser.parse_article(real_page, SC_URL)
    assert page.publish_date == "2026-05-22"  # table 发布日期
    assert page.meta["page_generated"] == "2026-06-29 16:03:47"  # meta PubDate = generation time
    assert page.index_no == "y41332000/2026-00007" and page.written_date == "2026-05-22"


def test_real_page_fields(real_page):
    page = parser.parse_article(real_page, SC_URL)
    assert page.title == "四川省医疗保障局关于印发《四川省基本医疗保险医用耗材目录》的通知"
    assert page.doc_number == "川医保规〔2026〕3号" and page.validity == "有效"
    assert page.issuer == "四川省医疗保障局" and page.meta["doc_type"] == "通知"
    # Word-pasted runs are joined without stray breaks; the style block is not text
    assert "根据《中共中央、国务院关于深化医疗保障制度改革的意见》（中发〔2020〕5号）" in page.body_text
    assert "TRS_UEDITOR" not in page.body_text and "分享到" not in page.body_text
    assert [a.name for a in page.attachments] == ["四川省基本医疗保险医用耗材目录"]
    assert page.attachments[0].url.startswith(SC_URL.rsplit("/", 1)[0] + "/26b3f7d73af8413c8639186066a4d469/files/")
    assert page.meta["related"][0]["title"].endswith("政策解读")


def test_sniff_recognises_the_page(real_page):
    assert parser.sniff(real_page, SC_URL) > 0


def test_page_without_trs_body_is_drift(corpus_dir):
    smpaa = (corpus_dir / "smpaa" / "smpaa_2026-08-13_ivd_jicai_notice.html").read_text(encoding="utf-8")
    with pytest.raises(LayoutDriftError) as exc:
        parser.parse_article(smpaa, "https://www.smpaa.cn/x.shtml")
    assert "TRS_UEDITOR" in exc.value.selector


# ------------------------------------------------------------------ mirror
def test_list_page_over_http(base, mirror):
    html = requests.get(base + LIST, timeout=5).text
    page = parser.parse_list(html, base + LIST, source=None)
    truth = mirror.sites["sc_ybj"].column_documents("nc010105")
    assert len(page.entries) == 10 and page.meta["total_pages"] == 2
    assert [e.title for e in page.entries] == [d.title for d in truth[:10]]  # full titles from title=
    assert all(e.publish_date == d.publish_date for e, d in zip(page.entries, truth))
    deeper = parser.deeper_pages(page, html, base + LIST, source=None, pages=5)
    assert [r.url for r in deeper] == [base + "/scsybj/nc010105/yy_zfxxgklist_gfxwj_1.shtml"]
    second = parser.parse_list_response(requests.get(deeper[0].url, timeout=5).text, deeper[0].url, source=None)
    assert [e.title for e in second.entries] == [d.title for d in truth[10:]]


def test_every_mirror_article_parses_back(base, mirror):
    site = mirror.sites["sc_ybj"]
    for doc in site.documents:
        url = base + site_mod.article_path(site, doc)
        page = parser.parse_article(requests.get(url, timeout=5).text, url)
        assert (page.title, page.publish_date, page.doc_number, page.issuer) == \
               (doc.title, doc.publish_date, doc.doc_number, doc.issuer)
        assert page.validity == (doc.validity or "有效")
        body = page.body_text.splitlines()
        assert all(line in body for line in doc.body.splitlines())
        assert [a.name for a in page.attachments] == [a.name for a in doc.attachments]
        for link, att in zip(page.attachments, doc.attachments):
            assert requests.get(link.url, timeout=5).content == att.data


def test_redesigned_list_and_article_are_drift(base, mirror):
    mirror.set_failure("sc_ybj", "redesign")
    try:
        html = requests.get(base + LIST, timeout=5).text
        with pytest.raises(LayoutDriftError):
            parser.parse_list(html, base + LIST, source=None)
        doc = mirror.sites["sc_ybj"].documents[0]
        url = base + site_mod.article_path(mirror.sites["sc_ybj"], doc)
        with pytest.raises(LayoutDriftError):
            parser.parse_article(requests.get(url, timeout=5).text, url)
    finally:
        mirror.set_failure("sc_ybj", None)


def test_empty_column_is_a_valid_list(base, mirror):
    mirror.set_failure("sc_ybj", "empty")
    try:
        page = parser.parse_list(requests.get(base + LIST, timeout=5).text, base + LIST, source=None)
        assert page.entries == [] and page.meta["total_pages"] == 1
    finally:
        mirror.set_failure("sc_ybj", None)


# ------------------------------------------------------------------- crawl
def test_crawl_end_to_end(mirror):
    source = next(s for s in load_sources(SOURCES, overrides={"mirror_url": mirror.base_url}) if s.id == "sc_ybj")
    fetcher = Fetcher(min_delay_s=0, timeout_s=5, retries=0, challenge_cooldown_s=0)
    first = crawl_source(source, fetcher, CrawlState(), deep=True)
    assert first.health == "ok", first.health_detail
    assert sorted(a.page.title for a in first.articles) == \
           sorted(d.title for d in mirror.sites["sc_ybj"].column_documents("nc010105"))
    with_att = [a for a in first.articles if a.attachments]
    assert with_att and all(x.status == "ok" and x.data[:4] in (b"%PDF", b"PK\x03\x04") for a in with_att
                            for x in a.attachments)
    again = crawl_source(source, fetcher, first.state)
    assert again.health == "ok" and again.articles == [] and again.not_modified == 1
