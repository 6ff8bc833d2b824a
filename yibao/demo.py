"""`make demo` / `make demo-check`: the whole system, offline, on embedded defaults.

Starts the site mirror, a capturing SMTP server and the IM robot endpoints, then
`airflow standalone` on SQLite; runs a baseline poll, publishes a new notice on
the mirror, and follows it through scrape → diff → draft → review → deliver.
`--check` approves as a robot trainer, then plays the staff member: opens the first link
of the captured .eml through the api-server in headless Chromium, reads, answers the quiz,
acknowledges, opens the unsubscribe page; it exits 0 only when the store holds the
acknowledgement and `yibao report` counts it. Logins are generated per run (printed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
import sys
import time
from pathlib import Path

from yibao.settings import REPO_ROOT

DEMO_ROBOTS = {"yibaoban": "wecom", "cardiology": "wecom", "nursing": "dingtalk", "pharmacy": "feishu"}


def say(message: str) -> None:
    print(f"[demo {time.strftime('%H:%M:%S')}] {message}", flush=True)


class DevServices:
    """Mirror + SMTP + IM endpoints on loopback, in this process."""

    def __init__(self, home: Path, mirror_port: int, smtp_port: int, im_port: int) -> None:
        from yibao.devservers.im import ImServer
        from yibao.devservers.smtp import CaptureSmtpServer
        from yibao.mirror.server import MirrorServer

        self.mirror = MirrorServer(port=mirror_port)
        self.mail_dir = home / "mail"
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.smtp = CaptureSmtpServer(port=smtp_port, security="plain", on_message=self._save_mail)
        self.im = ImServer(port=im_port)
        self.robot_env: dict[str, str] = {}

    def _save_mail(self, captured) -> None:
        n = len(list(self.mail_dir.glob("*.eml"))) + 1
        (self.mail_dir / f"{n:04d}.eml").write_bytes(captured.raw)

    def start(self) -> "DevServices":
        import json

        self.mirror.start()
        self.smtp.start()
        self.im.start()
        for robot, platform in DEMO_ROBOTS.items():
            key, secret = secrets.token_hex(8), ("SEC" + secrets.token_hex(16)) if platform != "wecom" else None
            self.im.add_robot(platform, key, secret=secret)
            base = self.im.url_for(platform, key).split("?")[0].removesuffix(f"/{key}")
            self.robot_env[f"AIRFLOW_CONN_YIBAO_IM_{robot.upper()}"] = json.dumps(
                {"conn_type": "http", "host": base, "password": key,
                 "extra": {"platform": platform, **({"secret": secret} if secret else {})}})
        return self

    def stop(self) -> None:
        for server in (self.im, self.smtp, self.mirror):
            try:
                server.stop()
            except Exception:  # stopping is best effort
                pass


def demo_env(home: Path, services: DevServices, api_port: int) -> dict[str, str]:
    return {
        "YIBAO_HOME": str(home),
        "YIBAO_DATABASE_URL": f"sqlite:///{home / 'yibao.db'}",
        "YIBAO_MIRROR_URL": services.mirror.base_url,
        "YIBAO_SOURCES": "nhsa",
        "YIBAO_SMTP_HOST": "127.0.0.1",
        "YIBAO_SMTP_PORT": str(services.smtp.port),
        "YIBAO_SMTP_SECURITY": "plain",
        "YIBAO_SMTP_FROM": "training@hospital.example.cn",
        "YIBAO_LINK_SECRET": secrets.token_hex(32),
        "YIBAO_PUBLIC_URL": f"http://127.0.0.1:{api_port}/yibao",
        "YIBAO_USER_AGENT": "yibao-demo/0.1 (+local mirror)",
        **services.robot_env,
    }


def todays_notice():
    """The mirror's demo notice, published today (so its 7-working-day window is open)."""
    from dataclasses import replace

    from yibao.mirror.content import demo_update

    today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
    return replace(demo_update(), publish_date=today.isoformat())


def store_summary() -> dict[str, int]:
    from sqlalchemy import func, select

    from yibao.store import Change, Delivery, Document, Lesson, Version, open_session

    with open_session() as s:
        count = lambda model, *where: s.scalar(select(func.count()).select_from(model).where(*where))  # noqa: E731
        return {"documents": count(Document), "versions": count(Version), "changes": count(Change),
                "lessons": count(Lesson), "approved": count(Lesson, Lesson.status == "approved"),
                "deliveries_sent": count(Delivery, Delivery.state.in_(("sent", "read", "acknowledged")))}


def open_deliveries(af) -> list[str]:
    """What is still on its way: deliver runs queued or running, approved lessons not yet
    planned, messages pending or being sent ([] when delivery has settled)."""
    from sqlalchemy import func, select

    from yibao.delivery.service import approved_unsent
    from yibao.store import Delivery, open_session

    runs = af.api("GET", "/dags/yibao_deliver/dagRuns", params={"order_by": "-run_after", "limit": 20})
    busy = sum(1 for r in runs.get("dag_runs", []) if r["state"] in ("queued", "running"))
    with open_session() as s:
        unsent = approved_unsent(s)
        pending = s.scalar(select(func.count()).select_from(Delivery)
                           .where(Delivery.state.in_(("pending", "sending"))))
    return ([f"{busy} deliver run(s) running"] if busy else []) + \
        ([f"lessons {unsent} approved, not yet sent"] if unsent else []) + \
        ([f"{pending} message(s) pending"] if pending else [])


