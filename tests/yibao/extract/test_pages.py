"""Metadata of the real article pages in the corpus (site parser or generic fallback)."""
import pytest

from yibao.cli.extract_cmd import build_report, load_target
from yibao.extract.html import html_to_text, parse_generic

SC = "SC/DOC-SC-MEDICAL-TRANSFER-2026/original.html"
SMPAA = "smpaa/smpaa_2026-08-13_ivd_jicai_notice.html"
NHSA = "nhsa/art_14_21766.html"


def _report(corpus_dir, rel):
    report, text, code = build_report(load_target(str(corpus_dir / rel)))
    assert code == 0
    return report


def test_sc_page(corpus_dir):
    r = _report(corpus_dir, SC)
    assert r["title"] == "四川省医疗保障局关于印发《四川省基本医疗保险医用耗材目录》的通知"
    assert r["doc_number"] == "川医保规〔2026〕3号"
    assert r["issuer"] == "四川省医疗保障局"
    assert r["written_date"] == "2026-05-22" and r["publish_date"] == "2026-05-22"
    assert r["effective_date"] == "2026-08-01" and r["effective_basis"] is None
    assert (r["expiry_years"], r["expiry"]) == (5, "2031-07-31")
    assert r["attachments"] == ["四川省基本医疗保险医用耗材目录"]
    assert r["repeals"] == []


def test_smpaa_page(corpus_dir):
    r = _report(corpus_dir, SMPAA)
    assert r["title"].startswith("关于本市执行省际联盟结构心脏病封堵器") and r["title"].endswith("中选结果的通知")
    assert r["doc_number"] == "沪药事药械〔2026〕4号"
    assert r["publish_date"] == "2026-08-13" and r["written_date"] == "2026-08-13"
    assert r["effective_date"] == "2026-08-25"
    assert r["issuer"] == "上海市医药集中招标采购事务管理所"
    assert r["repeals"] == []


def test_nhsa_page(corpus_dir):
    r = _report(corpus_dir, NHSA)
    assert r["title"] == "国家医保局印发《检验类医疗服务价格项目立项指南（试行）》"
    assert r["publish_date"] == "2026-08-14"
    assert r["attachments"] == ["检验类医疗服务价格项目立项指南（试行）", "检验类医疗服务价格项目立项指南映射关系表"]
    assert len(r["page_attachments"]) == 2 and all(".xlsx" in a["url"] for a in r["page_attachments"])
    assert r["doc_number"] is None and r["effective_date"] is None


@pytest.mark.parametrize("rel, title_start, publish, doc_number", [
    (SC, "川医保规〔2026〕3号", "2026-05-22", "川医保规〔2026〕3号"),     # info table beats <meta PubDate>
    (SMPAA, "关于本市执行", "2026-08-13", "沪药事药械〔2026〕4号"),      # <h1> title and number
    (NHSA, "国家医保局印发", "2026-08-14", None),
])
def test_generic_fallback_reader(corpus_dir, rel, title_start, publish, doc_number):
    page = parse_generic((corpus_dir / rel).read_text("utf-8"), None)
    assert page.title.startswith(title_start)
    assert page.publish_date == publish and page.doc_number == doc_number
    assert page.body_text


def test_inline_spans_do_not_break_lines():
    html = "<div id='zoom'><p>川医保<span>规</span>〔<span>20</span>2<span>6</span>〕3号</p><p>第二段</p></div>"
    assert html_to_text(html) == "川医保规〔2026〕3号\n第二段"
