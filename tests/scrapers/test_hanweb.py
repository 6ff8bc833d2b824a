"""Hanweb JCMS parser: golden files for real corpus pages, plus edge cases."""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from scrapers.base import ListPage
from scrapers.errors import LayoutDriftError
from scrapers.hanweb import parse_js_object, parse_record
from scrapers.registry import get_parser, parse_article

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "scrapers" / "hanweb"
NHSA_URL = "http://www.nhsa.gov.cn/art/2026/8/14/art_14_21766.html"
JS_URL = "http://fzggw.jiangsu.gov.cn/col/col284/index.html"
parser = get_parser("hanweb")


def _golden(name: str, actual: dict) -> dict:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


def _article_dict(page) -> dict:
    d = page.to_dict()
    d.pop("body_html")
    return d


def test_nhsa_article_matches_golden(corpus_dir):
    html = (corpus_dir / "nhsa" / "art_14_21766.html").read_bytes().decode("utf-8")
    page = parser.parse_article(html, NHSA_URL)
    assert _article_dict(page) == _golden("nhsa_art_14_21766.json", _article_dict(page))


def test_nhsa_article_fields(corpus_dir):
    html = (corpus_dir / "nhsa" / "art_14_21766.html").read_text(encoding="utf-8")
    page = parser.parse_article(html, NHSA_URL)
    assert page.title == "国家医保局印发《检验类医疗服务价格项目立项指南（试行）》"
    assert page.publish_date == "2026-08-14"  # PubDate, not Maketime
    assert page.meta["maketime"] == "2026-08-14 10:24:22"
    assert "中国医保，一生守护" not in page.body_text and "举报电话" not in page.body_text
    assert "中国医保" not in page.body_html and "ContentStart" not in page.body_html
    assert page.body_text.startswith("编制说明：")
    assert [a.name for a in page.attachments] == ["检验类医疗服务价格项目立项指南（试行）", "检验类医疗服务价格项目立项指南映射关系表"]
    assert all("downfile.jsp" in a.url and a.url.startswith("http://www.nhsa.gov.cn/") for a in page.attachments)


def test_registry_picks_hanweb_by_markers(corpus_dir):
    html = (corpus_dir / "nhsa" / "art_14_21766.html").read_text(encoding="utf-8")
    page = parse_article(html, "file:///tmp/x.html", sources=[])
    assert page.title.startswith("国家医保局印发")


def test_jiangsu_list_matches_golden(corpus_dir):
    html = (corpus_dir / "samples-hanweb" / "js_list.html").read_bytes().decode("utf-8")
    page = parser.parse_list(html, JS_URL)
    actual = {"total": page.total, "meta": page.meta, "entries": [asdict(e) for e in page.entries]}
    assert actual == _golden("js_list_col284.json", actual)


def test_jiangsu_list_shape(corpus_dir):
    html = (corpus_dir / "samples-hanweb" / "js_list.html").read_text(encoding="utf-8")
    page = parser.parse_list(html, JS_URL)
    assert len(page.entries) == 30 and page.total == 138  # the dataStore jpage call, not the 1000 placeholder
    assert page.meta["unitid"] == "423656" and page.meta["param"]["columnid"] == "284"
    first = page.entries[0]
    assert first.url == "http://fzggw.jiangsu.gov.cn/art/2026/8/28/art_284_11821965.html"
    assert first.title == "江苏省成品油价格调整公告（2026年第16号）" and first.publish_date == "2026-08-28"
    reqs = parser.deeper_pages(page, html, JS_URL, pages=10)
    assert [r.params["startrecord"] for r in reqs] == ["31", "61", "91", "121"]
    assert reqs[-1].params["endrecord"] == "138" and reqs[0].data["unitid"] == "423656"
    assert reqs[0].url == "http://fzggw.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp"


