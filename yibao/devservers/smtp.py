"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

Modes (``security``):
  * ``"plain"``    – cleartext, like an internal relay on :25/:1025;
  * ``"starttls"`` – cleartext greeting, STARTTLS required before MAIL/AUTH, like :587;
  * ``"tls"``      – TLS from the first byte (implicit TLS), like 腾讯企业邮 on :465.
TLS modes use the throw-away certificate from :mod:`yibao.devservers.certs`;
clients trust it through ``server.cert_file``.

Fault injection, so senders can prove exact accounting:
  * ``command_delay_s`` – every server reply is delayed by this much (a realistic
    remote server: greeting, EHLO, MAIL, RCPT, DATA and end-of-data each cost one delay).
  * ``drop_after=N`` – the server accepts N messages in total (over all connections).
    On the next ``DATA`` command it closes the TCP connection without replying, so the
    client never gets an acknowledgement and the message is NOT stored. Every later
    connection likewise gets its connection closed on ``DATA`` (accepts 0 more) until
    :meth:`reset` is called. The stored messages are therefore exactly the accepted ones.
  * ``reject_rcpt`` – these recipient addresses get ``550 5.1.1`` at RCPT (permanent).
  * ``eight_bit_mime=False`` – a strict 7-bit server: 8BITMIME is not advertised.

Speed (it also serves ``bench/``): DATA content is read in blocks up to the final "."
instead of line by line, plain ``<user@domain>`` addresses skip the full RFC 5322
parser, and ``event_loop="uvloop"`` runs the server on uvloop. Replies and stored
bytes are the same as aiosmtpd's own. ``fast_paths=False`` keeps aiosmtpd's own DATA
reading and address parsing (the bench reports both).

Thread-safe: the server runs on its own event-loop thread; ``messages`` and the
counters may be read from any thread.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

from yibao.devservers.certs import dev_cert

Security = Literal["plain", "starttls", "tls"]


@dataclass
class CapturedMessage:
    """One accepted message: the envelope plus the raw bytes (parsed on demand)."""
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    connection_no: int          # which TCP connection (1-based) delivered it
    mail_options: list[str] = field(default_factory=list)   # e.g. ["BODY=8BITMIME"]
    _parsed: EmailMessage | None = field(default=None, repr=False)

    @property
    def message(self) -> EmailMessage:
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[assignment]
        return self._parsed  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")


class _Handler:
    def __init__(self, owner: "CaptureSmtpServer") -> None:
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.owner._reject_rcpt:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.owner._store(CapturedMessage(
            mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos), raw=content,
            connection_no=getattr(server, "connection_no", 0), mail_options=list(envelope.mail_options),
        ))
        return "250 2.0.0 Message accepted for delivery"


_PLAIN_ANGLE_ADDR = re.compile(
    r"\s*<(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>")
_READ_EVERYTHING_BUFFERED = 1 << 30   # StreamReader.read(n) returns what is buffered, up to n


def _longest_line(content: bytes) -> int:
    """Longest CRLF-terminated line, counting its CRLF (aiosmtpd's line_length_limit)."""
    if len(content) <= 998:
        return len(content)
    return max(map(len, content.split(b"\r\n"))) + 2


