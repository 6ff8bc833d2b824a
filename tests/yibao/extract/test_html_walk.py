"""Every HTML text walker is iterative: pages nested thousands of levels deep read without RecursionError."""
from __future__ import annotations

import lxml.html
from bs4 import BeautifulSoup

from yibao.extract.html import html_to_text, parse_generic
from yibao.testing.hostile import deep_html

LEVELS = 3000


def test_generic_reader_and_html_to_text():
    page = parse_generic(deep_html(LEVELS), "https://example.gov.cn/a.html")
    lines = page.body_text.splitlines()
    assert lines[0] == "第1条 内容1。" and lines[-1] == f"第{LEVELS}条 内容{LEVELS}。" and len(lines) == LEVELS


def test_inline_runs_stay_on_one_line():
    assert html_to_text("<p>川医保<span>规</span>〔<span>2026</span>〕<b>3</b>号</p><p>二</p>") == "川医保规〔2026〕3号\n二"


def test_scraper_lxml_element_text():
    from scrapers.base import element_text

    levels = 2000  # libxml2 itself stops nesting near 2,048 levels; Python's recursion limit is 1,000
    root = lxml.html.fromstring(deep_html(levels), parser=lxml.html.HTMLParser(huge_tree=True))
    lines = element_text(root.body).splitlines()
    assert lines[0] == "第1条 内容1。" and lines[-1] == f"第{levels}条 内容{levels}。"


def test_scraper_lxml_element_text_keeps_tails_and_cells():
    from scrapers.base import element_text

    root = lxml.html.fromstring("<div><p>甲<b>乙</b>丙</p>丁<table><tr><td>A</td><td>B</td></tr></table>"
                                "<script>x()</script>戊</div>")
    assert element_text(root).splitlines() == ["甲乙丙", "丁", "A B", "戊"]


def test_provincial_element_text():
    from scrapers._provincial import element_text

    soup = BeautifulSoup(deep_html(LEVELS), "lxml")
    lines = element_text(soup.body).splitlines()
    assert lines[0] == "第1条 内容1。" and lines[-1] == f"第{LEVELS}条 内容{LEVELS}。"
    cells = BeautifulSoup("<div><p>甲<br>乙</p><table><tr><td>A</td><td>B</td></tr></table></div>", "lxml")
    assert element_text(cells.div).splitlines() == ["甲", "乙", "A B"]
