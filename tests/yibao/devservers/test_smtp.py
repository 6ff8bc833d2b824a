"""The capturing SMTP server itself, driven by the standard library's smtplib."""
from __future__ import annotations

import smtplib
import ssl
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yibao.devservers.smtp import CaptureSmtpServer

MSG = b"Subject: hi\r\nMessage-ID: <m1@x.cn>\r\n\r\nbody\r\n"


@pytest.fixture(scope="module")
def server():
    with CaptureSmtpServer(reject_rcpt={"bad@x.cn"}) as srv:
        yield srv


def test_captures_envelope_and_parsed_message(server):
    server.reset()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as c:
        c.sendmail("a@x.cn", ["b@x.cn", "c@x.cn"], MSG)
    [m] = server.messages
    assert (m.mail_from, m.rcpt_tos, m.message["Subject"], m.message_id) == ("a@x.cn", ["b@x.cn", "c@x.cn"], "hi",
                                                                             "<m1@x.cn>")
    assert server.connections == 1


def test_reject_rcpt_is_550(server):
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as c:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
            c.sendmail("a@x.cn", ["bad@x.cn"], MSG)
    assert err.value.recipients["bad@x.cn"][0] == 550


def test_drop_after_closes_on_data_until_reset(server):
    server.reset(drop_after=1)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as c:
        c.sendmail("a@x.cn", ["b@x.cn"], MSG)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            c.sendmail("a@x.cn", ["b@x.cn"], MSG)
    with pytest.raises(smtplib.SMTPServerDisconnected):   # a new connection accepts 0 more
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as c:
            c.sendmail("a@x.cn", ["b@x.cn"], MSG)
    assert server.accepted_count == 1 and server.drops == 2
    server.reset()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as c:
        c.sendmail("a@x.cn", ["b@x.cn"], MSG)
    assert server.accepted_count == 1


def test_implicit_tls_with_auth_and_command_delay():
    with CaptureSmtpServer(security="tls", auth=("u@x.cn", "pw"), command_delay_s=0.02) as srv:
        ctx = ssl.create_default_context(cafile=str(srv.cert_file))
        started = time.perf_counter()
        with smtplib.SMTP_SSL("127.0.0.1", srv.port, context=ctx, timeout=5) as c:
            c.login("u@x.cn", "pw")
            c.sendmail("u@x.cn", ["b@x.cn"], MSG)
        elapsed = time.perf_counter() - started
        assert srv.accepted_count == 1
        assert elapsed >= 0.02 * 6    # greeting, EHLO, AUTH, MAIL, RCPT, DATA (+ end of data)
        with smtplib.SMTP_SSL("127.0.0.1", srv.port, context=ctx, timeout=5) as c:
            with pytest.raises(smtplib.SMTPAuthenticationError):
                c.login("u@x.cn", "wrong")


def test_starttls_is_required_before_mail():
    with CaptureSmtpServer(security="starttls") as srv:
        with smtplib.SMTP("127.0.0.1", srv.port, timeout=5) as c:
            code, _ = c.mail("a@x.cn")
            assert code == 530
            c.starttls(context=ssl.create_default_context(cafile=str(srv.cert_file)))
            c.sendmail("a@x.cn", ["b@x.cn"], MSG)
        assert srv.accepted_count == 1 and srv.connections == 1


# ---- the block-wise DATA reader and the fast address path keep aiosmtpd's behaviour ----
def _dialog(port: int, lines: list[bytes]) -> list[bytes]:
    """Send raw SMTP lines (each waits for its reply, except data blocks) and return replies."""
    import socket
    replies = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        f = sock.makefile("rb")

        def reply() -> bytes:
            while True:
                line = f.readline()
                if line[3:4] != b"-":
                    return line.rstrip()

        reply()   # greeting
        for line in lines:
            sock.sendall(line)
            replies.append(reply())
    return replies


def test_data_dot_stuffing_and_lone_dot_lines(server):
    server.reset()
    body = b"Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n"    # the last '.' ends DATA
    stuffed = body[:-3].replace(b"\r\n.", b"\r\n..") + b".\r\n"
    replies = _dialog(server.port, [b"EHLO c\r\n", b"MAIL FROM:<a@x.cn>\r\n", b"RCPT TO:<b@x.cn>\r\n",
                                    b"DATA\r\n", stuffed, b"QUIT\r\n"])
    assert [r[:3] for r in replies] == [b"250", b"250", b"250", b"354", b"250", b"221"]
    [m] = server.messages
    assert m.raw == b"Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n"


