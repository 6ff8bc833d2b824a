"""yibao_review: one trainer review per drafted lesson, waiting in Airflow's HITL state.

REVIEW_REQUESTS → open the round → LessonReviewOperator per lesson → apply the answer
→ APPROVED (delivery) / REVIEW_REQUESTS again (redraft). Logic lives in yibao.review.
"""
from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk.exceptions import AirflowSkipException
from airflow.sdk import Metadata, dag, get_current_context, task

from yibao.assets import APPROVED, REVIEW_REQUESTS
from yibao.dag_defaults import DEFAULT_ARGS
from yibao.review import tasks as review_tasks
from yibao.review.operator import LessonReviewOperator


@dag(dag_id="yibao_review", schedule=[REVIEW_REQUESTS], start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
     catchup=False, max_active_runs=16, default_args=DEFAULT_ARGS, tags=["yibao", "review"], doc_md=__doc__)
def yibao_review():
    @task
    def open_round() -> list[int]:
        ids = review_tasks.open_review_round(get_current_context())
        if not ids:
            raise AirflowSkipException("no lesson ids in the triggering events")
        return ids

    # retries: a task failed by the LocalExecutor fast-answer race re-runs and finds the decision in the store
    review = LessonReviewOperator.partial(
        task_id="review", retries=3, retry_delay=dt.timedelta(seconds=5),
    ).expand(lesson_id=open_round())

    @task(retries=2, retry_delay=dt.timedelta(seconds=10))
    def apply_review(result: dict) -> dict:
        return review_tasks.apply_review_result(result)

    # outcomes[:] reads all mapped results in one request; iterating the lazy sequence
    # instead probes one index past the end and leaves an "XCom not found" error in the log
    @task(outlets=[APPROVED], trigger_rule="all_done")
    def publish_approved(outcomes):
        ids = review_tasks.approved_ids(outcomes[:])
        if not ids:
            raise AirflowSkipException("nothing approved")
        yield Metadata(APPROVED, extra={"lesson_ids": ids})

    @task(outlets=[REVIEW_REQUESTS], trigger_rule="all_done")
    def publish_redrafts(outcomes):
        ids = review_tasks.redraft_ids(outcomes[:])
        if not ids:
            raise AirflowSkipException("nothing to redraft")
        yield Metadata(REVIEW_REQUESTS, extra={"lesson_ids": ids})

    outcomes = apply_review.expand(result=review.output)
    publish_approved(outcomes)
    publish_redrafts(outcomes)


yibao_review()
