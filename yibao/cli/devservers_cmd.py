"""`yibao devservers smtp|im`: local stand-ins for the mail server and the IM robots (demo).

    yibao devservers smtp [--port 1025] [--security plain] [--outdir var/mail]
    yibao devservers im   [--port 8766] [--robot wecom:demo-key ...]

Both run until Ctrl-C. The SMTP server writes each accepted message to OUTDIR as an
.eml file named after its Message-ID; the IM server prints each request it answers.
"""
from __future__ import annotations

import logging
import re
import signal
import threading
from pathlib import Path

from yibao.cli import CliError
from yibao.settings import get_settings

DEMO_ROBOTS = ("wecom:demo-wecom", "dingtalk:demo-dingtalk", "feishu:demo-feishu")


def register(subparsers) -> None:
    p = subparsers.add_parser("devservers", help="run a local SMTP server or IM webhook robots (demo/testing)")
    sub = p.add_subparsers(dest="devserver", metavar="SERVER")
    smtp = sub.add_parser("smtp", help="capturing SMTP server; writes .eml files")
    smtp.add_argument("--host", default="127.0.0.1")
    smtp.add_argument("--port", type=int, default=1025)
    smtp.add_argument("--security", choices=("plain", "starttls", "tls"), default="plain")
    smtp.add_argument("--user", help="require AUTH with this login (needs --password)")
    smtp.add_argument("--password")
    smtp.add_argument("--delay-ms", type=float, default=0.0, help="delay every SMTP reply (a slow real server)")
    smtp.add_argument("--outdir", type=Path, default=None, help="where .eml files go (default var/mail/)")
    smtp.set_defaults(func=run_smtp)
    im = sub.add_parser("im", help="WeCom / DingTalk / Feishu webhook robots on one HTTP port")
    im.add_argument("--host", default="127.0.0.1")
    im.add_argument("--port", type=int, default=8766)
    im.add_argument("--robot", action="append", metavar="PLATFORM:KEY[:SECRET[:KEYWORD]]",
                    help=f"register a robot (repeatable; default {', '.join(DEMO_ROBOTS)})")
    im.set_defaults(func=run_im)
    p.set_defaults(func=lambda _args: (p.print_help(), 2)[1])


def _wait_for_ctrl_c() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass


def _eml_name(message_id: str, n: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9._@-]+", "_", message_id.strip("<>")) or "message"
    return f"{n:05d}-{stem}.eml"


def run_smtp(args) -> int:
    from yibao.devservers.smtp import CaptureSmtpServer

    if (args.user is None) != (args.password is None):
        raise CliError("--user and --password go together")
    logging.getLogger("mail.log").setLevel(logging.WARNING)   # aiosmtpd's per-connection chatter
    outdir: Path = args.outdir or (get_settings().home / "mail")
    outdir.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def save(msg) -> None:
        counter["n"] += 1
        path = outdir / _eml_name(msg.message_id, counter["n"])
        path.write_bytes(msg.raw)
        print(f"{msg.mail_from} -> {', '.join(msg.rcpt_tos)}: {msg.message['Subject']}  [{path.name}]", flush=True)

    server = CaptureSmtpServer(
        host=args.host, port=args.port, security=args.security,
        auth=(args.user, args.password) if args.user else None,
        command_delay_s=args.delay_ms / 1000.0, on_message=save,
    )
    try:
        server.start()
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    print(f"SMTP ({args.security}) listening on {args.host}:{server.port}; writing .eml files to {outdir}")
    if server.cert_file:
        print(f"clients must trust the throw-away certificate {server.cert_file}")
    print("Ctrl-C to stop", flush=True)
    try:
        _wait_for_ctrl_c()
    finally:
        server.stop()
    return 0


def run_im(args) -> int:
    from yibao.devservers.im import ImServer

    try:
        server = ImServer(host=args.host, port=args.port)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    for spec in args.robot or DEMO_ROBOTS:
        fields = spec.split(":")
        if len(fields) < 2 or fields[0] not in ("wecom", "dingtalk", "feishu"):
            raise CliError(f"--robot {spec!r}: expected PLATFORM:KEY[:SECRET[:KEYWORD]]")
        platform, key = fields[0], fields[1]
        secret = fields[2] if len(fields) > 2 and fields[2] else None
        keyword = fields[3] if len(fields) > 3 and fields[3] else None
        url = server.add_robot(platform, key, secret=secret, keyword=keyword)
        print(f"{platform:9s} {url}" + (" (signed)" if secret else "") + (f" keyword={keyword}" if keyword else ""))
    server.start()
    print(f"IM robots listening on {server.base_url}; Ctrl-C to stop", flush=True)
    try:
        _wait_for_ctrl_c()
    finally:
        server.stop()
    for r in server.received:
        print(f"{r.platform} {r.key}: HTTP {r.http_status} {r.response}")
    return 0
