"""Email delivery: build RFC-correct Chinese messages and send them in bulk with aiosmtplib.

* ``build_message`` – the reference builder (EmailMessage, default policy): RFC 2047
  Chinese subject and display names, multipart/alternative text+HTML, a Message-ID
  derived from the delivery id (so a resend is recognisable), List-Unsubscribe +
  one-click, Date.
* ``message_bytes`` / ``prepare_message`` – the same message as bytes, cheaply: headers
  that repeat over a lesson are folded once (cached), per person only To, Message-ID,
  Date and List-Unsubscribe are made. With ``eight_bit=True`` (the server advertised
  8BITMIME) the parts go as UTF-8 ``8bit`` instead of base64.
* ``send_batch`` – up to ``settings.concurrency`` SMTP connections, each reused for many
  messages, reconnecting when the server hangs up. Every message gets exactly one
  ``SendResult``; ``ok=True`` only when the server answered 250 to the end of DATA.
  ``send_batch_sync`` runs it on uvloop when installed.

Failure model (what ``SendResult`` says):
  * 5xx at RCPT/MAIL/DATA → ``ok=False, permanent=True`` (e.g. 550 no such mailbox);
  * 4xx, timeouts, dropped connections → ``ok=False, permanent=False`` (retry later);
  * a connection lost *before* DATA is retried once on a fresh connection (nothing
    can have been delivered); a connection lost during DATA is reported not-ok and not
    retried here, because we cannot know whether the server kept it;
  * when the server looks dead (several connection failures in a row, or AUTH is
    refused) the remaining messages are reported ``stage="skipped"``, not-ok, retryable.
"""
from __future__ import annotations

import asyncio
import base64
import email.policy
import logging
import os
import re
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Literal

import aiosmtplib

log = logging.getLogger(__name__)

Security = Literal["plain", "starttls", "tls"]
_SECURITIES = ("plain", "starttls", "tls")
_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
#: What we put on MAIL FROM / RCPT TO lines: a bare ASCII address with a host-name domain.
_BARE_ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$")


class EmailConfigError(ValueError):
    """SMTP settings are missing or malformed."""


class InvalidOutgoingEmail(ValueError):
    """An OutgoingEmail cannot be turned into a valid message."""


# ---------------------------------------------------------------- settings
@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: Security
    timeout_s: float = 30
    from_addr: str
    from_name: str = "医保办培训平台"
    ca_file: str | None = None
    validate_certs: bool = True
    concurrency: int = 4
    max_messages_per_connection: int = 200   # then QUIT and reconnect (servers cap this)

    def __post_init__(self) -> None:
        if self.security not in _SECURITIES:
            raise EmailConfigError(f"SMTP security must be one of {_SECURITIES}, not {self.security!r}")
        if not self.host:
            raise EmailConfigError("SMTP host is empty")
        if not (0 < int(self.port) < 65536):
            raise EmailConfigError(f"SMTP port out of range: {self.port!r}")
        if not _BARE_ADDRESS.match(self.from_addr):
            raise EmailConfigError(f"SMTP from_addr is not a bare ASCII address: {self.from_addr!r}")
        if self.concurrency < 1:
            raise EmailConfigError(f"SMTP concurrency must be >= 1, not {self.concurrency}")
        if (self.username is None) != (self.password is None):
            raise EmailConfigError("SMTP username and password must be given together")

    @property
    def from_domain(self) -> str:
        return self.from_addr.rsplit("@", 1)[1]

    @staticmethod
    def default_security(port: int) -> Security:
        return "tls" if port == 465 else "starttls" if port == 587 else "plain"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "SmtpSettings":
        """Read ``YIBAO_SMTP_HOST/PORT/USER/PASSWORD/SECURITY/FROM`` (+ optional
        ``YIBAO_SMTP_CA_FILE``, ``YIBAO_SMTP_CONCURRENCY``, ``YIBAO_SMTP_TIMEOUT``).
        ``YIBAO_SMTP_FROM`` may be ``bot@x.cn`` or ``医保办 <bot@x.cn>``."""
        env = os.environ if environ is None else environ
        host = env.get("YIBAO_SMTP_HOST")
        sender = env.get("YIBAO_SMTP_FROM")
        if not host or not sender:
            raise EmailConfigError("YIBAO_SMTP_HOST and YIBAO_SMTP_FROM must be set")
        port = _int(env.get("YIBAO_SMTP_PORT", "465"), "YIBAO_SMTP_PORT")
        name, addr = parseaddr(sender)
        extra = {"from_name": name} if name else {}
        return cls(
            host=host, port=port,
            username=env.get("YIBAO_SMTP_USER") or None,
            password=env.get("YIBAO_SMTP_PASSWORD") or None,
            security=env.get("YIBAO_SMTP_SECURITY") or cls.default_security(port),  # type: ignore[arg-type]
            from_addr=addr or sender,
            ca_file=env.get("YIBAO_SMTP_CA_FILE") or None,
            concurrency=_int(env.get("YIBAO_SMTP_CONCURRENCY", "4"), "YIBAO_SMTP_CONCURRENCY"),
            timeout_s=float(env.get("YIBAO_SMTP_TIMEOUT", "30")),
            **extra,
        )

    @classmethod
    def from_airflow_connection(cls, conn_id: str = "yibao_smtp") -> "SmtpSettings":
        """Host/port/login/password from an Airflow connection; extra (JSON) may hold
        ``security``, ``from_addr``, ``from_name``, ``ca_file``, ``validate_certs``,
        ``concurrency``, ``timeout_s``."""
        conn = _airflow_connection(conn_id)
        extra = conn.extra_dejson or {}
        port = int(conn.port or extra.get("port") or 465)
        from_addr = extra.get("from_addr") or conn.login
        if not conn.host or not from_addr:
            raise EmailConfigError(f"Airflow connection {conn_id!r} needs a host and extra.from_addr (or login)")
        kwargs = {k: extra[k] for k in ("from_name", "ca_file", "validate_certs", "concurrency", "timeout_s",
                                        "max_messages_per_connection") if k in extra}
        return cls(
            host=conn.host, port=port,
            username=conn.login or None, password=conn.password or None,
            security=extra.get("security") or cls.default_security(port),
            from_addr=from_addr, **kwargs,
        )

    def tls_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=self.ca_file)
        if not self.validate_certs:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise EmailConfigError(f"{name} must be an integer, not {value!r}") from None


