"""Failure notifications to the 医保办: attach to every DAG's default_args.

    default_args = {"on_failure_callback": notify_failure}            # a plain function
    default_args = {"on_failure_callback": FailureAlertNotifier()}    # or the notifier

Both send `alerts.alert(...)` (level "alert", stage = the DAG's stage) with a link to
the failed run in the Airflow UI. A notification must never break the task's own
failure handling, so errors while alerting are logged, not raised.
"""
from __future__ import annotations

import logging
import os
from typing import Any
from urllib.parse import quote

from airflow.sdk import BaseNotifier

from yibao.review.notify import send_alert
from yibao.store.db import open_session

log = logging.getLogger(__name__)

STAGES = {"yibao_scrape": "scrape", "yibao_draft": "draft", "yibao_review": "review", "yibao_deliver": "delivery",
          "yibao_daily": "reminders"}


def airflow_base_url() -> str:
    try:
        from airflow.configuration import conf

        url = conf.get("api", "base_url", fallback=None)
    except Exception:  # noqa: BLE001
        url = None
    return (url or os.environ.get("AIRFLOW__API__BASE_URL") or "http://localhost:8080").rstrip("/")


def run_link(dag_id: str, run_id: str, task_id: str | None = None, map_index: int | None = -1) -> str:
    """The Airflow UI page of a run, or of one of its tasks (a mapped task's instance: /mapped/N)."""
    link = f"{airflow_base_url()}/dags/{quote(dag_id)}/runs/{quote(run_id, safe='')}"
    if not task_id:
        return link
    link = f"{link}/tasks/{quote(task_id)}"
    return f"{link}/mapped/{map_index}" if isinstance(map_index, int) and map_index >= 0 else link


def failure_alert(context: dict[str, Any]) -> dict[str, str]:
    """Subject, message, link and stage of the alert for a failure context (pure)."""
    ti = context.get("task_instance") or context.get("ti")
    dag_run = context.get("dag_run")
    dag_id = getattr(ti, "dag_id", None) or getattr(dag_run, "dag_id", None) or "?"
    run_id = getattr(ti, "run_id", None) or getattr(dag_run, "run_id", None) or "?"
    task_id = getattr(ti, "task_id", None)
    map_index = getattr(ti, "map_index", -1)
    where = f"{dag_id}.{task_id}" + (f"[{map_index}]" if map_index not in (None, -1) else "") if task_id else dag_id
    error = context.get("exception") or context.get("reason") or "unknown error"
    return {"subject": f"任务失败：{where}"[:200],
            "message": f"{where} 在运行 {run_id} 中失败（第 {getattr(ti, 'try_number', '?')} 次尝试）：{error}",
            "link": run_link(dag_id, run_id, task_id, map_index), "stage": STAGES.get(dag_id, "pipeline")}


def notify_failure(context: dict[str, Any]) -> None:
    """on_failure_callback: alert the 医保办 through the configured channels."""
    try:
        alert = failure_alert(context)
        with open_session() as session:
            send_alert(session, subject=alert["subject"], message=alert["message"], link=alert["link"],
                       stage=alert["stage"], level="alert")
    except Exception:  # noqa: BLE001 - see module docstring
        log.exception("could not send the failure alert")


def deadline_alert(context: dict[str, Any], limit: str) -> dict[str, str]:
    """Subject, message, link and stage of the alert for a missed run deadline (pure).

    `context` is what Airflow gives deadline callbacks: {"dag_run": {dag_id, dag_run_id, state,
    queued_at, ...}, "deadline": {id, deadline_time}}.
    """
    run = context.get("dag_run") or {}
    dag_id, run_id = run.get("dag_id") or "?", run.get("dag_run_id") or run.get("run_id") or "?"
    when = (context.get("deadline") or {}).get("deadline_time", "?")
    return {"subject": f"运行超时：{dag_id}"[:200],
            "message": (f"{dag_id} 的运行 {run_id} 未在 {limit} 内完成（截止 {when}，当前状态 {run.get('state', '?')}）。"
                        "培训时效可能受影响，请查看运行日志。"),
            "link": run_link(dag_id, run_id), "stage": STAGES.get(dag_id, "pipeline")}


async def deadline_missed(context: dict[str, Any], limit: str = "", **_: Any) -> None:
    """DeadlineAlert callback (runs in the triggerer): alert the 医保办 that a run is overdue."""
    import asyncio

    def send() -> None:
        alert = deadline_alert(context, limit)
        with open_session() as session:
            send_alert(session, subject=alert["subject"], message=alert["message"], link=alert["link"],
                       stage=alert["stage"], level="alert")

    try:
        await asyncio.to_thread(send)
    except Exception:  # noqa: BLE001 - see module docstring
        log.exception("could not send the deadline alert")


class FailureAlertNotifier(BaseNotifier):
    """The same as `notify_failure`, as a BaseNotifier (usable in notifiers= lists too)."""

    template_fields = ()

    def notify(self, context: dict[str, Any]) -> None:
        notify_failure(context)