class _FaultySMTP(SMTP):
    """aiosmtpd's SMTP with a per-reply delay and the drop-on-DATA fault."""

    def __init__(self, *args, owner: "CaptureSmtpServer", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.connection_no = 0

    def connection_made(self, transport) -> None:
        # STARTTLS calls connection_made again on the same object: count only once.
        if not self.connection_no:
            self.connection_no = self.owner._connection_opened()
            sock = transport.get_extra_info("socket")
            if sock is not None:
                # Real servers write a multi-line EHLO reply at once; aiosmtpd writes it line
                # by line, which with Nagle + delayed ACK stalls every client ~40 ms.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

    async def push(self, status) -> None:
        text = status if isinstance(status, str) else status.decode("ascii", "replace")
        if self.owner.command_delay_s and text[3:4] != "-":   # once per reply, not per "250-" line
            await asyncio.sleep(self.owner.command_delay_s)
        await super().push(status)

    async def smtp_DATA(self, arg: str) -> None:
        if self.envelope is not None and self.envelope.rcpt_tos and not self.owner._reserve_slot():
            # Fault: drop the connection instead of answering DATA.
            self.owner._note_drop()
            if self.transport is not None:
                self.transport.close()
            return
        if not self.owner.fast_paths:
            await super().smtp_DATA(arg)
            return
        await self._data_in_blocks(arg)

    # ---- cheaper versions of two aiosmtpd steps (same replies, same results) ----
    def _getaddr(self, arg: str):
        """A plain ``<local@domain>`` is taken as is; anything else goes through
        aiosmtpd's full RFC 5322 parser (which costs ~50 us per MAIL/RCPT)."""
        m = _PLAIN_ANGLE_ADDR.match(arg) if self.owner.fast_paths else None
        if m is None or self.local_part_limit and len(m["local"]) > self.local_part_limit:
            return super()._getaddr(arg)
        rest = arg[m.end():]
        if "(" in rest:     # an RFC 5322 comment: let the full parser deal with it
            return super()._getaddr(arg)
        return m["local"] + "@" + m["domain"], rest.lstrip(" \t")

    async def _data_in_blocks(self, arg: str) -> None:
        """aiosmtpd's DATA, reading the content in blocks up to the lone "." line
        instead of one await per line (what real servers do). Same checks and replies:
        503/501 before 354, then 500 for a line over ``line_length_limit`` and 552 over
        ``data_size_limit``; dot-stuffing undone; the handler's DATA hook answers."""
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        received = await self._read_until_lone_dot()
        if received is None:
            return
        content, too_much = received
        if too_much:
            await self.push("552 Error: Too much mail data")
            self._set_post_data_state()
            return
        if _longest_line(content) > self.line_length_limit:
            await self.push("500 Line too long (see RFC5321 4.5.3.1.6)")
            self._set_post_data_state()
            return
        original = (b"\r\n" + content).replace(b"\r\n.", b"\r\n")[2:]   # undo dot-stuffing
        if self._decode_data:
            try:
                decoded = original.decode("utf-8", "surrogateescape") if self.enable_SMTPUTF8 \
                    else original.decode("ascii")
            except UnicodeDecodeError:
                await self.push("500 Error: strict ASCII mode")
                return
            self.envelope.content = decoded
        else:
            self.envelope.content = original
        self.envelope.original_content = original
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)

    async def _read_until_lone_dot(self) -> tuple[bytes, bool] | None:
        """The raw content lines (CRLF-terminated, still dot-stuffed) and whether it
        went over ``data_size_limit`` (then only the tail is kept); None if the
        connection ended first."""
        buf = bytearray(b"\r\n")    # the DATA command line ended with CRLF
        scan_from = 0
        dropped = 0                   # bytes thrown away after data_size_limit
        limit = self.data_size_limit
        while True:
            try:
                block = await self._reader.read(_READ_EVERYTHING_BUFFERED)
            except asyncio.CancelledError:   # connection reset during DATA (see aiosmtpd)
                self._writer.close()
                raise
            if not block:
                self._writer.close()
                return None
            buf += block
            end = buf.find(b"\r\n.\r\n", scan_from)
            if end >= 0:
                break
            scan_from = len(buf) - 4
            if limit and dropped + len(buf) - 2 > limit and len(buf) > 8:
                # Over the limit: keep reading to the end, but keep only the last 4 bytes
                # (a terminator may straddle blocks) behind a filler that cannot match.
                dropped += len(buf) - 6
                buf[:-4] = b"\0\0"
                scan_from = 0
        rest = bytes(buf[end + 5:])
        if rest:   # a client that did not wait for our reply: its next command
            self._reader.feed_data(rest)
        size = dropped + end
        return bytes(buf[2:end + 2]), bool(limit and size > limit)


def _new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