def test_nhsa_col104_four_span_record_keeps_index_no_out_of_dates():
    rec = ('<li><span>2026-02-00018</span><span><a href="/art/2026/2/3/art_104_19001.html" '
           'title="国家医保局办公室关于进一步做好定点医药机构相关工作的通知">国家医保局办公室关于进一步做好…</a></span>'
           '<span>医保办函〔2026〕52号</span><span>2026-02-03</span></li>')
    e = parse_record(rec, "https://www.nhsa.gov.cn/col/col104/index.html")
    assert e.index_no == "2026-02-00018" and e.publish_date == "2026-02-03"
    assert e.doc_number == "医保办函〔2026〕52号"
    assert e.title == "国家医保局办公室关于进一步做好定点医药机构相关工作的通知"  # from title=, not the cut text


def test_record_without_date_cell_does_not_take_index_no_as_date():
    rec = '<li><span>2026-04-00088</span><a href="/art/x.html" title="T">T</a></li>'
    e = parse_record(rec, "https://www.nhsa.gov.cn/")
    assert e.publish_date is None and e.index_no == "2026-04-00088"


def test_missing_container_raises_layout_drift():
    class Src:
        id = "nhsa"
    with pytest.raises(LayoutDriftError) as err:
        parser.parse_list("<html><body><div class='list'><ul><li>x</li></ul></div></body></html>", JS_URL, source=Src())
    assert err.value.site == "nhsa" and "datastore" in err.value.selector


def test_records_without_links_raise_layout_drift():
    html = '<div id="9"><script type="text/xml"><datastore><recordset><record><![CDATA[<li>no link</li>]]></record></recordset></datastore></script></div>'
    with pytest.raises(LayoutDriftError):
        parser.parse_list(html, JS_URL)


def test_article_without_zoom_raises_layout_drift():
    with pytest.raises(LayoutDriftError) as err:
        parser.parse_article('<html><head><meta name="ArticleTitle" content="T"></head><body><p>x</p></body></html>', NHSA_URL)
    assert err.value.selector == "div#zoom"


def test_dataproxy_response_and_js_object():
    xml = ('<?xml version="1.0"?><datastore><totalrecord>60</totalrecord><totalpage>4</totalpage><recordset>'
           '<record><![CDATA[<li><a title="甲" href="/art/2026/1/2/art_104_1.html">甲</a><span>2026-01-02</span></li>]]></record>'
           '</recordset></datastore>')
    page = parser.parse_list_response(xml, "https://www.nhsa.gov.cn/module/web/jpage/dataproxy.jsp")
    assert isinstance(page, ListPage) and page.total == 60 and page.entries[0].publish_date == "2026-01-02"
    assert parse_js_object("{col:1,appid:'1',path:'/',webname:'国家医疗保障局',unitid:'2464'}") == {
        "col": "1", "appid": "1", "path": "/", "webname": "国家医疗保障局", "unitid": "2464"}


def test_col104_article_fields_from_markers_and_table():
    html = """<html><head><meta name="ArticleTitle" content="关于X的通知"><meta name="PubDate" content="2026-07-17 09:00">
    </head><body><table><tr><td>索引号：</td><td>2026-07-00123</td><td>分类：</td><td>通知</td></tr>
    <tr><td>发布机构：</td><td>国家医疗保障局</td><td>成文日期：</td><td>2026-07-15</td></tr>
    <tr><td>发布日期：</td><td>2026-07-16</td><td>有效性：</td><td>有效</td></tr></table>
    <div><!--<$[标题]>begin-->关于X的通知<!--<$[标题]>end--></div><div><!--<$[引题]>begin-->医保办函〔2026〕52号<!--<$[引题]>end--></div>
    <div id="zoom"><!--ZJEG_RSS.content.begin--><p>各省医保局：</p><p>正文。</p><!--ZJEG_RSS.content.end--></div></body></html>"""
    page = parser.parse_article(html, "https://www.nhsa.gov.cn/art/2026/7/17/art_104_21472.html")
    assert page.doc_number == "医保办函〔2026〕52号" and page.index_no == "2026-07-00123"
    assert page.publish_date == "2026-07-16" and page.written_date == "2026-07-15"
    assert page.issuer == "国家医疗保障局" and page.validity == "有效"
    assert page.body_text == "各省医保局：\n正文。"