def _airflow_connection(conn_id: str):
    try:
        from airflow.sdk import BaseHook  # Airflow 3
    except ImportError:
        try:
            from airflow.hooks.base import BaseHook  # type: ignore[no-redef]  # Airflow 2
        except ImportError:
            raise EmailConfigError("Airflow is not installed; use SmtpSettings.from_env()") from None
    return BaseHook.get_connection(conn_id)


# ---------------------------------------------------------------- messages
@dataclass(frozen=True)
class OutgoingEmail:
    delivery_id: str
    to_addr: str
    to_name: str | None
    subject: str
    text: str
    html: str
    unsubscribe_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def message_id_for(delivery_id: str, domain: str) -> str:
    """``<yibao.{delivery_id}@{domain}>``: the same delivery always gets the same id."""
    if not delivery_id or not _DOT_ATOM.match(delivery_id) or ".." in delivery_id:
        raise InvalidOutgoingEmail(f"delivery_id {delivery_id!r} cannot be used in a Message-ID")
    return f"<yibao.{delivery_id}@{domain}>"


class _UrlListHeader(UnstructuredHeader):
    """List-Unsubscribe & co.: ASCII ``<url>`` lists. The default policy would turn a
    URL longer than 78 characters into RFC 2047 encoded words, which no mail client
    reads in this header; fold only after the commas instead."""

    def fold(self, *, policy) -> str:  # type: ignore[override]
        parts = [p.strip() for p in str(self).split(",")]
        return f"{self.name}: " + ("," + policy.linesep + " ").join(parts) + policy.linesep


_registry = HeaderRegistry()
_registry.map_to_type("list-unsubscribe", _UrlListHeader)
_registry.map_to_type("list-unsubscribe-post", _UrlListHeader)
#: email.policy.default, except for the two List-Unsubscribe headers.
POLICY = email.policy.default.clone(header_factory=_registry)


def _check_mail(mail: OutgoingEmail) -> None:
    if not _BARE_ADDRESS.match(mail.to_addr):
        raise InvalidOutgoingEmail(
            f"delivery {mail.delivery_id}: bad recipient address {mail.to_addr!r} (want bare ASCII user@host)")
    fields = {"subject": mail.subject, "to_name": mail.to_name or "", **mail.headers}
    for name, value in fields.items():
        if "\r" in value or "\n" in value:
            raise InvalidOutgoingEmail(f"delivery {mail.delivery_id}: line break in {name}")
    if mail.unsubscribe_url is not None:
        url = mail.unsubscribe_url
        if not url.isascii() or any(c in url for c in " <>,\r\n\t"):
            raise InvalidOutgoingEmail(
                f"delivery {mail.delivery_id}: unsubscribe_url must be ASCII without spaces/<>/commas: {url!r}")


