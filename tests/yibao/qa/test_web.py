"""The DingTalk robot callback route of the 政策问答 web app, called in-process (no login, its own signature):
a signed body that is not a DingTalk message is a 400 and one over the cap a 413, both DingTalk-style
JSON; a good one is answered with the asker @-mentioned and the question shown as plain text."""
import base64
import hashlib
import hmac
import time

import pytest

from yibao.review import testenv

testenv.configure()   # before anything imports Airflow
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from yibao.qa import web  # noqa: E402
from yibao.qa.answer import NO_BASIS, Answer  # noqa: E402
from yibao.qa.dingtalk import MAX_BODY_BYTES, SIGN_ERROR  # noqa: E402

SECRET = "SECweb-test-secret"
URL = "/qa/im/dingtalk"


def _headers(secret: str = SECRET, ts_ms: int | None = None) -> dict:
    ts = str(ts_ms if ts_ms is not None else int(time.time() * 1000))
    mac = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return {"timestamp": ts, "sign": base64.b64encode(mac).decode(), "content-type": "application/json"}


@pytest.fixture()
def client(monkeypatch):
    monkeypatch.setenv("YIBAO_DINGTALK_APP_SECRET", SECRET)
    asked = []
    monkeypatch.setattr(web, "ask", lambda q: asked.append(q) or Answer(q, NO_BASIS, []))
    app = FastAPI()
    app.include_router(web.create_router())
    with TestClient(app, raise_server_exceptions=False) as c:
        c.asked = asked
        yield c


@pytest.mark.parametrize("raw", ["[]", '"hi"', "null", '{"text":"x"}', '{"text":{"content":123}}', "{not json"])
def test_a_signed_body_that_is_not_a_dingtalk_message_is_a_400_not_a_500(client, raw):
    r = client.post(URL, content=raw.encode(), headers=_headers())
    assert r.status_code == 400, r.text
    assert r.json()["errcode"] == 400 and r.json()["errmsg"] and not client.asked


def test_a_body_over_the_cap_is_a_413_before_it_is_parsed(client):
    big = b'{"text":{"content":"' + b"x" * (6 * 1024 * 1024) + b'"}}'
    r = client.post(URL, content=big, headers=_headers())
    assert r.status_code == 413 and r.json()["errcode"] == 413
    # no (or a lying) Content-Length: the bytes actually read count
    def chunks():
        yield b'{"text":{"content":"'
        for _ in range(4):
            yield b"x" * MAX_BODY_BYTES
        yield b'"}}'
    r = client.post(URL, content=chunks(), headers=_headers())
    assert r.status_code == 413 and r.json()["errcode"] == 413 and not client.asked


def test_signed_question_is_answered_mentioning_the_asker_with_the_question_as_plain_text(client):
    body = {"msgtype": "text", "senderStaffId": "staff-7",
            "text": {"content": "@医保小助手 [点此领取](http://evil.example) ![x](http://evil/t.png) 要备案吗"}}
    r = client.post(URL, json=body, headers=_headers())
    assert r.status_code == 200, r.text
    msg = r.json()
    text = msg["markdown"]["text"]
    assert msg["at"]["atUserIds"] == ["staff-7"] and "@staff-7" in text
    assert "](" not in text and "http://" not in text and "要备案吗" in text
    assert client.asked == ["[点此领取](http://evil.example) ![x](http://evil/t.png) 要备案吗"]


def test_signature_is_still_required_and_a_stale_one_refused(client):
    body = {"text": {"content": "要备案吗"}}
    for headers in (_headers("SECwrong"), _headers(ts_ms=int(time.time() * 1000) - 2 * 3600 * 1000), {}):
        r = client.post(URL, json=body, headers=headers)
        assert r.status_code == 403 and r.json()["errcode"] == SIGN_ERROR
    assert client.post(URL, json={}, headers=_headers()).json()["msgtype"] == "text"   # no question: the hint
