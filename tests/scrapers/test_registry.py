"""Parser registry: lookup, family detection by configured host and by page markers."""
from __future__ import annotations

import pytest

from scrapers.config import parse_sources
from scrapers.registry import UnknownFamily, family_for, families, get_parser


def test_hanweb_is_registered():
    assert "hanweb" in families() and get_parser("hanweb").family == "hanweb"
    with pytest.raises(UnknownFamily):
        get_parser("nope")


def test_family_by_configured_host_then_markers():
    srcs = parse_sources({"sources": [{"id": "js_ybj", "family": "hanweb", "base_url": "https://ybj.jiangsu.gov.cn",
                                       "columns": [{"id": "1", "path": "/col/col1/index.html"}]}]})
    assert family_for("<html></html>", "https://ybj.jiangsu.gov.cn/art/2026/1/1/art_1_2.html", srcs) == "hanweb"
    assert family_for("<!--ZJEG_RSS.content.begin--><!--ZJEG_RSS.content.end-->", "file:///x.html", []) == "hanweb"
