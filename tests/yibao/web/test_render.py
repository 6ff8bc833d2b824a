"""Server-side lesson Markdown: raw HTML off, only safe URLs, attribute values escaped."""
import re

import pytest

from yibao.web.render import render_markdown, safe_url


@pytest.mark.parametrize("url", ["https://www.nhsa.gov.cn/a.html", "http://x", "mailto:a@b.cn", "/yibao/l/x", "#top"])
def test_safe_urls_pass(url):
    assert safe_url(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:x", "java\tscript:x", "data:text/html,x",
                                 "vbscript:x", "//evil.example/x"])
def test_unsafe_urls_are_refused(url):
    assert not safe_url(url)


def test_hostile_markdown_renders_inert():
    html = render_markdown('[a](https://x/"onmouseover="alert(1)) <script>alert(2)</script> '
                           '<img src=x onerror=alert(3)> [b](javascript:alert(4))\n\n| 条款 | 变化 |\n|---|---|\n| 第三条 | 新增 |\n')
    assert not re.search(r"<(script|img)\b", html) and not re.search(r"<[^>]+\son\w+=", html)
    assert "&lt;script&gt;" in html and "<table>" in html and 'href="javascript' not in html
