"""Deliver: on `yibao_approved`, send the approved lessons to their subscribers
by email and IM, exactly once per person, lesson and channel (and any other approved
lesson not yet sent, whose event started no run)."""
from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task

from yibao import flows
from yibao.assets import APPROVED, ids_from_events
from yibao.dag_defaults import DEFAULT_ARGS, DELIVERY_POOL, START, run_deadline, stage_queue


@dag(dag_id="yibao_deliver", schedule=[APPROVED], start_date=START, catchup=False,
     default_args=DEFAULT_ARGS, tags=["yibao", "deliver"], doc_md=__doc__,
     deadline=run_deadline(dt.timedelta(hours=1), "1小时"))
def yibao_deliver():
    @task(pool=DELIVERY_POOL, queue=stage_queue("deliver"))
    def deliver(**context) -> dict:
        return flows.deliver_lessons(ids_from_events(context, APPROVED, "lesson_ids"), sweep=True)

    deliver()


yibao_deliver()
