"""Delivery on the production shape: PostgreSQL store, Celery workers, Redis broker.

Cases:
- celery_1_worker / celery_2_workers: 5,000 planned email messages (one lesson, 5,000
  people) sent by yibao's send step running as Celery tasks on 1 or 2 worker processes
  (`celery worker --concurrency 1` each, 2 tasks per worker, all claiming from the same
  ledger). Time from enqueueing to the last result; the SMTP dev server counts what arrived
  and every message must arrive exactly once. Baseline: 1 worker.
- ledger_sqlite / ledger_postgresql: deliver() for 1,000 people in-process (plan + claim +
  send + record), per message. Baseline: SQLite.
Machine note: 2 cores shared with other work; a second worker can only help as far as the
SMTP server (in the bench process) and PostgreSQL leave CPU free.

Run: .venv/bin/python bench/bench_celery.py
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_delivery_ledger import NOW, _store  # noqa: E402  (the same store builder: N people, 1 lesson)

CELERY_N = 5000
LEDGER_N = 1000
ROUNDS = 2


def _pg_store(pg, name: str, n: int, tmp: Path):
    """_store() builds SQLite; build on SQLite, then copy into a fresh PostgreSQL database."""
    from yibao.store.copy import copy_store

    session = _store(tmp, n)
    session.close()
    url = pg.create_database(name)
    copy_store(f"sqlite:///{tmp / 'bench.db'}", url)
    return url


def _plan(url: str) -> int:
    """Plan the ledger rows (deliver() with no SMTP reachable: rows stay pending)."""
    from sqlalchemy.orm import sessionmaker

    from yibao.delivery.service import DeliveryReport, plan
    from yibao.store.db import get_engine

    session = sessionmaker(get_engine(url), expire_on_commit=False)()
    report = DeliveryReport()
    plan(session, lesson_ids=None, now=NOW, config=None, report=report)
    session.commit()
    session.close()
    return report.planned


def _celery_round(pg, redis, smtp_server, workers: int, tmp: Path) -> float:
    url = _pg_store(pg, f"celery{workers}_{time.monotonic_ns()}", CELERY_N, tmp)
    assert _plan(url) == CELERY_N
    env = {**os.environ, "BENCH_BROKER_URL": redis.url}
    os.environ["BENCH_BROKER_URL"] = redis.url
    celery_exe = str(Path(sys.executable).with_name("celery"))
    procs = [subprocess.Popen([celery_exe, "-A", "celery_send_app", "worker", "--concurrency", "1", "--pool",
                               "prefork", "-n", f"bench{i}@%h", "--without-gossip", "--without-mingle",
                               "--loglevel", "WARNING"], cwd=HERE, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True) for i in range(workers)]
    try:
        import celery_send_app

        ping = celery_send_app.app.control
        deadline = time.monotonic() + 60
        while len(ping.ping(timeout=0.5) or []) < workers:
            assert time.monotonic() < deadline, "celery workers did not come up"
        smtp_server.reset()
        start = time.perf_counter()
        results = [celery_send_app.send_due_task.delay(url, smtp_server.port, NOW.isoformat())
                   for _ in range(2 * workers)]
        sent = sum(r.get(timeout=900) for r in results)
        elapsed = time.perf_counter() - start
    finally:
        for p in procs:
            os.killpg(p.pid, 15)
        for p in procs:
            p.wait(timeout=30)
    by_id = {m.message_id for m in smtp_server.messages}
    assert sent == CELERY_N == len(smtp_server.messages) == len(by_id), (sent, len(smtp_server.messages))
    return elapsed


def _ledger_round(url: str, smtp_server) -> float:
    from sqlalchemy.orm import sessionmaker

    from yibao.delivery.email import SmtpSettings
    from yibao.delivery.service import deliver
    from yibao.store.db import get_engine

    smtp = SmtpSettings(host="127.0.0.1", port=smtp_server.port, security="plain", from_addr="b@h.example.cn",
                        concurrency=4, timeout_s=30)
    session = sessionmaker(get_engine(url), expire_on_commit=False)()
    smtp_server.reset()
    start = time.perf_counter()
    report = deliver(session, now=NOW, smtp=smtp, config=None)
    elapsed = time.perf_counter() - start
    session.close()
    assert report.sent == LEDGER_N, report.to_dict()
    return elapsed / LEDGER_N


def main() -> list[dict]:
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    os.environ.setdefault("YIBAO_LINK_SECRET", "bench-link-secret")
    os.environ.setdefault("YIBAO_HOME", tempfile.mkdtemp(prefix="yibao-bench-"))
    from yibao.devservers.postgres import LocalPostgres
    from yibao.devservers.redis import LocalRedis
    from yibao.devservers.smtp import CaptureSmtpServer

    work = Path(tempfile.mkdtemp(prefix="yibao-bench-celery-"))
    times: dict[str, list[float]] = {"celery_1_worker": [], "celery_2_workers": [],
                                     "ledger_sqlite": [], "ledger_postgresql": []}
    repo_var = HERE.parent / "var" / f"bench-postgres-{os.getpid()}"
    # fsync on (unlike the test cluster): commits cost what they cost in production, as SQLite's do
    with LocalPostgres(repo_var, fast_unsafe=False) as pg, LocalRedis(work / "redis") as redis, CaptureSmtpServer(port=0) as smtp_server:
        for r in range(ROUNDS):
            for case, workers in (("celery_1_worker", 1), ("celery_2_workers", 2)):
                with tempfile.TemporaryDirectory() as tmp:
                    times[case].append(_celery_round(pg, redis, smtp_server, workers, Path(tmp)))
            with tempfile.TemporaryDirectory() as tmp:
                session = _store(Path(tmp), LEDGER_N)
                session.close()
                times["ledger_sqlite"].append(_ledger_round(f"sqlite:///{Path(tmp) / 'bench.db'}", smtp_server))
            with tempfile.TemporaryDirectory() as tmp:
                url = _pg_store(pg, f"ledger_{r}", LEDGER_N, Path(tmp))
                times["ledger_postgresql"].append(_ledger_round(url, smtp_server))
    import shutil
    shutil.rmtree(repo_var, ignore_errors=True)
    notes = {"celery_1_worker": f"{CELERY_N} mails, 1 Celery worker, PostgreSQL (baseline)",
             "celery_2_workers": f"{CELERY_N} mails, 2 Celery workers, PostgreSQL",
             "ledger_sqlite": f"deliver() per message, {LEDGER_N} people, SQLite (baseline)",
             "ledger_postgresql": f"deliver() per message, {LEDGER_N} people, PostgreSQL"}
    baselines = {"celery_1_worker": "celery_1_worker", "celery_2_workers": "celery_1_worker",
                 "ledger_sqlite": "ledger_sqlite", "ledger_postgresql": "ledger_sqlite"}
    rows = []
    for case, values in times.items():
        median, base = statistics.median(values), statistics.median(times[baselines[case]])
        rows.append({"bench": "celery", "case": case, "median_s": round(median, 5), "baseline": baselines[case],
                     "ratio": round(median / base, 3), "note": notes[case]})
    return rows


if __name__ == "__main__":
    import logging
    logging.disable(logging.WARNING)
    for row in main():
        print(f"{row['case']:<20} {row['median_s']:>10} {row['ratio']:>7}  {row['note']}")
