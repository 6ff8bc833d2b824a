"""`make production-check`: the demo's whole flow on the production shape, natively (no Docker).

Starts, all private to this run and on free ports:
  * PostgreSQL (Debian package) with two databases: `airflow` (metadata) and `yibao` (the store);
  * Redis (the Celery broker);
  * Airflow with the CeleryExecutor: api-server, scheduler, dag-processor, triggerer, 2 Celery workers;
  * the site mirror, the SMTP server and the IM robot endpoints (as in `make demo`).
Then, against the mirror: baseline scrape → a new notice → scrape + diff → draft → HITL approval
(robot trainer, through the review API) → delivery → one staff member acknowledges from the
mailed link (headless Chromium through the api-server: read, quiz, 我已学习). It checks that tasks ran on both workers, that every mail arrived exactly once
(Message-IDs against the ledger), and that the acknowledgement is in the store; then stops
everything it started, by PID. Exit 0 only when every check passed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from yibao.settings import REPO_ROOT


def say(message: str) -> None:
    print(f"[production-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


class CheckFailed(Exception):
    pass


def run(home: Path, workers: int = 2) -> int:
    import logging

    from yibao.demo import (DevServices, demo_env, staff_step, store_summary, sync_subscriptions, todays_notice,
                            wait_for_mail)
    from yibao.demo_trainer import approve_pending
    from yibao.devservers.postgres import LocalPostgres, free_port
    from yibao.devservers.redis import LocalRedis
    from yibao.production.celery_airflow import CeleryAirflow, celery_env

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    started: list = []   # stopped in reverse order, whatever happens
    failures: list[str] = []
    try:
        postgres = LocalPostgres(home / "postgres").start()
        started.append(postgres)
        metadata_url, store_url = postgres.create_database("airflow"), postgres.create_database("yibao")
        redis = LocalRedis(home / "redis").start()
        started.append(redis)
        services = DevServices(home, 0, 0, 0).start()
        started.append(services)
        api_port = free_port()
        env = {**demo_env(home, services, api_port), "YIBAO_DATABASE_URL": store_url}
        os.environ.update(env)
        af = CeleryAirflow(home=home / "airflow", port=api_port, workers=workers,
                           extra_env={**env, **celery_env(metadata_url, redis.url)},
                           users={"trainer": "trainer", "admin": "admin"})   # the robot trainer drives the API as the first user
        say(f"PostgreSQL pid {postgres.pid} port {postgres.port} (databases airflow, yibao); "
            f"Redis pid {redis.process.pid} port {redis.port}")
        say("migrating Airflow's metadata DB on PostgreSQL …")
        af.prepare()
        sync_subscriptions()
        started.append(af)
        af.start()
        say(f"Airflow (CeleryExecutor) up at {af.url}: " + ", ".join(f"{n} pid {p}" for n, p in af.pids().items()))
        for dag_id in ("yibao_scrape", "yibao_draft", "yibao_review", "yibao_deliver"):
            af.wait_for_dag(dag_id)

        run_id = af.trigger("yibao_scrape")
        say(f"1/6 baseline poll of the mirror ({run_id}) …")
        _require_success(af.wait_run("yibao_scrape", run_id))
        notice = todays_notice()
        services.mirror.publish(notice)
        marker = _utc_now_iso()
        say(f"2/6 published on the mirror: {notice.title}; scraping …")
        _require_success(af.wait_run("yibao_scrape", af.trigger("yibao_scrape")))
        say(f"3/6 drafting (asset-triggered) … {store_summary()}")
        _require_success(af.wait_run("yibao_draft", after=marker, timeout_s=300))
        approved = approve_pending(af, timeout_s=300, say=say)
        say(f"4/6 robot trainer approved {approved} lesson(s) through the review API")
        _require_success(af.wait_run("yibao_deliver", after=marker, timeout_s=300))
        # each approval finishes a review run, which queues a delivery run: wait until all are done
        wait_until_idle(af, ("yibao_review", "yibao_deliver"))
        mails = wait_for_mail(services.smtp, timeout_s=60)
        say(f"5/6 delivered: {len(mails)} mail(s), {len(services.im.accepted())} IM message(s); {store_summary()}")
        failures += check_mail_once(services)
        if staff_step(services) != 0:   # the mailed link, through the api-server, in headless Chromium
            failures.append("the staff step through the first mailed link failed")
        failures += check_ack_stored()
        failures += check_both_workers(af, workers)
    except Exception as exc:  # report, then stop everything below
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        say("stopping everything this check started …")
        pids = _pids(started)
        for thing in reversed(started):
            try:
                thing.stop()
            except Exception as exc:  # keep stopping the rest
                say(f"  could not stop {type(thing).__name__}: {exc}")
        alive = [f"{name} ({pid})" for name, pid in pids.items() if _alive(pid)]
        say(f"stopped {len(pids) - len(alive)}/{len(pids)} server processes by PID: {', '.join(pids)}")
        if alive:
            failures.append(f"still running after stop: {', '.join(alive)}")
    for failure in failures:
        say(f"FAILED: {failure}")
    say("production check passed" if not failures else f"production check FAILED ({len(failures)} problem(s)); "
        f"logs in {home}")
    return 0 if not failures else 1


def _pids(started: list) -> dict[str, int]:
    pids: dict[str, int] = {}
    for thing in started:
        if hasattr(thing, "pids"):
            pids.update(thing.pids())
        elif getattr(thing, "process", None) is not None:
            pids["redis"] = thing.process.pid
        elif getattr(thing, "pid", None):
            pids["postgres"] = thing.pid
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie (exited, not yet reaped by us) counts as stopped
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def wait_until_idle(af, dag_ids: tuple[str, ...], timeout_s: float = 420, quiet_s: float = 15) -> None:
    """Until none of these DAGs has a run queued or running, for `quiet_s` in a row."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        busy = sum(af.api("GET", f"/dags/{dag_id}/dagRuns",
                          params={"state": ["queued", "running"], "limit": 1}).get("total_entries", 0)
                   for dag_id in dag_ids)
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        time.sleep(3)
    raise CheckFailed(f"{', '.join(dag_ids)} still had runs queued or running after {timeout_s:.0f}s")


