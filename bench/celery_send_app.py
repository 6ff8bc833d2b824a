"""The Celery app of bench_celery.py: one task, yibao's send step (`send_due`) on the store.

Started by the bench as `celery -A celery_send_app worker` (cwd bench/), against the bench's
Redis broker; the same celery + Redis stack Airflow's CeleryExecutor runs tasks on.
"""
from __future__ import annotations

import datetime as dt
import os

from celery import Celery

app = Celery("yibao_bench", broker=os.environ["BENCH_BROKER_URL"], backend=os.environ["BENCH_BROKER_URL"])
app.conf.worker_prefetch_multiplier = 1
app.conf.task_acks_late = True


@app.task(name="yibao_bench.send_due")
def send_due_task(store_url: str, smtp_port: int, now_iso: str) -> int:
    """Send every due ledger row this worker can claim; returns how many it sent."""
    from sqlalchemy.orm import sessionmaker

    from yibao.delivery.email import SmtpSettings
    from yibao.delivery.service import send_due
    from yibao.store.db import get_engine

    smtp = SmtpSettings(host="127.0.0.1", port=smtp_port, security="plain", from_addr="b@h.example.cn",
                        concurrency=4, timeout_s=30)
    session = sessionmaker(get_engine(store_url), expire_on_commit=False)()
    try:
        return send_due(session, now=dt.datetime.fromisoformat(now_iso), smtp=smtp).sent
    finally:
        session.close()
