"""yibao_review: one trainer review per drafted lesson, waiting in Airflow's HITL state.

REVIEW_REQUESTS → open the round → per lesson (a mapped task group): LessonReviewOperator →
apply the answer → APPROVED (delivery) / REVIEW_REQUESTS again (redraft), each lesson as soon as
its own answer is in. Logic lives in yibao.review.
"""
from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk.exceptions import AirflowSkipException
from airflow.sdk import Metadata, dag, get_current_context, task, task_group

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

    @task(retries=2, retry_delay=dt.timedelta(seconds=10))
    def apply_review(result: dict) -> dict:
        return review_tasks.apply_review_result(result)

    @task(outlets=[APPROVED])
    def publish_approved(outcome: dict):
        ids = review_tasks.approved_ids([outcome])
        if not ids:
            raise AirflowSkipException("not approved")
        yield Metadata(APPROVED, extra={"lesson_ids": ids})

    @task(outlets=[REVIEW_REQUESTS])
    def publish_redraft(outcome: dict):
        ids = review_tasks.redraft_ids([outcome])
        if not ids:
            raise AirflowSkipException("nothing to redraft")
        yield Metadata(REVIEW_REQUESTS, extra={"lesson_ids": ids})

    # One mapped group per lesson: each lesson goes review → apply → publish on its own, so an
    # approval is delivered at once instead of waiting for the slowest reviewer of the round.
    @task_group(group_id="lesson", prefix_group_id=False)
    def review_lesson(lesson_id: int):
        # retries: a task failed by the LocalExecutor fast-answer race re-runs and finds the decision in the store
        review = LessonReviewOperator(task_id="review", lesson_id=lesson_id, retries=3,
                                      retry_delay=dt.timedelta(seconds=5))
        outcome = apply_review(review.output)
        publish_approved(outcome)
        publish_redraft(outcome)

    review_lesson.expand(lesson_id=open_round())


yibao_review()
