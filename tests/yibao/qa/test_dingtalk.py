"""The DingTalk outgoing-robot signature (HMAC-SHA256 of "timestamp\\nappSecret", base64) and reply."""
import base64
import hashlib
import hmac
import re

import pytest

from yibao.qa.answer import Answer, Citation
from yibao.qa.dingtalk import (MAX_BODY_BYTES, MAX_SKEW_MS, SIGN_ERROR, BadCallback, CallbackRefused, check_length,
                                parse, plain, question_of, reply, sign, verify)

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
    assert question_of(" @医保助手  跨省就医要先备案吗 ") == "跨省就医要先备案吗"
    c = Citation(document="某办法", doc_number="医保发〔2026〕1号", clause="第八条", text="应当先备案。",
                 url="https://example.gov.cn/a.html", in_force=False, status="已废止或被替代",
                 successor={"title": "新办法", "url": "https://example.gov.cn/b.html"})
    msg = reply(Answer("跨省就医要先备案吗", "依据以下条款：…", [c]), "staff-1")
    text = msg["markdown"]["text"]
    assert msg["msgtype"] == "markdown" and "第八条" in text and "已废止或被替代" in text and "新办法" in text
    assert msg["at"] == {"atUserIds": ["staff-1"], "isAtAll": False}
    assert "没有找到依据" in reply(Answer("x", "没有找到依据", []))["markdown"]["text"]


@pytest.mark.parametrize("raw", [b"[]", b'"hi"', b"null", b'{"text":"x"}', b'{"text":{"content":123}}',
                                 b'{"text":{"content":"x"},"senderStaffId":["a"]}', b"not json"])
def test_a_body_that_is_not_a_dingtalk_message_is_a_400(raw):
    with pytest.raises(BadCallback) as info:
        parse(raw)
    assert info.value.status == 400 and info.value.body["errcode"] == 400 and info.value.body["errmsg"]


def test_parse_gives_the_question_and_sender():
    assert parse(b'{"text":{"content":"@bot  \u95ee\u9898 "},"senderStaffId":"staff-1"}') == ("问题", "staff-1")
    assert parse(b'{"msgtype":"picture"}') == ("", None)


def test_a_body_over_the_cap_is_a_413_by_header_or_by_bytes_read():
    check_length(str(MAX_BODY_BYTES))
    check_length(None)
    for refuse in (lambda: check_length(str(MAX_BODY_BYTES + 1)), lambda: parse(b" " * (MAX_BODY_BYTES + 1))):
        with pytest.raises(BadCallback) as info:
            refuse()
        assert info.value.status == 413 and info.value.body["errcode"] == 413
    with pytest.raises(BadCallback) as info:
        check_length("lots")
    assert info.value.status == 400


def test_reply_mentions_the_sender_in_the_text():
    msg = reply(Answer("跨省就医要先备案吗", "没有找到依据", []), "staff-1")
    assert "@staff-1" in msg["markdown"]["text"] and msg["at"]["atUserIds"] == ["staff-1"]
    assert "at" not in reply(Answer("x", "没有找到依据", []))
    odd = reply(Answer("x", "没有找到依据", []), "a](http://evil.example)")   # not a userid: not @-mentioned
    assert "at" not in odd and "evil" not in odd["markdown"]["text"]


LIVE = re.compile(r"!?\[[^\]]*\]\([^)]*\)|https?://|www\.|<")


def test_the_question_and_quotes_are_plain_text_never_live_links_or_images():
    question = "[点此领取](http://evil.example) ![x](http://evil/t.png) <img src=x> www.evil.example **粗**"
    c = Citation(document="办法[1](http://evil/d)", doc_number=None, clause="第一条", url="https://example.gov.cn/a.html",
                 text="见 ![图](http://evil/q.png)\n# 标题\n> 引用", in_force=True)
    for answer in (Answer(question, "没有找到依据", []), Answer(question, "依据以下条款：…", [c]),
                   Answer(question, "答 [看这里](http://evil/a)", [c], synthesised=True)):
        text = reply(answer, "staff-1")["markdown"]["text"]
        ours = "\n".join(l for l in text.split("\n") if not l.startswith("> [原文]"))
        assert not LIVE.search(ours), ours
        assert "**" not in ours.replace("**问：**", "").replace("**答：**", "")
        assert all(not l.startswith(("#", "> #", "> >")) for l in text.split("\n"))
    assert plain("[点此领取](http://evil.example)") == "［点此领取］（http：//evil.example）"
    assert plain("门诊慢特病 认定有效期 3年，报销 50%") == "门诊慢特病 认定有效期 3年，报销 50%"