def test_data_empty_and_split_across_writes(server):
    server.reset()
    replies = _dialog(server.port, [b"HELO c\r\n", b"MAIL FROM:<a@x.cn>\r\n", b"RCPT TO:<b@x.cn>\r\n",
                                    b"DATA\r\n", b".\r\n", b"MAIL FROM:<a@x.cn>\r\n", b"RCPT TO:<b@x.cn>\r\n",
                                    b"DATA\r\n", b"x: 1\r\n\r\nbody\r\n.\r\nRSET\r\n"])
    assert [r[:3] for r in replies] == [b"250", b"250", b"250", b"354", b"250", b"250", b"250", b"354", b"250"]
    assert [m.raw for m in server.messages] == [b"", b"x: 1\r\n\r\nbody\r\n"]


def test_data_line_too_long_is_500_and_not_stored(server):
    server.reset()
    replies = _dialog(server.port, [b"EHLO c\r\n", b"MAIL FROM:<a@x.cn>\r\n", b"RCPT TO:<b@x.cn>\r\n",
                                    b"DATA\r\n", b"x: 1\r\n\r\n" + b"a" * 1000 + b"\r\n.\r\n",
                                    b"MAIL FROM:<a@x.cn>\r\n"])
    assert replies[4].startswith(b"500 Line too long") and replies[5][:3] == b"250"
    assert server.accepted_count == 0


def test_data_checks_before_354(server):
    replies = _dialog(server.port, [b"EHLO c\r\n", b"DATA\r\n", b"MAIL FROM:<a@x.cn>\r\n", b"RCPT TO:<b@x.cn>\r\n",
                                    b"DATA now\r\n"])
    assert [r[:3] for r in replies] == [b"250", b"503", b"250", b"250", b"501"]


def test_mail_from_with_params_and_odd_addresses(server):
    server.reset()
    replies = _dialog(server.port, [b"EHLO c\r\n", b"MAIL FROM:<a.b+c@x.cn> BODY=8BITMIME SIZE=100\r\n",
                                    b'RCPT TO:<"quoted name"@x.cn>\r\n', b"RCPT TO:<b@x.cn> (comment)\r\n",
                                    b"DATA\r\n", b"s: 1\r\n\r\nx\r\n.\r\n"])
    assert [r[:3] for r in replies] == [b"250", b"250", b"250", b"250", b"354", b"250"]
    [m] = server.messages
    assert (m.mail_from, m.rcpt_tos) == ("a.b+c@x.cn", ['"quoted name"@x.cn', "b@x.cn"])


_ADDR_PIECES = ["<", ">", "a", "Z", "0", ".", "..", "@", "x.cn", " ", "\t", "+", '"', "(c)", "SIZE=1", "BODY=8BITMIME",
                "-", "_", "=", "[1.2.3.4]", "é"]


@given(st.lists(st.sampled_from(_ADDR_PIECES), max_size=12).map("".join))
@settings(max_examples=400, deadline=None)
def test_fast_address_parse_equals_aiosmtpd(arg):
    from aiosmtpd.smtp import SMTP

    from yibao.devservers.smtp import _FaultySMTP
    import types
    probe = object.__new__(_FaultySMTP)
    probe.local_part_limit = 0
    probe.owner = types.SimpleNamespace(fast_paths=True)

    def outcome(parse, arg):
        try:
            return parse(probe, arg)
        except Exception as exc:   # aiosmtpd itself raises on some garbage; so must we
            return type(exc)

    for a in (arg, "<a.b@x.cn> SIZE=1", " <u1@h.example.cn>", "<a@x.cn>\t BODY=7BIT"):
        assert outcome(_FaultySMTP._getaddr, a) == outcome(SMTP._getaddr, a)


def test_without_fast_paths_the_server_stores_the_same_bytes():
    import smtplib
    raw = "Subject: t\r\n\r\n.dot-stuffed line\r\n普通一行\r\n".encode("utf-8")
    stored = []
    for fast in (True, False):
        with CaptureSmtpServer(fast_paths=fast) as srv:
            with smtplib.SMTP("127.0.0.1", srv.port, timeout=10) as client:
                client.sendmail("a@x.cn", ["b@y.cn"], raw)
            stored.append(srv.messages[0].raw)
    assert stored[0] == stored[1] and b"\r\n.dot-stuffed line" in stored[0]


def test_client_vanishing_mid_data_stores_nothing(server):
    import socket
    server.reset()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        f = sock.makefile("rb")
        f.readline()
        for line in (b"HELO c\r\n", b"MAIL FROM:<a@x.cn>\r\n", b"RCPT TO:<b@x.cn>\r\n", b"DATA\r\n"):
            sock.sendall(line)
            f.readline()
        sock.sendall(b"Subject: half\r\n\r\nonly part of the body")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as c:   # the server carries on
        c.sendmail("a@x.cn", ["b@x.cn"], MSG)
    assert [m.message_id for m in server.messages] == ["<m1@x.cn>"]
