"""Daily round: reminders to unread staff, escalations to 医保联络员 and the 医保办,
a sweep of deliveries that are due (daily/weekly digests) or retryable, and the 返工 check
(lessons whose first quiz attempts show people did not learn them go back to review)."""
from __future__ import annotations

import datetime as dt

from airflow.sdk import Metadata, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from yibao import flows
from yibao.assets import REVIEW_REQUESTS
from yibao.dag_defaults import DEFAULT_ARGS, DELIVERY_POOL, START, run_deadline


@dag(dag_id="yibao_daily", schedule="0 9 * * *", start_date=START, catchup=False, max_active_runs=1,
     default_args=DEFAULT_ARGS, tags=["yibao", "deliver", "reminders"], doc_md=__doc__,
     deadline=run_deadline(dt.timedelta(hours=2), "2小时"))
def yibao_daily():
    @task(pool=DELIVERY_POOL)
    def daily_round() -> dict:
        return flows.daily_round()

    @task(pool=DELIVERY_POOL, outlets=[REVIEW_REQUESTS], trigger_rule="all_done")   # runs even if a send failed
    def rework_check():
        report = flows.rework_check()
        if not report["flagged_ids"]:
            raise AirflowSkipException(f"no lesson needs rework ({report['checked']} checked)")
        yield Metadata(REVIEW_REQUESTS, extra={"lesson_ids": report["flagged_ids"]})

    daily_round() >> rework_check()


yibao_daily()
