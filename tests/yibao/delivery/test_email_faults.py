"""Exact accounting when the SMTP server misbehaves; connection reuse and concurrency."""
from __future__ import annotations

import pytest

from yibao.delivery.email import OutgoingEmail, SmtpSettings, send_batch_sync
from yibao.devservers.smtp import CaptureSmtpServer

SENDER = "bot@yibao.example.cn"


def mail(i: int, to: str | None = None) -> OutgoingEmail:
    return OutgoingEmail(f"d{i}", to or f"u{i}@h.example.cn", None, "培训通知", "正文", "<p>正文</p>")


@pytest.fixture(scope="module")
def server():
    with CaptureSmtpServer(security="plain", reject_rcpt={"gone@h.example.cn"}) as srv:
        yield srv


def settings(server, **kw) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr=SENDER,
                        timeout_s=5, **kw)


@pytest.mark.parametrize("concurrency", [1, 3])
def test_drop_after_reports_exactly_the_accepted(server, concurrency):
    server.reset(drop_after=7)
    seen: list = []
    results = send_batch_sync([mail(i) for i in range(20)], settings(server, concurrency=concurrency),
                              on_result=seen.append)
    assert seen == results and len(results) == 20
    assert sorted(r.delivery_id for r in results) == sorted(f"d{i}" for i in range(20))
    ok = {r.delivery_id for r in results if r.ok}
    on_server = {m.message_id for m in server.messages}
    assert len(ok) == 7
    assert on_server == {f"<yibao.{d}@yibao.example.cn>" for d in ok}
    assert all(not r.permanent for r in results if not r.ok)
    assert server.drops >= 1

    # the re-run sends the rest and nothing twice
    server.reset(drop_after=None, clear_messages=False)
    rest = [mail(i) for i in range(20) if f"d{i}" not in ok]
    again = send_batch_sync(rest, settings(server, concurrency=concurrency))
    assert all(r.ok for r in again)
    ids = [m.message_id for m in server.messages]
    assert len(ids) == 20 and len(set(ids)) == 20


def test_connections_are_reused_and_bounded(server):
    server.reset()
    results = send_batch_sync([mail(i) for i in range(60)], settings(server, concurrency=3))
    assert all(r.ok for r in results)
    assert server.connections == 3
    per_connection = {}
    for m in server.messages:
        per_connection[m.connection_no] = per_connection.get(m.connection_no, 0) + 1
    assert len(per_connection) == 3 and sum(per_connection.values()) == 60


def test_reconnects_after_per_connection_cap(server):
    server.reset()
    results = send_batch_sync([mail(i) for i in range(25)],
                              settings(server, concurrency=1, max_messages_per_connection=10))
    assert all(r.ok for r in results)
    assert server.connections == 3


def test_recipient_refused_is_permanent_and_batch_continues(server):
    server.reset()
    results = send_batch_sync([mail(0), mail(1, to="gone@h.example.cn"), mail(2)], settings(server, concurrency=1))
    by_id = {r.delivery_id: r for r in results}
    assert by_id["d1"].permanent and not by_id["d1"].ok and by_id["d1"].stage == "rcpt"
    assert "550" in by_id["d1"].error
    assert by_id["d0"].ok and by_id["d2"].ok


def test_duplicate_delivery_id_sent_once(server):
    server.reset()
    results = send_batch_sync([mail(5), mail(5)], settings(server, concurrency=1))
    assert [r.ok for r in results] == [True, False]
    assert server.accepted_count == 1


def test_server_down_reports_every_message():
    with CaptureSmtpServer() as srv:
        port = srv.port
    s = SmtpSettings(host="127.0.0.1", port=port, security="plain", from_addr=SENDER, timeout_s=2)
    results = send_batch_sync([mail(i) for i in range(10)], s)
    assert len(results) == 10 and not any(r.ok or r.permanent for r in results)