def build_message(mail: OutgoingEmail, settings: SmtpSettings) -> EmailMessage:
    """Build the message for one delivery (see module doc for what it contains).

    This is the reference builder; :func:`message_bytes` produces the same message
    as bytes about ten times faster and is what :func:`send_batch` uses."""
    _check_mail(mail)
    msg = EmailMessage(policy=POLICY)
    try:
        msg["Subject"] = mail.subject
        msg["From"] = _from_header(settings)
        msg["To"] = formataddr((mail.to_name, mail.to_addr)) if mail.to_name else mail.to_addr
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = message_id_for(mail.delivery_id, settings.from_domain)
        if mail.unsubscribe_url:
            msg["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        for name, value in mail.headers.items():
            msg[name] = value
    except ValueError as exc:   # e.g. a header set twice that may occur only once
        raise InvalidOutgoingEmail(f"delivery {mail.delivery_id}: bad header: {exc}") from exc
    # base64 keeps CJK bodies 7-bit clean and line-length safe on every server.
    msg.set_content(mail.text, cte="base64")
    msg.add_alternative(mail.html, subtype="html", cte="base64")
    return msg


def _from_header(settings: SmtpSettings) -> str:
    return _from_value(settings.from_name, settings.from_addr)


@lru_cache(maxsize=64)
def _from_value(name: str, addr: str) -> str:
    return formataddr((name, addr)) if name else addr


@lru_cache(maxsize=4096)
def _fold(name: str, value: str) -> str:
    """A folded header line; cached because subject/from repeat for a whole lesson."""
    return POLICY.header_factory(name, value).fold(policy=POLICY)


_date_cache: tuple[int, str] = (0, "")


def _date_now() -> str:
    global _date_cache
    second = int(time.time())
    if _date_cache[0] != second:
        _date_cache = (second, formatdate(second, localtime=True))
    return _date_cache[1]


_EW_MAX_BYTES = 45          # 45 bytes -> 60 base64 chars: "=?utf-8?b?" + 60 + "?=" = 72 <= 75
_MAX_8BIT_LINE = 998        # RFC 5322 2.1.1: at most 998 octets per line (without CRLF)


def _is_continuation(byte: int) -> bool:
    return 0x80 <= byte < 0xC0


def _encoded_words(text: str) -> list[str]:
    """RFC 2047 B-encoded words, each <= 75 characters, never splitting a character."""
    raw = text.encode("utf-8")
    words, start = [], 0
    while start < len(raw):
        end = min(start + _EW_MAX_BYTES, len(raw))
        while end < len(raw) and _is_continuation(raw[end]):
            end -= 1
        words.append("=?utf-8?b?" + base64.b64encode(raw[start:end]).decode("ascii") + "?=")
        start = end
    return words


def _to_header(name: str | None, addr: str) -> str:
    """The folded To line. A Chinese display name is encoded directly (what the default
    policy produces, ~30x cheaper); anything else goes through the policy."""
    if not name:
        return POLICY.header_factory("To", addr).fold(policy=POLICY)
    if name.isascii() or not addr.isascii():
        return POLICY.header_factory("To", formataddr((name, addr))).fold(policy=POLICY)
    words = _encoded_words(name)
    last = words[-1] + f" <{addr}>"
    indent = len("To: ") if len(words) == 1 else 1
    if indent + len(last) > 78:
        words.append(f"<{addr}>")
    else:
        words[-1] = last
    return "To: " + "\n ".join(words) + "\n"


def _normal_lines(text: str) -> bytes:
    """What EmailMessage.set_content does to a body: \\n line ends, final newline."""
    return b"\n".join(text.encode("utf-8").splitlines()) + b"\n"


def _fits_8bit(body: bytes) -> bool:
    """Can go as ``Content-Transfer-Encoding: 8bit``: no NUL, every line <= 998 octets."""
    if b"\0" in body:
        return False
    return len(body) <= _MAX_8BIT_LINE or max(map(len, body.split(b"\n"))) <= _MAX_8BIT_LINE


# Whitespace after these closing tags is never rendered (it sits between block boxes),
# so a long HTML line may be broken there. Not done when the page could preserve or
# render whitespace (pre, textarea, white-space, inline(-block) styling).
_BLOCK_END = re.compile(rb"</(?:p|div|li|ul|ol|tr|td|th|thead|tbody|table|h[1-6]|blockquote|section|"
                        rb"article|header|footer|head|title|style)>")   # matched on the lower-cased body
_WHITESPACE_SENSITIVE = (b"<pre", b"<textarea", b"white-space", b"inline")


def _wrap_html(body: bytes) -> bytes:
    """Break HTML lines longer than 998 octets after block-closing tags (see above);
    a line that cannot be broken stays long (the part then goes as base64)."""
    if _fits_8bit(body):
        return body
    lower = body.lower()    # ASCII-only lower-casing: same length, same positions
    if any(word in lower for word in _WHITESPACE_SENSITIVE):
        return body
    out: list[bytes] = []
    line_start = 0
    for line in body.split(b"\n"):
        start, end = line_start, line_start + len(line)
        line_start = end + 1
        while end - start > _MAX_8BIT_LINE:
            cut = _last_block_end(lower, start, start + _MAX_8BIT_LINE)
            if cut is None:
                break
            out.append(body[start:cut])
            start = cut
        out.append(body[start:end])
    return b"\n".join(out)


def _last_block_end(lower: bytes, start: int, limit: int) -> int | None:
    """End of the last block-closing tag lying inside ``lower[start:limit]``."""
    pos = limit
    while (i := lower.rfind(b"</", start, pos)) > start:
        m = _BLOCK_END.match(lower, i)
        if m is not None and m.end() <= limit:
            return m.end()
        pos = i + 1
    return None


@dataclass(frozen=True)
class PreparedMessage:
    """A checked message with its headers folded; :meth:`render` adds the MIME body.

    Separate from rendering because the body encoding depends on the server: with
    8BITMIME the parts go as UTF-8 ``8bit`` (about 25% smaller than base64 and far
    fewer lines for the server to read), otherwise as base64."""
    head: bytes
    text: bytes
    html: bytes

    def render(self, eight_bit: bool = False) -> bytes:
        html = _wrap_html(self.html) if eight_bit else self.html
        text_8bit = eight_bit and _fits_8bit(self.text)
        html_8bit = eight_bit and _fits_8bit(html)
        while True:   # '=_' never occurs in base64; an 8bit body is checked
            boundary = f"=_yibao_{secrets.token_hex(12)}"
            mark = boundary.encode("ascii")
            if not (text_8bit and mark in self.text or html_8bit and mark in html):
                break
        sep = b"--" + mark + b"\n"
        return b"".join((
            self.head,
            b'MIME-Version: 1.0\nContent-Type: multipart/alternative;\n boundary="', mark, b'"\n\n',
            sep, _part("plain", self.text, text_8bit, b""),
            sep, _part("html", html, html_8bit, b"MIME-Version: 1.0\n"),
            b"--" + mark + b"--\n",
        ))


def _part(subtype: str, body: bytes, eight_bit: bool, extra: bytes) -> bytes:
    head = b'Content-Type: text/' + subtype.encode("ascii") + b'; charset="utf-8"\n'
    if eight_bit:   # the newline before a boundary belongs to the boundary, hence one more
        return head + b"Content-Transfer-Encoding: 8bit\n" + extra + b"\n" + body + b"\n"
    return head + b"Content-Transfer-Encoding: base64\n" + extra + b"\n" + base64.encodebytes(body)


def prepare_message(mail: OutgoingEmail, settings: SmtpSettings) -> PreparedMessage:
    """Check the mail and fold its headers: subject/from/lesson headers are folded once
    per lesson (cached); per person only To, Message-ID, Date and List-Unsubscribe."""
    _check_mail(mail)
    lines = [
        _fold("Subject", mail.subject),
        _fold("From", _from_header(settings)),
        _to_header(mail.to_name, mail.to_addr),
        f"Date: {_date_now()}\n",
        f"Message-ID: {message_id_for(mail.delivery_id, settings.from_domain)}\n",
    ]
    if mail.unsubscribe_url:
        lines.append(f"List-Unsubscribe: <{mail.unsubscribe_url}>\n")
        lines.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click\n")
    for name, value in mail.headers.items():
        lines.append(_fold(name, value))
    return PreparedMessage("".join(lines).encode("ascii"), _normal_lines(mail.text), _normal_lines(mail.html))


def message_bytes(mail: OutgoingEmail, settings: SmtpSettings, *, eight_bit: bool = False) -> bytes:
    """The same message as ``build_message(mail, settings).as_bytes()`` (same headers,
    same parts, same encodings), assembled directly: headers that repeat across a
    lesson are folded once and cached, only the personal parts are encoded per mail.

    ``eight_bit=True`` (for servers that advertise 8BITMIME) sends each part as UTF-8
    ``8bit`` when its lines allow it (long HTML lines are broken between blocks first),
    else base64; the decoded text is the same."""
    return prepare_message(mail, settings).render(eight_bit)


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class SendResult:
    delivery_id: str
    ok: bool
    permanent: bool
    provider_id: str | None       # the server's 250 reply text (often "queued as …")
    error: str | None
    stage: str | None = None      # build|connect|auth|mail|rcpt|data|skipped on failure


class _ConnectionLost(Exception):
    pass


@dataclass
class _BatchState:
    mails: Iterator[OutgoingEmail]
    emit: Callable[[SendResult], None]
    seen: set[str] = field(default_factory=set)
    connection_failures_in_row: int = 0
    give_up_reason: str | None = None
    connections_opened: int = 0


async def send_batch(
    mails: Iterable[OutgoingEmail],
    settings: SmtpSettings,
    *,
    on_result: Callable[[SendResult], None] | None = None,
) -> list[SendResult]:
    """Send every mail once; return one SendResult per mail (completion order).

    ``mails`` is consumed lazily, so a generator of 100k mails needs little memory.
    ``on_result`` is called as soon as each outcome is known (the ledger records it).
    """
    results: list[SendResult] = []

    def emit(result: SendResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    state = _BatchState(mails=iter(mails), emit=emit)
    workers = [asyncio.create_task(_worker(state, settings)) for _ in range(settings.concurrency)]
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers:
            w.cancel()
    # Whatever is left after giving up is reported, never silently dropped.
    for mail in state.mails:
        emit(SendResult(mail.delivery_id, False, False, None,
                        f"not attempted: {state.give_up_reason or 'batch stopped'}", "skipped"))
    return results


def send_batch_sync(
    mails: Iterable[OutgoingEmail],
    settings: SmtpSettings,
    *,
    on_result: Callable[[SendResult], None] | None = None,
) -> list[SendResult]:
    """Blocking wrapper around :func:`send_batch` (works inside a running loop too).
    Runs on uvloop when it is installed (it comes with Airflow): about 15% less CPU
    per message than the default loop."""
    coro_factory = lambda: send_batch(mails, settings, on_result=on_result)  # noqa: E731
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_event_loop(coro_factory())
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = _run_event_loop(coro_factory())
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=run, name="yibao-send-batch")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def _run_event_loop(coro):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


_MAX_CONNECTION_FAILURES_IN_ROW = 3


async def _worker(state: _BatchState, settings: SmtpSettings) -> None:
    smtp: aiosmtplib.SMTP | None = None
    sent_on_connection = 0
    try:
        while state.give_up_reason is None:
            mail = next(state.mails, None)
            if mail is None:
                return
            if mail.delivery_id in state.seen:
                state.emit(SendResult(mail.delivery_id, False, True, None,
                                      "duplicate delivery_id in batch; sent only once", "build"))
                continue
            state.seen.add(mail.delivery_id)
            try:
                prepared = prepare_message(mail, settings)
            except (InvalidOutgoingEmail, ValueError) as exc:
                state.emit(SendResult(mail.delivery_id, False, True, None, str(exc), "build"))
                continue
            for attempt in (1, 2):
                if smtp is not None and not smtp.is_connected:
                    smtp = None
                if smtp is not None and sent_on_connection >= settings.max_messages_per_connection:
                    await _quit(smtp)
                    smtp = None
                if smtp is None:
                    try:
                        smtp = await _connect(settings)
                        sent_on_connection = 0
                        state.connections_opened += 1
                    except aiosmtplib.SMTPAuthenticationError as exc:
                        state.give_up_reason = f"SMTP AUTH refused ({exc.code} {exc.message})"
                        state.emit(SendResult(mail.delivery_id, False, False, None, state.give_up_reason, "auth"))
                        return
                    except (aiosmtplib.SMTPException, OSError) as exc:
                        _note_connection_failure(state, f"cannot connect: {_describe(exc)}")
                        state.emit(SendResult(mail.delivery_id, False, False, None,
                                              f"cannot connect: {_describe(exc)}", "connect"))
                        break
                try:
                    raw = prepared.render(eight_bit=smtp.supports_extension("8BITMIME"))
                    result = await _transact(smtp, mail, raw, settings)
                except _ConnectionLost as lost:
                    smtp = None
                    stage, why = lost.args
                    _note_connection_failure(state, why)
                    if stage != "data" and attempt == 1 and state.give_up_reason is None:
                        continue   # nothing was handed over yet: safe to retry on a new connection
                    state.emit(SendResult(mail.delivery_id, False, False, None, why, stage))
                    break
                sent_on_connection += 1
                state.connection_failures_in_row = 0
                state.emit(result)
                break
    finally:
        if smtp is not None:
            await _quit(smtp)


def _note_connection_failure(state: _BatchState, why: str) -> None:
    state.connection_failures_in_row += 1
    if state.connection_failures_in_row >= _MAX_CONNECTION_FAILURES_IN_ROW and state.give_up_reason is None:
        state.give_up_reason = f"{state.connection_failures_in_row} connection failures in a row, last: {why}"


async def _connect(settings: SmtpSettings) -> aiosmtplib.SMTP:
    tls = settings.security != "plain"
    smtp = aiosmtplib.SMTP(
        hostname=settings.host, port=settings.port,
        username=settings.username, password=settings.password,
        use_tls=settings.security == "tls",
        start_tls=settings.security == "starttls",
        tls_context=settings.tls_context() if tls else None,
        validate_certs=settings.validate_certs if tls else False,
        timeout=settings.timeout_s,
    )
    try:
        await smtp.connect()
        if smtp.is_ehlo_or_helo_needed:   # learn the extensions (8BITMIME) before building
            try:
                await smtp.ehlo()
            except aiosmtplib.SMTPHeloError:
                await smtp.helo()
    except BaseException:
        smtp.close()
        raise
    return smtp


async def _quit(smtp: aiosmtplib.SMTP) -> None:
    try:
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError):
        smtp.close()


