"""The IM webhook dev server, driven with raw HTTP and the reference signing recipes."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

import httpx
import pytest

from yibao.devservers.im import ImServer

SECRET = "SECabcdef"


def ding_url(webhook: str, secret: str, ts_ms: int | None = None) -> str:
    ts = str(ts_ms or round(time.time() * 1000))
    mac = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return f"{webhook}&timestamp={ts}&sign={urllib.parse.quote_plus(base64.b64encode(mac))}"


def feishu_sign(secret: str, ts_s: int | None = None) -> tuple[str, str]:
    ts = str(ts_s or int(time.time()))
    return ts, base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


@pytest.fixture(scope="module")
def server():
    with ImServer(window_s=0.5, throttle_s=1.0) as srv:
        yield srv


def post(url: str, body) -> dict:
    r = httpx.post(url, json=body, timeout=5)
    assert r.status_code == 200
    return r.json()


MD = {"msgtype": "markdown", "markdown": {"title": "t", "text": "医保 内容"}}


def test_dingtalk_sign_and_keyword(server):
    url = server.add_robot("dingtalk", "d1", secret=SECRET, keyword="医保")
    assert post(ding_url(url, SECRET), MD)["errcode"] == 0
    assert post(url, MD)["errcode"] == 310000                                  # unsigned
    assert post(ding_url(url, "SECother"), MD)["errcode"] == 310000            # wrong secret
    stale = ding_url(url, SECRET, round((time.time() - 7200) * 1000))
    assert post(stale, MD)["errcode"] == 310000                                # 2 h old
    no_kw = {"msgtype": "markdown", "markdown": {"title": "t", "text": "内容"}}
    assert post(ding_url(url, SECRET), no_kw)["errmsg"].startswith("keywords not in content")
    assert post(server.url_for("dingtalk", "nope"), MD)["errcode"] == 300001
    assert post(ding_url(url, SECRET), {"msgtype": "markdown", "markdown": {"title": "t"}})["errcode"] == 40035


def test_feishu_sign_in_body(server):
    url = server.add_robot("feishu", "f1", secret=SECRET)
    ts, sign = feishu_sign(SECRET)
    card = {"msg_type": "interactive", "card": {"elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "x"}}]}}
    assert post(url, {"timestamp": ts, "sign": sign, **card})["code"] == 0
    # DingTalk-style signing (secret as key, string as message) is the classic bug: refused
    wrong = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert post(url, {"timestamp": ts, "sign": wrong, **card})["code"] == 19021
    assert post(url, {"timestamp": ts, "sign": sign})["code"] == 19002
    big = {"msg_type": "text", "content": {"text": "长" * 8000}, "timestamp": ts, "sign": sign}
    assert post(url, big)["code"] == 9499


def test_wecom_limits(server):
    url = server.add_robot("wecom", "w1")
    assert post(url, {"msgtype": "markdown", "markdown": {"content": "中" * 1365}})["errcode"] == 0
    assert post(url, {"msgtype": "markdown", "markdown": {"content": "中" * 1366}})["errcode"] == 40058
    assert post(url, {"msgtype": "text", "text": {"content": "a" * 2049}})["errcode"] == 40058
    assert post(server.url_for("wecom", "nope"), {"msgtype": "text", "text": {"content": "a"}})["errcode"] == 93000


def test_rate_window_and_dingtalk_throttle(server):
    w = server.add_robot("wecom", "w-rate", per_minute=2)
    d = server.add_robot("dingtalk", "d-rate", per_minute=2)
    body = {"msgtype": "text", "text": {"content": "x"}}
    assert [post(w, body)["errcode"] for _ in range(3)] == [0, 0, 45009]
    assert [post(d, MD)["errcode"] for _ in range(3)] == [0, 0, 130101]
    time.sleep(0.6)                      # the (short) window has passed
    assert post(w, body)["errcode"] == 0
    assert post(d, MD)["errcode"] == 130101   # DingTalk is still throttled
    time.sleep(0.5)
    assert post(d, MD)["errcode"] == 0


def test_fail_next_and_log(server):
    url = server.add_robot("wecom", "w-fail")
    server.fail_next("w-fail", 2, http_status=502)
    codes = [httpx.post(url, json={"msgtype": "text", "text": {"content": "x"}}).status_code for _ in range(3)]
    assert codes == [502, 502, 200]
    log = [r for r in server.received if r.key == "w-fail"]
    assert [r.http_status for r in log] == [502, 502, 200] and [r.accepted for r in log] == [False, False, True]
