"""The DingTalk outgoing-robot signature (HMAC-SHA256 of "timestamp\\nappSecret", base64) and reply."""
import base64
import hashlib
import hmac

import pytest

from yibao.qa.answer import Answer, Citation
from yibao.qa.dingtalk import MAX_SKEW_MS, SIGN_ERROR, CallbackRefused, question_of, reply, sign, verify

SECRET = "SECabc123"
NOW = 1_765_000_000_000


def test_sign_matches_the_platform_scheme():
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{NOW}\n{SECRET}".encode(), hashlib.sha256).digest())
    assert sign(str(NOW), SECRET) == expected.decode()
    verify(str(NOW), sign(str(NOW), SECRET), SECRET, now_ms=NOW)


@pytest.mark.parametrize("ts, signature", [
    (str(NOW), "bm90IGEgc2lnbg=="),                                  # wrong signature
    (str(NOW - MAX_SKEW_MS - 1), None),                              # stale (signed correctly below)
    ("abc", "x"), (None, None),
])
def test_bad_or_stale_calls_are_refused_with_310000(ts, signature):
    if signature is None and ts:
        signature = sign(ts, SECRET)
    with pytest.raises(CallbackRefused) as info:
        verify(ts, signature, SECRET, now_ms=NOW)
    assert info.value.body["errcode"] == SIGN_ERROR


def test_question_drops_the_mention_and_reply_cites():
    assert question_of({"text": {"content": " @医保助手  跨省就医要先备案吗 "}}) == "跨省就医要先备案吗"
    c = Citation(document="某办法", doc_number="医保发〔2026〕1号", clause="第八条", text="应当先备案。",
                 url="https://example.gov.cn/a.html", in_force=False, status="已废止或被替代",
                 successor={"title": "新办法", "url": "https://example.gov.cn/b.html"})
    msg = reply(Answer("跨省就医要先备案吗", "依据以下条款：…", [c]), "staff-1")
    text = msg["markdown"]["text"]
    assert msg["msgtype"] == "markdown" and "第八条" in text and "已废止或被替代" in text and "新办法" in text
    assert msg["at"] == {"atUserIds": ["staff-1"], "isAtAll": False}
    assert "没有找到依据" in reply(Answer("x", "没有找到依据", []))["markdown"]["text"]
