"""Shared text helpers of the parsers: page furniture is not content."""
from __future__ import annotations

from scrapers.base import strip_furniture


def test_furniture_is_dropped_and_content_kept():
    body = "\n".join([
        "一、各地要确保12月底前全国统一切换上线。",
        "浏览次数：1234", "日期：2026-12-01 访问量：56 次", "分享到：微信 微博 QQ空间", "扫一扫在手机打开当前页",
        "【打印】【关闭】", "字号：大 中 小",
        "中国医保，一生守护！维护医保基金安全，人人有责！打击欺诈骗保举报电话：010-89061396",
        "二、请阅读：附件1。点击数据上报系统完成填报。",
    ])
    assert strip_furniture(body) == "\n".join([
        "一、各地要确保12月底前全国统一切换上线。", "日期：2026-12-01", "二、请阅读：附件1。点击数据上报系统完成填报。"])


def test_counter_value_changes_do_not_change_the_text():
    assert strip_furniture("正文\n阅读次数：1") == strip_furniture("正文\n阅读次数：99") == "正文"