def _utc_now_iso() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).isoformat()


def _require_success(run: dict) -> None:
    if run.get("state") != "success":
        raise CheckFailed(f"{run.get('dag_id')} run {run.get('dag_run_id')} ended {run.get('state')}")


def check_mail_once(services) -> list[str]:
    """Every sent email ledger row arrived exactly once, under its own Message-ID."""
    from sqlalchemy import select

    from yibao.delivery.ledger import DELIVERED_STATES
    from yibao.store import Delivery, open_session

    with open_session() as s:
        sent = s.scalars(select(Delivery).where(Delivery.channel == "email",
                                                Delivery.state.in_(DELIVERED_STATES))).all()
        expected = Counter(d.target for d in sent)
    received = Counter(m.rcpt_tos[0] for m in services.smtp.messages)
    by_id = Counter(m.message_id for m in services.smtp.messages)
    problems = []
    if not sent:
        problems.append("no email was delivered")
    if received != expected:
        problems.append(f"mails at the SMTP server {dict(received)} differ from the ledger {dict(expected)}")
    if any(n > 1 for n in by_id.values()):
        problems.append(f"a Message-ID arrived twice: {[m for m, n in by_id.items() if n > 1]}")
    say(f"    mail: {sum(received.values())} received, {len(sent)} in the ledger, "
        f"{len(by_id)} distinct Message-IDs")
    return problems + check_im_once(services)


def check_im_once(services) -> list[str]:
    """No IM message was accepted twice (a second copy would carry the same text)."""
    import json

    from sqlalchemy import func, select

    from yibao.delivery.ledger import DELIVERED_STATES
    from yibao.store import Delivery, open_session

    with open_session() as s:
        rows = s.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.channel != "email", Delivery.state.in_(DELIVERED_STATES)))
    bodies = Counter(json.dumps(r.body, ensure_ascii=False, sort_keys=True) for r in services.im.accepted())
    say(f"    IM: {sum(bodies.values())} messages accepted for {rows} ledger rows (group robots bundle people)")
    problems = [] if sum(bodies.values()) <= rows else ["more IM messages than IM ledger rows"]
    return problems + (["an IM message was accepted twice"] if any(n > 1 for n in bodies.values()) else [])


def check_ack_stored() -> list[str]:
    from sqlalchemy import func, select

    from yibao.store import open_session
    from yibao.store.models import Acknowledgement

    with open_session() as s:
        acks = s.scalar(select(func.count()).select_from(Acknowledgement).where(Acknowledgement.kind == "ack"))
    say(f"    acknowledgements in the store: {acks}")
    return [] if acks else ["no acknowledgement stored"]


def check_both_workers(af, workers: int) -> list[str]:
    """Which Celery worker ran each task instance (hostname = YIBAO_WORKER_NAME, see hostname.py)."""
    data = af.api("GET", "/dags/~/dagRuns/~/taskInstances", params={"limit": 1000})
    ran = Counter(ti.get("hostname") or "?" for ti in data.get("task_instances", [])
                  if ti.get("state") in ("success", "failed"))
    say(f"    task instances per worker: {dict(ran)}")
    missing = [f"worker-{n}" for n in range(1, workers + 1) if not ran.get(f"worker-{n}")]
    return [f"no task ran on {', '.join(missing)}"] if missing else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m yibao.production.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", default=str(REPO_ROOT / "var" / "production-check"))
    parser.add_argument("--workers", type=int, default=2, help="Celery workers to start (default 2)")
    args = parser.parse_args(argv)
    return run(Path(args.home).resolve(), workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
