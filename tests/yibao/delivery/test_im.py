"""IM robots against the local webhook server (real HTTP, real signature checks)."""
from __future__ import annotations

import httpx
import pytest

from yibao.delivery.im import ImMessage, ImTarget, send_im, send_im_with_retry, split_by_bytes
from yibao.delivery.im.base import utf8_len, with_token
from yibao.delivery.ratelimit import RobotLimiter
from yibao.devservers.im import ImServer

SECRET = "SEC0123456789abcdef"
MSG = ImMessage("d-1", "2025年医保药品目录调整解读", "**适用对象**：临床医生、药师\n**截止**：2025-12-16",
                "https://yibao.example.cn/l/read?t=abc")


@pytest.fixture(scope="module")
def server():
    with ImServer(window_s=60.0, throttle_s=600.0) as srv:
        yield srv


@pytest.fixture(scope="module")
def http():
    with httpx.Client() as client:
        yield client


@pytest.fixture()
def limiter():
    return RobotLimiter(per_minute=1000)     # the server's limits are what these tests exercise


def target(server, platform, key, *, secret=None, keyword=None, per_minute=20, register=True,
           client_secret=None, client_keyword=None):
    if register:
        server.add_robot(platform, key, secret=secret, keyword=keyword, per_minute=per_minute)
    return ImTarget(platform, server.url_for(platform, key), secret=client_secret or secret,
                    keyword=client_keyword if client_keyword is not None else keyword)


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "feishu"])
def test_success_plain_robot(server, http, limiter, platform):
    t = target(server, platform, f"ok-{platform}")
    r = send_im(t, MSG, limiter=limiter, session=http)
    assert r.ok and r.code == 0 and r.parts_sent == 1
    body = server.accepted(f"ok-{platform}")[-1].body
    assert "临床医生" in str(body) and MSG.url in str(body)


def test_wecom_links_the_page_once_when_the_digest_already_links_it(server, http, limiter):
    t = target(server, "wecom", "once")
    linked = ImMessage("d-2", MSG.title, f"- [学习]({MSG.url})", MSG.url)
    assert send_im(t, linked, limiter=limiter, session=http).ok
    assert send_im(t, MSG, limiter=limiter, session=http).ok       # the text has no link: 查看详情 adds it
    first, second = (str(r.body) for r in server.accepted("once")[-2:])
    assert first.count(MSG.url) == 1 and "查看详情" not in first
    assert second.count(MSG.url) == 1 and "查看详情" in second


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "feishu"])
@pytest.mark.parametrize("opening", ["### {t}", "**{t}**", "（补发，如已收到请忽略）\n### {t}"])
def test_a_title_the_text_opens_with_is_shown_once(server, http, limiter, platform, opening):
    """Found by a probe: group posts said `### 【医保培训】2项…` twice (the platform's heading and the text's)."""
    title = "【医保培训】2项政策变化待学习"
    text = opening.format(t=title) + "\n- 门诊慢特病新规｜截止 **12月16日**"
    shown = title + "（补发）" if opening.startswith("（补发") else title
    t = target(server, platform, f"title-{platform}-{len(opening)}")
    assert send_im(t, ImMessage("d-3", shown, text, None), limiter=limiter, session=http).ok
    body = server.accepted(f"title-{platform}-{len(opening)}")[-1].body
    shown_text = {"wecom": lambda b: b["markdown"]["content"],          # what people read in the chat
                  "dingtalk": lambda b: b["markdown"]["text"],           # (its `title` is the notification)
                  "feishu": lambda b: b["card"]["header"]["title"]["content"] + str(b["card"]["elements"])}
    text_shown = shown_text[platform](body)
    assert text_shown.count(title) == 1 and "门诊慢特病新规" in text_shown


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_signed_robot_and_signature_failure(server, http, limiter, platform):
    good = target(server, platform, f"sig-{platform}", secret=SECRET)
    assert send_im(good, MSG, limiter=limiter, session=http).ok
    bad = target(server, platform, f"sig-{platform}", secret=SECRET, register=False, client_secret="SECwrong")
    r = send_im(bad, MSG, limiter=limiter, session=http)
    assert not r.ok and r.permanent and r.code == {"dingtalk": 310000, "feishu": 19021}[platform]
    unsigned = ImTarget(platform, server.url_for(platform, f"sig-{platform}"))
    assert send_im(unsigned, MSG, limiter=limiter, session=http).permanent


def test_dingtalk_stale_timestamp_rejected(server, http, limiter):
    t = target(server, "dingtalk", "stale", secret=SECRET)
    r = send_im(t, MSG, limiter=limiter, session=http, wall_clock=lambda: 1_000_000_000.0)
    assert r.permanent and r.code == 310000


