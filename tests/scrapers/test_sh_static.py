"""Shanghai static-page parser against the mirror over real HTTP (the triple
responsive copy, Chinese PubDate, &nbsp; in the 文号, static paging, conditional
GET) and an end-to-end crawl; the smpaa page is a Shanghai negative case."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from scrapers.config import load_sources
from scrapers.crawl import CrawlState, crawl_source
from scrapers.errors import LayoutDriftError
from scrapers.http import Fetcher
from scrapers.registry import get_parser
from yibao.mirror.model import Request
from yibao.mirror.sites import sh_static as site_mod

SOURCES = Path(__file__).resolve().parents[1] / "fixtures" / "scrapers" / "provincial_sources.yaml"
parser = get_parser("sh_static")
SITE_ID = "sh_ybj"   # the conftest mirror serves site_mod's default site


def _article(base, site, doc):
    url = base + site_mod.article_path(site, doc)
    html = requests.get(url, timeout=5).text
    return html, parser.parse_article(html, url)


def test_triple_copy_is_read_once(base, site):
    doc = site.documents[0]
    html, page = _article(base, site, doc)
    line = doc.body.splitlines()[2]
    assert html.count(line) == 3  # mobile, ipad and pc copies
    assert page.body_text.count(line) == 1 and page.meta["copies"] == 3 and page.meta["copy"] == "pc-only"
    assert page.body_text.splitlines() == doc.body.splitlines()


def test_article_fields(base, site):
    doc = site.documents[0]
    html, page = _article(base, site, doc)
    assert "7&nbsp;号" in html
    assert page.doc_number == "沪医保规〔2025〕7号" == doc.doc_number
    assert '<meta name="PubDate" content="2025年09月05日">' in html
    assert page.publish_date == "2025-09-05" and page.meta["date_source"] == "meta"
    assert page.meta["content_publish_date"] == "2025-08-29"
    assert page.title == doc.title
    [att] = page.attachments
    assert "/cmsres/" in att.url and requests.get(att.url, timeout=5).content == doc.attachments[0].data
    assert page.meta["related"][0]["title"].endswith("政策解读")
    assert "有效期至2030年9月9日" in page.body_text


def test_date_falls_back_to_the_url(site):
    html = ('<html><body><div class="pc-only"><div class="content-title">关于X的通知</div>'
            '<div class="content-detail"><p>正文</p></div></div></body></html>')
    page = parser.parse_article(html, "https://ybj.sh.gov.cn/gfxwj/20250905/6173c838284f43c3b4d8c8d4513364ed.html")
    assert page.publish_date == "2025-09-05" and page.meta["date_source"] == "url" and page.title == "关于X的通知"


def test_list_paging(base, site):
    url = base + "/gfxwj/index.html"
    html = requests.get(url, timeout=5).text
    page = parser.parse_list(html, url, source=None)
    truth = site.column_documents("gfxwj")
    assert [e.title for e in page.entries] == [d.title for d in truth[:10]]  # full titles from title=
    assert page.meta == {"current_page": 1, "total_pages": 2}
    [req] = parser.deeper_pages(page, html, url, source=None, pages=10)
    assert req.url == base + "/gfxwj/index_2.html"
    rest = parser.parse_list_response(requests.get(req.url, timeout=5).text, req.url, source=None)
    assert [e.publish_date for e in rest.entries] == [d.publish_date for d in truth[10:]]
    assert parser.deeper_pages(rest, requests.get(req.url, timeout=5).text, req.url, source=None, pages=10) == []


def test_renderer_bytes_are_stable_and_conditional_get_works(base, site):
    renderer = site_mod.ShStaticRenderer()
    one = renderer.handle(site, Request("GET", "/gfxwj/index.html")).body
    assert one == renderer.handle(site, Request("GET", "/gfxwj/index.html")).body
    first = requests.get(base + "/gfxwj/index.html", timeout=5)
    assert first.headers.get("ETag") and first.headers.get("Last-Modified")
    again = requests.get(base + "/gfxwj/index.html", headers={"If-None-Match": first.headers["ETag"]}, timeout=5)
    assert again.status_code == 304


def test_redesign_and_foreign_pages_are_drift(base, mirror, corpus_dir):
    smpaa = (corpus_dir / "smpaa" / "smpaa_2026-08-13_ivd_jicai_notice.html").read_text(encoding="utf-8")
    with pytest.raises(LayoutDriftError) as exc:
        parser.parse_article(smpaa, "https://www.smpaa.cn/xxgk/gggs/x.shtml")
    assert exc.value.selector == "div.content-detail"
    mirror.set_failure("sh_ybj", "redesign")
    try:
        url = base + "/gfxwj/index.html"
        with pytest.raises(LayoutDriftError):
            parser.parse_list(requests.get(url, timeout=5).text, url, source=None)
    finally:
        mirror.set_failure("sh_ybj", None)


def test_crawl_end_to_end(mirror, site):
    source = next(s for s in load_sources(SOURCES, overrides={"mirror_url": mirror.base_url}) if s.id == "sh_ybj")
    fetcher = Fetcher(min_delay_s=0, timeout_s=5, retries=0, challenge_cooldown_s=0)
    first = crawl_source(source, fetcher, CrawlState())
    assert first.health == "ok", first.health_detail
    assert len(first.articles) == 13 + 4  # the baseline reads every page of gfxwj + zcjd
    deep = crawl_source(source, fetcher, first.state, deep=True)
    assert len(deep.articles) == 0 and deep.health == "ok"
    again = crawl_source(source, fetcher, deep.state)
    assert again.articles == [] and again.not_modified == 2  # both list pages answered 304
