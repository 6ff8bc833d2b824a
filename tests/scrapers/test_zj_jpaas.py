"""Zhejiang JPaaS parser: the real column page + unit API answer (golden files),
the mirror's unit API over real HTTP, and an end-to-end crawl."""
from __future__ import annotations

import json
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
from scrapers.zj_jpaas import parse_query_data, url_form
from yibao.mirror.sites import zj_jpaas as site_mod

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from golden import golden_compare as shared_golden_compare  # noqa: E402

SOURCES = HERE.parent / "fixtures" / "scrapers" / "provincial_sources.yaml"
COL_URL = "https://fzggw.zj.gov.cn/col/col1229565788/index.html"
COL = "1229113757"
parser = get_parser("zj_jpaas")
SITE_ID = "zj_ybj"   # the conftest mirror serves site_mod's default site


def golden_compare(actual: dict, name: str) -> None:
    shared_golden_compare("zj_jpaas", actual, name)


@pytest.fixture(scope="module")
def col_main(corpus_dir) -> str:
    return (corpus_dir / "samples-jpaas" / "col_main.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def unit_api(corpus_dir) -> str:
    return (corpus_dir / "samples-jpaas" / "unit_api.json").read_text(encoding="utf-8")


# ---------------------------------------------------------------- real pages
def test_real_column_page_matches_golden(col_main):
    golden_compare(asdict(parser.parse_list(col_main, COL_URL, source=None)), "col_main")


def test_real_column_page_yields_the_unit_request(col_main):
    page = parser.parse_list(col_main, COL_URL, source=None)
    assert page.entries == [] and page.meta["needs_api"]
    [req] = page.next_requests
    assert req.url == "https://fzggw.zj.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"
    assert req.params["webId"] == "3185" and req.params["pageId"] == "1229565788"
    assert req.params["tagId"] == "信息列表" and req.params["tplSetId"] == "o0YcVHHq5vWtr3uiCp4SY"
    assert json.loads(req.params["paramJson"]) == {"pageNo": 1, "pageSize": 15}


def test_real_unit_answer_matches_golden(unit_api):
    url = "https://fzggw.zj.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"
    golden_compare(asdict(parser.parse_list_response(unit_api, url, source=None)), "unit_api")


def test_real_unit_answer_rows(unit_api):
    url = "https://fzggw.zj.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"
    page = parser.parse_list_response(unit_api, url, source=None)
    assert page.total == 388 and page.meta["page_no"] == 1 and page.meta["rows"] == 15
    assert len(page.entries) == 15
    first = page.entries[0]
    assert first.title == "省发展改革委关于印发《浙江省固定资产投资项目节能审查和碳排放评价实施办法》的通知"  # not the cut text
    assert first.publish_date == "2026-06-05" and first.extra["url_form"] == "col_art_hex"
    old = page.entries[6]  # protocol-relative old-form link
    assert old.url == "https://fzggw.zj.gov.cn/art/2025/11/4/art_1229123351_2578716.html"
    assert old.extra == {"url_form": "art_date_id", "column_id": "1229123351", "year": "2025", "article_key": "2578716"}


def test_real_deeper_pages_use_param_json(col_main, unit_api):
    first = parser.parse_list_response(unit_api, COL_URL, source=None)
    reqs = parser.deeper_pages(first, col_main, COL_URL, source=None, pages=3)
    assert [json.loads(r.params["paramJson"])["pageNo"] for r in reqs] == [2, 3, 4]
    assert all("pageNo" not in r.params for r in reqs)  # bare pageNo is ignored by the gateway
    all_pages = parser.deeper_pages(first, col_main, COL_URL, source=None, pages=100)
    assert len(all_pages) == 25  # 388 records / 15 = 26 pages


def test_query_data_is_single_quoted_json():
    assert parse_query_data("{'webId':'3185','pageId':'1229565788','tagId': '信息列表'}") == \
           {"webId": "3185", "pageId": "1229565788", "tagId": "信息列表"}
    with pytest.raises(ValueError):
        parse_query_data("not an object")


def test_url_forms():
    assert url_form("https://ybj.zj.gov.cn/col/col1229113757/art/2026/art_" + "a" * 32 + ".html")["url_form"] == "col_art_hex"
    assert url_form("https://ybj.zj.gov.cn/art/2022/6/30/art_1229113757_2409744.html")["article_key"] == "2409744"


def test_api_error_and_missing_unit_are_drift(col_main):
    with pytest.raises(LayoutDriftError):
        parser.parse_list_response('{"success":false,"code":"500","message":"参数错误","data":null}', "u", source=None)
    with pytest.raises(LayoutDriftError):
        parser.parse_list_response("<html>502 Bad Gateway</html>", "u", source=None)
    with pytest.raises(LayoutDriftError) as exc:
        parser.parse_list(col_main.replace("queryData", "data-q"), COL_URL, source=None)
    assert "queryData" in exc.value.selector


# ------------------------------------------------------------------ mirror
def _api_pages(base: str) -> tuple[str, list]:
    col = f"{base}/col/col{COL}/index.html"
    html = requests.get(col, timeout=5).text
    shell = parser.parse_list(html, col, source=None)
    req = shell.next_requests[0]
    first = parser.parse_list_response(requests.get(req.url, params=req.params, timeout=5).text, req.url, source=None)
    pages = [first]
    for r in parser.deeper_pages(first, html, col, source=None, pages=10):
        pages.append(parser.parse_list_response(requests.get(r.url, params=r.params, timeout=5).text, r.url, source=None))
    return html, pages


def test_mirror_unit_api_pages(base, mirror):
    _, pages = _api_pages(base)
    truth = mirror.sites["zj_ybj"].column_documents(COL)
    assert len(pages) == 2 and pages[0].total == len(truth) == 20
    titles = [e.title for p in pages for e in p.entries]
    assert titles == [d.title for d in truth]
    forms = {e.extra["url_form"] for p in pages for e in p.entries}
    assert forms == {"col_art_hex", "art_date_id"}  # both URL shapes coexist


def test_mirror_ignores_bare_page_no(base):
    col = f"{base}/col/col{COL}/index.html"
    req = parser.parse_list(requests.get(col, timeout=5).text, col, source=None).next_requests[0]
    params = {k: v for k, v in req.params.items() if k != "paramJson"}
    params["pageNo"] = "2"
    page = parser.parse_list_response(requests.get(req.url, params=params, timeout=5).text, req.url, source=None)
    assert page.meta["page_no"] == 1


def test_every_mirror_article_parses_back(base, mirror):
    site = mirror.sites["zj_ybj"]
    for doc in site.documents:
        url = base + site_mod.article_path(site, doc)
        page = parser.parse_article(requests.get(url, timeout=5).text, url)
        assert (page.title, page.publish_date, page.doc_number, page.issuer) == \
               (doc.title, doc.publish_date, doc.doc_number, doc.issuer)
        assert page.index_no and page.index_no.startswith("002482120/") and page.written_date
        assert page.body_text.splitlines() == doc.body.splitlines() + [f"附件：{a.name}" for a in doc.attachments]
        assert [requests.get(a.url, timeout=5).content for a in page.attachments] == [a.data for a in doc.attachments]


def test_redesigned_column_page_is_drift(base, mirror):
    mirror.set_failure("zj_ybj", "redesign")
    try:
        col = f"{base}/col/col{COL}/index.html"
        with pytest.raises(LayoutDriftError):
            parser.parse_list(requests.get(col, timeout=5).text, col, source=None)
    finally:
        mirror.set_failure("zj_ybj", None)


# ------------------------------------------------------------------- crawl
def test_crawl_end_to_end(mirror):
    source = next(s for s in load_sources(SOURCES, overrides={"mirror_url": mirror.base_url}) if s.id == "zj_ybj")
    fetcher = Fetcher(min_delay_s=0, timeout_s=5, retries=0, challenge_cooldown_s=0)
    routine = crawl_source(source, fetcher, CrawlState())
    assert routine.health == "ok", routine.health_detail
    by_col = {}
    for a in routine.articles:
        by_col.setdefault(a.column, []).append(a)
    assert len(by_col[COL]) == 20 and len(by_col["1229225636"]) == 4  # the baseline reads both API pages
    deep = crawl_source(source, fetcher, routine.state, deep=True)
    assert deep.health == "ok" and len(deep.articles) == 0
    again = crawl_source(source, fetcher, deep.state)
    assert again.health == "ok" and again.articles == []
