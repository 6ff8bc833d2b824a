"""Shared DAG settings: start date, retries, failure alerts, pools, schedules. No logic."""
from __future__ import annotations

import datetime as dt

import pendulum

START = pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai")


def _failure_callbacks() -> list:
    from yibao.review.callbacks import notify_failure

    return [notify_failure]


DEFAULT_ARGS = {
    "owner": "yibao",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "on_failure_callback": _failure_callbacks(),
}


def run_deadline(limit: dt.timedelta, label: str):
    """A DeadlineAlert: when a run is not done `limit` after it was queued, alert the 医保办."""
    from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference

    return DeadlineAlert(reference=DeadlineReference.DAGRUN_QUEUED_AT, interval=limit,
                         callback=AsyncCallback("yibao.review.callbacks.deadline_missed", kwargs={"limit": label}))


DELIVERY_POOL = "yibao_delivery"   # one sender at a time, so each IM robot's 20/min holds across runs


def stage_queue(stage: str) -> str:
    """The Celery queue of a stage's work tasks: `YIBAO_QUEUE_<STAGE>` (SCRAPE, DRAFT, DELIVER), else
    "default". Give drafting its own queue and workers, and a slow on-premises LLM never delays a send."""
    import os

    return os.environ.get(f"YIBAO_QUEUE_{stage.upper()}", "").strip() or "default"


def host_pool(source_id: str) -> str:
    """One Airflow pool per watched site, so each host sees one request stream."""
    return f"yibao_host_{source_id}"


def airflow_pools() -> dict[str, dict]:
    """Every pool the DAGs use, in `airflow pools import` form. A task whose pool does not
    exist is never scheduled, so deployments create these (`yibao pools --apply`)."""
    from scrapers.config import load_sources

    pools = {host_pool(s.id): {"slots": 1, "description": f"one request stream to {s.name}",
                               "include_deferred": False} for s in load_sources()}
    pools[DELIVERY_POOL] = {"slots": 1, "description": "one delivery sender at a time (IM robots: 20/min)",
                            "include_deferred": False}
    return pools


def watched_source_ids() -> list[str]:
    """Source ids to poll, read from config/sources.yaml at parse time (cheap YAML only)."""
    from yibao.pipeline.watch import configured_sources

    try:
        return [s.id for s in configured_sources()]
    except Exception:  # a broken config shows up as a failing task, not a missing DAG
        return ["nhsa"]


def scrape_schedule() -> str:
    import os

    return os.environ.get("YIBAO_SCRAPE_SCHEDULE", "0 7,12,17 * * *")
