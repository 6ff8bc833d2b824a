"""Guangdong NFCMS + gkmlpt parser against the mirror over real HTTP (SID read
from the page, category paging, is_expired/is_abolished, noextractcontent,
the 文件已失效 badge, _CONFIG.DETAIL pages) and an end-to-end crawl."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from scrapers.config import load_sources
from scrapers.crawl import CrawlState, crawl_source
from scrapers.errors import LayoutDriftError
from scrapers.gd_nfcms import epoch_date, gkmlpt_category, leaf_categories, validity_from_flags
from scrapers.http import Fetcher
from scrapers.registry import get_parser
from yibao.mirror.sites import gd_nfcms as site_mod

SOURCES = Path(__file__).resolve().parents[1] / "fixtures" / "scrapers" / "provincial_sources.yaml"
parser = get_parser("gd_nfcms")
SITE_ID = "gd_hsa"   # the conftest mirror serves site_mod's default site


def _get(url: str, params: dict | None = None) -> str:
    resp = requests.get(url, params=params, timeout=5)
    resp.raise_for_status()
    return resp.text


def test_column_url_keeps_the_category():
    src = SimpleNamespace(id="gd_hsa", base_url="https://hsa.gd.gov.cn")
    url = parser.column_url(src, SimpleNamespace(path="/gkmlpt/index#2847"))
    assert url == "https://hsa.gd.gov.cn/gkmlpt/index?category=2847"
    assert gkmlpt_category(url) == "2847"
    assert parser.column_url(src, SimpleNamespace(path="/zwgk/tzgg/index.html")) == "https://hsa.gd.gov.cn/zwgk/tzgg/index.html"


def test_helpers():
    assert epoch_date(1655711700) == "2022-06-20" and epoch_date(1655711700000) == "2022-06-20"
    assert epoch_date("2026-06-08 15:55:34") == "2026-06-08" and epoch_date(0) is None
    assert validity_from_flags(1, 0) == "失效" and validity_from_flags(0, "1") == "废止" and validity_from_flags(0, 0) == "有效"
    tree = [{"id": 1, "name": "a", "children": [{"id": 2, "name": "b"}, {"id": 3, "name": "c", "jump_url": "/x"}]}]
    assert leaf_categories(tree) == ["2"]


def test_gkmlpt_index_reads_sid_every_run(base):
    url = base + "/gkmlpt/index?category=2847"
    html = _get(url)
    page = parser.parse_list(html, url, source=None)
    [req] = page.next_requests
    assert page.entries == [] and page.meta["needs_api"] and req.params == {"page": "1", "sid": site_mod.SID}
    assert req.url == base + "/gkmlpt/api/all/2847"
    changed = parser.parse_list(html.replace(site_mod.SID, "7777"), url, source=None)
    assert changed.next_requests[0].params["sid"] == "7777"  # never hard-coded
    whole = parser.parse_list(html, base + "/gkmlpt/index", source=None)  # no category: every leaf of TREE
    assert whole.meta["categories"] == ["2847", "2848"]


def test_gkmlpt_api_pages(base, site):
    url = base + "/gkmlpt/index?category=2847"
    html = _get(url)
    req = parser.parse_list(html, url, source=None).next_requests[0]
    first = parser.parse_list_response(_get(req.url, req.params), req.url, source=None)
    truth = site.column_documents("gfxwj")
    assert first.total == len(truth) == 13 and len(first.entries) == 10
    deeper = parser.deeper_pages(first, html, url, source=None, pages=10)
    assert [r.params["page"] for r in deeper] == ["2"]
    second = parser.parse_list_response(_get(deeper[0].url, deeper[0].params), deeper[0].url, source=None)
    entries = first.entries + second.entries
    assert [e.title for e in entries] == [d.title for d in truth]
    by_no = {e.doc_number: e for e in entries}
    expired, abolished = by_no["粤医保规〔2022〕6号"], by_no["粤医保规〔2020〕2号"]
    assert (expired.extra["is_expired"], expired.extra["is_abolished"], expired.extra["validity"]) == (1, 0, "失效")
    assert (abolished.extra["is_abolished"], abolished.extra["validity"]) == (1, "废止")
    assert expired.publish_date == "2022-06-20" and expired.index_no.startswith("006940060/2022-")
    assert expired.url.endswith("/zwgk/zfxxgkml/bmwj/gfxwj/content/post_3953355.html")  # the NFCMS page
    assert expired.extra["gkmlpt_url"].endswith("/gkmlpt/content/3/3953/post_3953355.html")
    assert expired.extra["attachments"][0]["url"].startswith(base + "/attachment/0/")


def test_wrong_sid_and_bad_json_are_refused(base):
    assert requests.get(base + "/gkmlpt/api/all/2847", params={"page": 1, "sid": "1"}, timeout=5).status_code == 403
    with pytest.raises(LayoutDriftError):
        parser.parse_list_response('{"code": 403, "msg": "sid error"}', "u", source=None)


def test_nfcms_article_expired_badge_and_noextract(base, site):
    doc = site.find_document("3953355")
    url = base + site_mod.post_path(site, doc)
    html = _get(url)
    assert 'noextractcontent="true"' in html and "文件已失效" in html and "mpost_3953355" in html
    page = parser.parse_article(html, url)
    assert page.title == doc.title and page.publish_date == "2022-06-20"
    assert page.validity == "失效" and page.doc_number == "粤医保规〔2022〕6号"
    assert "点击查看政策解读" not in page.body_text and "粤医保规〔2022〕6号" not in page.body_text.splitlines()
    assert page.body_text.splitlines()[0] == doc.body.splitlines()[1]  # body starts after the 文号 line
    assert [requests.get(a.url, timeout=5).content[:4] for a in page.attachments] == [b"%PDF"]
    abolished = site.find_document(next(d.doc_id for d in site.documents if d.validity == "废止"))
    assert parser.parse_article(_get(base + site_mod.post_path(site, abolished)), url).validity == "废止"


def test_gkmlpt_detail_page(base, site):
    doc = site.find_document("3953355")
    url = base + site_mod.gk_path(doc)
    html = _get(url)
    assert "DETAIL" in html and "\\u003cp" in html  # JSON-escaped body HTML
    page = parser.parse_article(html, url)
    assert page.meta["shape"] == "gkmlpt" and page.title == doc.title
    assert page.body_text.splitlines()[:len(doc.body.splitlines())] == doc.body.splitlines()
    assert (page.doc_number, page.validity, page.publish_date) == ("粤医保规〔2022〕6号", "失效", "2022-06-20")
    assert page.issuer == "广东省医疗保障局" and page.attachments


def test_static_list_paging(base, site):
    url = base + "/zwgk/zfxxgkml/bmwj/gfxwj/index.html"
    html = _get(url)
    page = parser.parse_list(html, url, source=None)
    assert len(page.entries) == 10 and page.meta["total_pages"] == 2
    [req] = parser.deeper_pages(page, html, url, source=None, pages=5)
    assert req.url.endswith("/gfxwj/index_2.html")
    assert len(parser.parse_list_response(_get(req.url), req.url, source=None).entries) == 3


def test_redesign_is_drift(base, mirror):
    mirror.set_failure("gd_hsa", "redesign")
    try:
        for path in ("/gkmlpt/index?category=2847", "/zwgk/tzgg/index.html"):
            with pytest.raises(LayoutDriftError):
                parser.parse_list(_get(base + path), base + path, source=None)
    finally:
        mirror.set_failure("gd_hsa", None)


def test_crawl_end_to_end(mirror, site):
    source = next(s for s in load_sources(SOURCES, overrides={"mirror_url": mirror.base_url}) if s.id == "gd_hsa")
    fetcher = Fetcher(min_delay_s=0, timeout_s=5, retries=0, challenge_cooldown_s=0)
    first = crawl_source(source, fetcher, CrawlState())
    assert first.health == "ok", first.health_detail
    assert len(first.articles) == 13 + 4  # the baseline reads every page of both columns
    deep = crawl_source(source, fetcher, first.state, deep=True)
    assert deep.health == "ok" and len(deep.articles) == 0
    validity = {a.page.doc_number: (a.entry.extra.get("validity"), a.page.validity) for a in first.articles + deep.articles}
    assert validity["粤医保规〔2022〕6号"] == ("失效", "失效")
    again = crawl_source(source, fetcher, deep.state)
    assert again.health == "ok" and again.articles == []
    assert json.dumps(again.state.to_dict())  # state stays JSON-serialisable


# ------------------------------------------------- the real page's shape
EXCERPT = Path(__file__).resolve().parents[1] / "fixtures" / "scrapers" / "gd_nfcms" / "post_3953355_excerpt.html"
GD_URL = "https://hsa.gd.gov.cn/zwgk/zfxxgkml/bmwj/gfxwj/content/post_3953355.html"


def test_real_page_excerpt_matches_golden():
    """The page reconstructed from the verbatim excerpts in sites.md (the full page is not in the corpus)."""
    import os
    from dataclasses import asdict

    page = asdict(parser.parse_article(EXCERPT.read_text(encoding="utf-8"), GD_URL))
    page.pop("body_html")
    golden = EXCERPT.with_suffix(".json")
    if os.environ.get("YIBAO_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(page, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert page == json.loads(golden.read_text(encoding="utf-8"))
    assert page["validity"] == "失效" and page["doc_number"] == "粤医保规〔2022〕6号"
    assert page["publish_date"] == "2022-06-20" and "点击查看政策解读" not in page["body_text"]
    assert page["attachments"] == [{"name": "广东省基本医疗保险关系转移接续暂行办法",
                                    "url": "https://hsa.gd.gov.cn/attachment/0/489/489123/3953355.pdf"}]