class _Controller(Controller):
    """Controller bound to a socket we opened ourselves, so port 0 works."""

    def __init__(self, handler, *, sock: socket.socket, owner: "CaptureSmtpServer", **kwargs) -> None:
        self._sock = sock
        self._owner = owner
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, loop=_new_loop(owner.event_loop), **kwargs)

    def factory(self):
        return _FaultySMTP(self.handler, owner=self._owner, **self.SMTP_kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class CaptureSmtpServer:
    """A capturing SMTP server for tests, benchmarks and the demo (see module doc)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        security: Security = "plain",
        auth: tuple[str, str] | None = None,
        command_delay_s: float = 0.0,
        drop_after: int | None = None,
        reject_rcpt: set[str] | frozenset[str] | tuple[str, ...] = (),
        on_message: Callable[[CapturedMessage], None] | None = None,
        eight_bit_mime: bool = True,
        event_loop: Literal["asyncio", "uvloop"] = "asyncio",
        fast_paths: bool = True,
    ) -> None:
        if security not in ("plain", "starttls", "tls"):
            raise ValueError(f"security must be plain, starttls or tls, not {security!r}")
        self.host = host
        self._requested_port = port
        self.security: Security = security
        self.auth = auth
        self.command_delay_s = command_delay_s
        self.drop_after = drop_after
        self._reject_rcpt = {a.lower() for a in reject_rcpt}
        self.on_message = on_message
        self.eight_bit_mime = eight_bit_mime
        self.event_loop = event_loop
        self.fast_paths = fast_paths
        self._lock = threading.Lock()
        self._messages: list[CapturedMessage] = []
        self._reserved = 0          # DATA commands let through (for drop_after)
        self.connections = 0        # TCP connections opened by clients
        self.drops = 0              # connections closed by the drop_after fault
        self._controller: _Controller | None = None
        self.port = port
        self.cert_file: Path | None = None

    # ---- lifecycle -------------------------------------------------------
    def start(self) -> "CaptureSmtpServer":
        if self._controller is not None:
            raise RuntimeError("CaptureSmtpServer already started")
        sock = socket.create_server((self.host, self._requested_port))
        self.port = sock.getsockname()[1]
        kwargs: dict = {"handler": _Handler(self), "sock": sock, "owner": self}
        if not self.eight_bit_mime:
            # aiosmtpd advertises 8BITMIME exactly when it keeps the data as bytes; a
            # decoding server is a strict 7-bit one (non-ASCII data gets 500).
            kwargs["decode_data"] = True
        if self.security != "plain":
            pair = dev_cert()
            self.cert_file = pair.cert_file
            ctx = pair.server_context()
            if self.security == "starttls":
                kwargs.update(tls_context=ctx, require_starttls=True)
            else:
                # aiosmtpd never advertises AUTH on implicit TLS unless auth_require_tls=False.
                kwargs.update(ssl_context=ctx, auth_require_tls=False)
        if self.auth is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            if self.security == "plain":
                kwargs["auth_require_tls"] = False
        self._controller = _Controller(**kwargs)
        self._controller.start()
        with self._lock:   # forget the controller's own readiness probe
            self.connections = 0
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "CaptureSmtpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- inspection ------------------------------------------------------
    @property
    def messages(self) -> list[CapturedMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def accepted_count(self) -> int:
        with self._lock:
            return len(self._messages)

    def reset(self, *, drop_after: int | None = None, clear_messages: bool = True) -> None:
        """Clear captured messages and counters; set a new ``drop_after`` (None = never drop)."""
        with self._lock:
            if clear_messages:
                self._messages.clear()
            self._reserved = 0
            self.drop_after = drop_after
            self.connections = 0
            self.drops = 0

    # ---- callbacks from the server thread ----------------------------------
    def _authenticate(self, server, session, envelope, mechanism, data) -> AuthResult:
        ok = (
            self.auth is not None and isinstance(data, LoginPassword)
            and data.login.decode() == self.auth[0] and data.password.decode() == self.auth[1]
        )
        return AuthResult(success=ok, handled=False)

    def _connection_opened(self) -> int:
        with self._lock:
            self.connections += 1
            return self.connections

    def _reserve_slot(self) -> bool:
        with self._lock:
            if self.drop_after is not None and self._reserved >= self.drop_after:
                return False
            self._reserved += 1
            return True

    def _note_drop(self) -> None:
        with self._lock:
            self.drops += 1

    def _store(self, msg: CapturedMessage) -> None:
        with self._lock:
            self._messages.append(msg)
        if self.on_message is not None:
            self.on_message(msg)
