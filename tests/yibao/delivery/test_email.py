"""Email building and sending against a real aiosmtpd server (plain, STARTTLS, implicit TLS)."""
from __future__ import annotations

import email
import email.policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yibao.delivery.email import (InvalidOutgoingEmail, OutgoingEmail, SmtpSettings, build_message,
                                  message_bytes, send_batch_sync)
from yibao.delivery.tokens import sign_link, verify_token
from yibao.devservers.smtp import CaptureSmtpServer

SENDER = "bot@yibao.example.cn"
AUTH = (SENDER, "s3cret-授权码")
SECRET = b"test-link-secret"
SUBJECT = "【医保办】关于做好2025年国家医保药品目录执行工作的通知——临床医生解读课程"


def mail(i: int, **kw) -> OutgoingEmail:
    args = dict(delivery_id=f"d{i}", to_addr=f"user{i}@hospital.example.cn", to_name=f"张医生{i}",
                subject=SUBJECT, text=f"张医生{i}，您好：\n请于12月16日前完成学习。",
                html=f"<p>张医生{i}，您好：</p><p>请于<b>12月16日</b>前完成学习。</p>",
                unsubscribe_url=sign_link("https://yibao.example.cn", "unsubscribe", f"d{i}",
                                          secret=SECRET, ttl_s=86400 * 30), headers={"X-Yibao-Lesson": "L7"})
    args.update(kw)
    return OutgoingEmail(**args)


def settings_for(server: CaptureSmtpServer, **kw) -> SmtpSettings:
    base = dict(host="127.0.0.1", port=server.port, security=server.security, from_addr=SENDER,
                username=AUTH[0], password=AUTH[1], timeout_s=5,
                ca_file=str(server.cert_file) if server.cert_file else None)
    base.update(kw)
    return SmtpSettings(**base)


@pytest.fixture(scope="module", params=["plain", "starttls", "tls"])
def server(request):
    with CaptureSmtpServer(security=request.param, auth=AUTH) as srv:
        yield srv


def test_send_each_security_mode_with_auth(server):
    server.reset()
    results = send_batch_sync([mail(i) for i in range(5)], settings_for(server, concurrency=2))
    assert sorted(r.delivery_id for r in results if r.ok) == [f"d{i}" for i in range(5)]
    got = {m.message_id: m for m in server.messages}
    assert set(got) == {f"<yibao.d{i}@yibao.example.cn>" for i in range(5)}
    msg = got["<yibao.d3@yibao.example.cn>"].message
    assert msg["Subject"] == SUBJECT
    assert str(msg["To"]) == "张医生3 <user3@hospital.example.cn>"
    assert "=?utf-8?" in got["<yibao.d3@yibao.example.cn>"].raw.split(b"\n", 1)[0].decode("ascii")
    assert msg.get_body(("plain",)).get_content().startswith("张医生3，您好")
    assert "<b>12月16日</b>" in msg.get_body(("html",)).get_content()


def test_wrong_password_is_reported_not_sent(server):
    server.reset()
    results = send_batch_sync([mail(i) for i in range(3)], settings_for(server, password="wrong"))
    assert len(results) == 3 and not any(r.ok for r in results)
    assert not any(r.permanent for r in results)
    assert {r.stage for r in results} <= {"auth", "skipped"}
    assert server.accepted_count == 0


def test_message_structure_and_unsubscribe_link():
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    msg = build_message(mail(1), s)
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["Message-ID"] == "<yibao.d1@yibao.example.cn>"
    assert parsed["Date"]
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsub = str(parsed["List-Unsubscribe"])
    assert unsub.startswith("<https://yibao.example.cn/u/") and "=?" not in unsub
    claims = verify_token(unsub.strip("<>").rsplit("/", 1)[1], secret=SECRET)
    assert (claims.action, claims.delivery_id) == ("unsubscribe", "d1")


def test_message_id_is_stable_across_builds():
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    assert build_message(mail(9), s)["Message-ID"] == build_message(mail(9), s)["Message-ID"]


def test_fast_bytes_equal_reference_message():
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    m = mail(2, html="<p>" + "很长的一段正文" * 400 + "</p>", text="第一行\r\n第二行")
    ref = email.message_from_bytes(build_message(m, s).as_bytes(), policy=email.policy.default)
    fast = email.message_from_bytes(message_bytes(m, s), policy=email.policy.default)
    skip = {"Content-Type", "Date"}   # boundary and clock differ
    assert [(k, str(v)) for k, v in ref.items() if k not in skip] == \
        [(k, str(v)) for k, v in fast.items() if k not in skip]
    assert [p.get_content() for p in ref.iter_parts()] == [p.get_content() for p in fast.iter_parts()]
    assert [dict(p.items()) for p in ref.iter_parts()] == [dict(p.items()) for p in fast.iter_parts()]


@pytest.mark.parametrize("bad", [
    dict(to_addr="no-at-sign"), dict(to_addr="a@b.cn\r\nBcc: x@y"), dict(subject="注入\r\nBcc: x@y"),
    dict(delivery_id="has space"), dict(unsubscribe_url="https://x/退订"),
    dict(to_addr="用户@医院.cn"), dict(to_addr="a\t@b.cn"), dict(to_addr="a@b.cn\x00"), dict(to_addr="a@b..cn"),
])
def test_bad_input_is_refused_clearly(bad):
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    with pytest.raises(InvalidOutgoingEmail):
        message_bytes(mail(1, **bad), s)
    with pytest.raises(InvalidOutgoingEmail):
        build_message(mail(1, **bad), s)


