"""Daily round: reminders to unread staff, escalations to 医保联络员 and the 医保办,
and a sweep of deliveries that are due (daily/weekly digests) or retryable."""
from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task

from yibao import flows
from yibao.dag_defaults import DEFAULT_ARGS, DELIVERY_POOL, START, run_deadline


@dag(dag_id="yibao_daily", schedule="0 9 * * *", start_date=START, catchup=False, max_active_runs=1,
     default_args=DEFAULT_ARGS, tags=["yibao", "deliver", "reminders"], doc_md=__doc__,
     deadline=run_deadline(dt.timedelta(hours=2), "2小时"))
def yibao_daily():
    @task(pool=DELIVERY_POOL)
    def daily_round() -> dict:
        return flows.daily_round()

    daily_round()


yibao_daily()
