"""Draft: on `yibao_changes`, draft lessons per role and ask trainers to review them
(`yibao_review_requests`)."""
from __future__ import annotations

import datetime as dt

from airflow.sdk.exceptions import AirflowSkipException
from airflow.sdk import Metadata, dag, task

from yibao import flows
from yibao.assets import CHANGES, REVIEW_REQUESTS, ids_from_events
from yibao.dag_defaults import DEFAULT_ARGS, START, run_deadline, stage_queue


@dag(dag_id="yibao_draft", schedule=[CHANGES], start_date=START, catchup=False,
     default_args=DEFAULT_ARGS, tags=["yibao", "draft"], doc_md=__doc__,
     deadline=run_deadline(dt.timedelta(hours=1), "1小时"))
def yibao_draft():
    @task(queue=stage_queue("draft"))
    def draft(**context) -> list[int]:
        return flows.draft_lessons(ids_from_events(context, CHANGES, "change_ids"))

    @task(outlets=[REVIEW_REQUESTS])
    def request_review(lesson_ids: list[int]):
        if not lesson_ids:
            raise AirflowSkipException("no lessons to review")
        yield Metadata(REVIEW_REQUESTS, extra={"lesson_ids": lesson_ids})

    request_review(draft())


yibao_draft()