def test_settings_from_env():
    s = SmtpSettings.from_env({"YIBAO_SMTP_HOST": "smtp.exmail.qq.com", "YIBAO_SMTP_PORT": "465",
                               "YIBAO_SMTP_USER": "bot@h.cn", "YIBAO_SMTP_PASSWORD": "pw-SECRET-42",
                               "YIBAO_SMTP_FROM": "医保办 <bot@h.cn>"})
    assert (s.security, s.from_addr, s.from_name) == ("tls", "bot@h.cn", "医保办")
    assert "pw-SECRET-42" not in repr(s)


# ---- 8bit bodies when the server advertises 8BITMIME ----
def _part_ctes(msg) -> list[str]:
    return [p["Content-Transfer-Encoding"] for p in msg.iter_parts()]


def test_8bit_bytes_decode_to_the_same_message():
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    m = mail(3, text="第一行\r\n第二行，含 . 和 =?utf-8?\n.以点开头", html="<p>张医生3，您好：</p>")
    ref = email.message_from_bytes(build_message(m, s).as_bytes(), policy=email.policy.default)
    raw = message_bytes(m, s, eight_bit=True)
    fast = email.message_from_bytes(raw, policy=email.policy.default)
    assert _part_ctes(fast) == ["8bit", "8bit"] and "第一行".encode() in raw
    skip = {"Content-Type", "Date"}
    assert [(k, str(v)) for k, v in ref.items() if k not in skip] == \
        [(k, str(v)) for k, v in fast.items() if k not in skip]
    assert [p.get_content() for p in ref.iter_parts()] == [p.get_content() for p in fast.iter_parts()]


def test_long_html_line_is_broken_only_between_blocks():
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    html = ("<html><body><ol>" + "".join(f"<li>第{i}项调整：<b>限定支付范围</b>的变化。</li>" for i in range(200))
            + "</ol><P>结束</P></body></html>")
    fast = email.message_from_bytes(message_bytes(mail(4, html=html), s, eight_bit=True), policy=email.policy.default)
    part = fast.get_body(("html",))
    assert part["Content-Transfer-Encoding"] == "8bit"
    lines = part.get_content().split("\n")
    assert len(lines) > 5 and max(len(line.encode()) for line in lines) <= 998
    assert all(line.endswith(("</li>", "</ol>", "</P>", "</html>")) for line in lines[:-1] if line)
    assert part.get_content().replace("\n", "") == html


@pytest.mark.parametrize("html", [
    "<pre>" + "预格式" * 400 + "</pre>",                        # whitespace matters: never broken
    "<p>" + "没有块结束标签的超长一行" * 100 + "</p>",             # no place to break
])
def test_unbreakable_long_lines_fall_back_to_base64(html):
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    fast = email.message_from_bytes(message_bytes(mail(5, html=html), s, eight_bit=True), policy=email.policy.default)
    assert _part_ctes(fast) == ["8bit", "base64"]
    assert fast.get_body(("html",)).get_content() == html + "\n"


@pytest.mark.parametrize("eight_bit_mime", [True, False])
def test_sender_uses_8bitmime_only_when_advertised(eight_bit_mime):
    with CaptureSmtpServer(eight_bit_mime=eight_bit_mime) as srv:
        s = SmtpSettings(host="127.0.0.1", port=srv.port, security="plain", from_addr=SENDER, timeout_s=5)
        results = send_batch_sync([mail(i) for i in range(3)], s)
        assert all(r.ok for r in results), results
        for captured in srv.messages:
            msg = captured.message
            want = "8bit" if eight_bit_mime else "base64"
            assert _part_ctes(msg) == [want, want]
            assert captured.mail_options == (["BODY=8BITMIME"] if eight_bit_mime else [])
            assert msg.get_body(("plain",)).get_content().startswith(f"{msg['To'].addresses[0].display_name}，您好")
            assert "<b>12月16日</b>" in msg.get_body(("html",)).get_content()
            assert str(msg["List-Unsubscribe"]).startswith("<https://yibao.example.cn/")


@pytest.mark.parametrize("from_addr", ["医保办@x.cn", "a b@x.cn", "<a@x.cn>", "a@x.cn\r\n"])
def test_sender_address_must_be_bare_ascii(from_addr):
    from yibao.delivery.email import EmailConfigError
    with pytest.raises(EmailConfigError, match="from_addr"):
        SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=from_addr)


_NAME_CHARS = "张王李医生药师护士长科室主任一二三四五六七八九十ÀéABCxyz0123 .-'"


@given(st.text(alphabet=_NAME_CHARS, min_size=1, max_size=60).filter(lambda n: not n.isascii() and n.strip() == n and "  " not in n))
@settings(max_examples=150, deadline=None)
def test_chinese_display_names_round_trip(name):
    s = SmtpSettings(host="smtp.example.cn", port=465, security="tls", from_addr=SENDER)
    raw = message_bytes(mail(6, to_name=name), s, eight_bit=True)
    head = raw.split(b"\n\n", 1)[0].decode("ascii")
    to_lines = head.split("\nTo: ", 1)[1].split("\nDate:", 1)[0].split("\n")
    assert max(len("To: ") + len(to_lines[0]), *map(len, to_lines)) <= 78
    to = email.message_from_bytes(raw, policy=email.policy.default)["To"].addresses[0]
    ref = email.message_from_bytes(build_message(mail(6, to_name=name), s).as_bytes(),
                                   policy=email.policy.default)["To"].addresses[0]
    # Python's parser puts a space between two encoded words of one phrase (mail clients do
    # not), and the reference builder may cut the words elsewhere: compare without spaces.
    assert to.addr_spec == ref.addr_spec
    assert to.display_name.replace(" ", "") == ref.display_name.replace(" ", "") == name.replace(" ", "")