def wait_deliveries_settled(af, timeout_s: float = 180) -> list[str]:
    """Wait until every approval has been delivered (or the time is up); returns what is still open."""
    deadline = time.monotonic() + timeout_s
    while (still := open_deliveries(af)) and time.monotonic() < deadline:
        time.sleep(3)
    return still


def robot_trainer(af, timeout_s: float = 240) -> int:
    """Approve every pending review through the real HITL API, ≥2 s after it parked."""
    from yibao.demo_trainer import approve_pending

    return approve_pending(af, timeout_s=timeout_s, say=say)


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal, `timeout`, a service manager) stop the demo as
    Ctrl-C does: through the `finally` that stops Airflow and the dev servers."""
    import signal

    def interrupt(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)


def run(args) -> int:
    import logging

    from yibao.airflow_local import Standalone

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    stop_on_signals()

    home = Path(args.home).resolve()
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    services = DevServices(home, args.mirror_port, args.smtp_port, args.im_port).start()
    env = demo_env(home, services, args.port)
    os.environ.update(env)
    # the robot trainer drives the API as the first user; `trainer` is named in config/trainers.yaml
    logins = {"trainer": secrets.token_urlsafe(9), "admin": secrets.token_urlsafe(9)}
    af = Standalone(home=home / "airflow", port=args.port, extra_env=env, users=logins)
    try:
        say(f"mirror {services.mirror.base_url}  smtp 127.0.0.1:{services.smtp.port}  im {services.im.base_url}")
        say("migrating Airflow's database and starting airflow standalone (about a minute) …")
        af.prepare()
        sync_subscriptions()
        af.start()
        for dag_id in ("yibao_scrape", "yibao_draft", "yibao_review", "yibao_deliver"):
            af.wait_for_dag(dag_id)
        say(f"Airflow UI: {af.url}  (login trainer / {logins['trainer']} — decides on lessons; "
            f"admin / {logins['admin']} — Airflow admin, reads lessons only; both for this run only)")

        run_id = af.trigger("yibao_scrape")
        say(f"1/6 baseline poll of the mirror ({run_id}) …")
        af.wait_run("yibao_scrape", run_id)
        say(f"    store after baseline: {store_summary()}")

        notice = todays_notice()
        services.mirror.publish(notice)
        say(f"2/6 published on the mirror: {notice.title} ({notice.doc_number})")
        marker = dt.datetime.now(dt.timezone.utc).isoformat()
        run_id = af.trigger("yibao_scrape")
        af.wait_run("yibao_scrape", run_id)
        say(f"3/6 detected and diffed; drafting (asset-triggered) … {store_summary()}")
        af.wait_run("yibao_draft", after=marker, timeout_s=180)
        if args.check:
            approved = robot_trainer(af)
            say(f"4/6 robot trainer approved {approved} lesson(s) through the HITL API")
        else:
            say(f"4/6 review the drafts: {af.url}/plugin/yibao-review  (or Required Actions) — waiting …")
        af.wait_run("yibao_deliver", after=marker, timeout_s=None if not args.check else 300)
        mail = wait_for_mail(services.smtp, timeout_s=60)
        still = wait_deliveries_settled(af)
        mail = wait_for_mail(services.smtp, timeout_s=1)
        say(f"5/6 delivered: {len(mail)} mail(s) captured in {home / 'mail'}; {store_summary()}"
            + (f"; still on its way: {', '.join(still)}" if still else ""))
        for message in mail[:5]:
            say(f"    → {message['To']}: {message['Subject']}")
        say(f"IM messages received by the robot endpoints: {len(services.im.received)}")
        if args.check:
            return staff_step(services) if mail else 1
        say(f"6/6 as a staff member: open a link of {home / 'mail' / '0001.eml'} in a browser "
            "(read, quiz, 我已学习); `yibao report --since <today>` counts it")
        say("everything stays up; Ctrl-C stops every process this demo started")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        say("stopping …")
        af.stop()
        services.stop()


def staff_step(services: DevServices) -> int:
    """The first captured .eml, opened as the staff member would; 0 only when acknowledged and counted."""
    from playwright.sync_api import sync_playwright

    from yibao.delivery.walkthrough import WalkthroughError, launch_chromium, walk_mail

    first = sorted(services.mail_dir.glob("*.eml"))
    lesson_mail = next((p for p in first if b"/l/" in p.read_bytes()), None)
    if lesson_mail is None:
        say("6/6 staff step FAILED: no captured mail holds a lesson link")
        return 1
    say(f"6/6 staff step: opening the first link of {lesson_mail.name} in headless Chromium …")
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                walk = walk_mail(lesson_mail.read_bytes(), browser, say=say)
            finally:
                browser.close()
    except WalkthroughError as exc:
        say(f"6/6 staff step FAILED: {exc}")
        return 1
    say(f"6/6 staff step: {walk.staff_step()}")
    return 0


def sync_subscriptions() -> None:
    from yibao.flows import sync_subscribers
    from yibao.store import open_session

    with open_session() as session:
        sync_subscribers(session)


def wait_for_mail(smtp, timeout_s: float) -> list:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not smtp.messages:
        time.sleep(1)
    return [m.message if hasattr(m, "message") else m for m in smtp.messages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m yibao.demo", description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="unattended: robot trainer and robot staff; exit 0 only when the mailed link was "
                             "opened, the quiz passed and the acknowledgement is stored and reported")
    parser.add_argument("--home", default=str(REPO_ROOT / "var" / "demo"))
    parser.add_argument("--port", type=int, default=8080, help="Airflow API/UI port")
    parser.add_argument("--mirror-port", type=int, default=8765)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--im-port", type=int, default=8766)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