async def _transact(smtp: aiosmtplib.SMTP, mail: OutgoingEmail, raw: bytes, settings: SmtpSettings) -> SendResult:
    """One MAIL/RCPT/DATA transaction. Raises _ConnectionLost(stage, why) on hang-up."""
    did = mail.delivery_id
    stage = "mail"
    try:
        # Both addresses passed _BARE_ADDRESS, so the command lines are built directly
        # (smtp.mail/rcpt would re-parse each with email.utils: ~10% of the sender's CPU).
        # 8bit parts (see PreparedMessage) must be announced in MAIL FROM.
        mail_from = [b"MAIL", b"FROM:<" + settings.from_addr.encode("ascii") + b">"]
        if not raw.isascii():
            mail_from.append(b"BODY=8BITMIME")
        response = await smtp.execute_command(*mail_from)
        if response.code != 250:
            raise aiosmtplib.SMTPSenderRefused(response.code, response.message, settings.from_addr)
        stage = "rcpt"
        response = await smtp.execute_command(b"RCPT", b"TO:<" + mail.to_addr.encode("ascii") + b">")
        if response.code not in (250, 251):
            raise aiosmtplib.SMTPRecipientRefused(response.code, response.message, mail.to_addr)
        stage = "data"
        response = await smtp.data(raw)
        return SendResult(did, True, False, response.message or None, None)
    except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as exc:
        smtp.close()
        raise _ConnectionLost(stage, f"connection lost at {stage.upper()}: {_describe(exc)}") from exc
    except aiosmtplib.SMTPResponseException as exc:
        if exc.code == 421:    # service closing the channel
            smtp.close()
            raise _ConnectionLost(stage, f"server closing connection at {stage.upper()}: {exc.message}") from exc
        if stage != "data":
            await _reset_transaction(smtp)
        permanent = 500 <= exc.code < 600
        return SendResult(did, False, permanent, None, f"{stage.upper()} refused: {exc.code} {exc.message}", stage)


async def _reset_transaction(smtp: aiosmtplib.SMTP) -> None:
    try:
        await smtp.rset()
    except (aiosmtplib.SMTPException, OSError):
        smtp.close()   # the next message reconnects


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