@pytest.mark.parametrize("platform,code", [("dingtalk", 310000), ("feishu", 19024)])
def test_keyword(server, http, limiter, platform, code):
    # configured on both sides: the sender adds the keyword, the robot accepts
    t = target(server, platform, f"kw-{platform}", keyword="培训通知")
    assert send_im(t, MSG, limiter=limiter, session=http).ok
    assert "培训通知" in str(server.accepted(f"kw-{platform}")[-1].body)
    # the sender does not know the keyword: the robot refuses, permanently
    t2 = target(server, platform, f"kw-{platform}", register=False, client_keyword="")
    r = send_im(t2, MSG, limiter=limiter, session=http)
    assert not r.ok and r.permanent and r.code == code


@pytest.mark.parametrize("platform,code", [("wecom", 93000), ("dingtalk", 300001), ("feishu", 19001)])
def test_bad_key_is_permanent(server, http, limiter, platform, code):
    t = target(server, platform, "no-such-robot", register=False)
    r = send_im(t, MSG, limiter=limiter, session=http)
    assert not r.ok and r.permanent and r.code == code and r.retry_after_s is None


@pytest.mark.parametrize("platform,code", [("wecom", 45009), ("dingtalk", 130101), ("feishu", 11232)])
def test_rate_limit_gives_retry_after(server, http, limiter, platform, code):
    t = target(server, platform, f"rate-{platform}", per_minute=3)
    results = [send_im(t, ImMessage(f"r{i}", "标题", "内容"), limiter=limiter, session=http) for i in range(4)]
    assert [r.ok for r in results] == [True, True, True, False]
    last = results[-1]
    assert not last.permanent and last.code == code and last.retry_after_s and last.retry_after_s > 0
    if platform == "dingtalk":
        assert last.retry_after_s >= 600   # the robot is throttled for 10 minutes


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "feishu"])
def test_http_500_is_retryable_then_succeeds(server, http, limiter, platform):
    t = target(server, platform, f"flaky-{platform}")
    server.fail_next(f"flaky-{platform}", 2, http_status=500)
    r = send_im(t, MSG, limiter=limiter, session=http)
    assert not r.ok and not r.permanent and "500" in r.error
    waits: list[float] = []
    r = send_im_with_retry(t, MSG, limiter=limiter, session=http, sleep=waits.append, backoff_s=0.01)
    assert r.ok and len(waits) == 1
    assert len(server.accepted(f"flaky-{platform}")) == 1


def test_wecom_long_markdown_split_within_4096_bytes(server, http, limiter):
    t = target(server, "wecom", "long")
    text = "\n".join(f"第{i}条：参保人员在定点医疗机构发生的符合规定的医疗费用按规定结算。" for i in range(300))
    r = send_im(t, ImMessage("long-1", "长课程", text, "https://x.example.cn/r"), limiter=limiter, session=http)
    assert r.ok and r.parts_total > 1 and r.parts_sent == r.parts_total
    contents = [x.body["markdown"]["content"] for x in server.accepted("long")]
    assert len(contents) == r.parts_total
    assert all(utf8_len(c) <= 4096 for c in contents)
    assert all(c.startswith("（续）") for c in contents[1:])
    joined = "\n".join(c.removeprefix("（续）\n") for c in contents)
    assert all(f"第{i}条" in joined for i in range(300))


def test_split_resumes_after_failed_part(server, http, limiter):
    t = target(server, "wecom", "resume")
    text = "\n".join("段落" * 300 for _ in range(12))
    message = ImMessage("res-1", "续传", text)
    # let the first part through, then fail the second
    first = send_im(t, message, limiter=limiter, session=http)
    server.reset()
    server.fail_next("resume", 1)
    r = send_im(t, message, limiter=limiter, session=http, start_part=1)
    assert not r.ok and r.parts_sent == 1
    r2 = send_im(t, message, limiter=limiter, session=http, start_part=r.parts_sent)
    assert r2.ok and len(server.accepted("resume")) == first.parts_total - 1


def test_split_by_bytes_edges():
    assert split_by_bytes("a\nb", 100) == ["a\nb"]
    pieces = split_by_bytes("中" * 5000, 4000)
    assert all(utf8_len(p) <= 4000 for p in pieces) and "".join(pieces) == "中" * 5000


def test_targets_hide_secrets():
    t = ImTarget("wecom", with_token("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "KEY123"))
    assert "KEY123" not in repr(t) and "KEY123" in t.webhook_url
    f = ImTarget("feishu", with_token("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook", "TOK9"), secret="s")
    assert "TOK9" not in repr(f) and "TOK9" not in f.limiter_key
