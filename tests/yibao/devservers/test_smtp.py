"""The capturing SMTP server itself, driven by the standard library's smtplib."""
from __future__ import annotations

import smtplib
import ssl
import time

import pytest

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
