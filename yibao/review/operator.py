"""LessonReviewOperator: a HITL wait for one lesson that checks the store first.

Order of events inside `execute`, chosen so that no answer can be lost:
1. a decision already in the store (made in our page, maybe before this task
   started, or before a retry) → return it, never park;
   (The worker's supervisor does not serve GetHITLDetailResponse, so an answer given
   only in Airflow's own page and lost to the race is asked again — humans there are
   slower than the ~1 s race window; our page always writes the store first.)
2. note in the store where this task waits, write the HITL request, then check the
   store once more: a decision made between step 1 and the request was written
   before our page looked for the HITL detail, so it is seen here → return it;
3. otherwise park in `awaiting_input` until the answer or the timeout default
   ("Escalate").
"""
from __future__ import annotations

import logging
from typing import Any

from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import Param

from yibao.review.decisions import HitlRef, current_decision, get_lesson, record_request
from yibao.review.render import review_body, review_subject
from yibao.review.timeouts import response_timeout
from yibao.store.db import open_session

log = logging.getLogger(__name__)

REVIEW_OPTIONS = ["Approve", "Reject", "Regenerate", "Escalate"]


def body_param(text: str | None) -> Param:
    # optional (the null type): Airflow's form requires every typed field otherwise
    return Param(text, type=["null", "string"], title="课程正文 (Markdown)",
                 description="已填入当前正文；改动后提交即保存，不改或留空则保留审核页中的最新正文", format="multiline")


class LessonReviewOperator(HITLOperator):
    """Wait for a trainer's decision on lesson `lesson_id` (mappable over lesson ids)."""

    template_fields = ("subject", "body", "lesson_id")
    ui_color = "#fde68a"

    def __init__(self, *, lesson_id: int | str, **kwargs: Any) -> None:
        kwargs.setdefault("subject", "课程审核")
        kwargs.setdefault("options", list(REVIEW_OPTIONS))
        kwargs.setdefault("defaults", ["Escalate"])
        kwargs.setdefault("params", {
            "body_md": body_param(None),
            "comment": Param(None, type=["null", "string"], title="意见 / 重新生成说明",
                             description="驳回或重新生成时必填"),
        })
        super().__init__(**kwargs)
        self.lesson_id = lesson_id

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow.sdk.exceptions import TaskAwaitingInput
        from airflow.sdk.execution_time.hitl import upsert_hitl_detail

        lesson_id = int(self.lesson_id)
        ti = context["task_instance"]
        with open_session() as session:
            decision = current_decision(session, lesson_id)
            if decision is None:
                lesson = get_lesson(session, lesson_id)
                self.subject = review_subject(lesson)
                self.body = review_body(session, lesson)
                self.response_timeout = response_timeout(lesson.deadline)
                self.params["body_md"] = body_param(lesson.body_md)   # the form opens with the lesson in it
                record_request(session, lesson_id, HitlRef(ti.dag_id, ti.run_id, ti.task_id, ti.map_index),
                               offered_md=lesson.body_md)
        if decision is not None:
            log.info("lesson %s already decided in the store (%s by %s); not waiting",
                     lesson_id, decision.option, decision.actor)
            return decision.as_hitl_result(lesson_id)

        upsert_hitl_detail(ti_id=ti.id, options=self.options, subject=self.subject, body=self.body,
                           defaults=self.defaults, multiple=self.multiple, params=self.serialized_params,
                           assigned_users=self.assigned_users)
        with open_session() as session:
            decision = current_decision(session, lesson_id)
        if decision is not None:
            return decision.as_hitl_result(lesson_id)

        for notifier in self.notifiers:
            notifier(context)
        log.info("waiting for a review of lesson %s (timeout %s)", lesson_id, self.response_timeout)
        raise TaskAwaitingInput(method_name="execute_complete", timeout=self.response_timeout)

    def execute_complete(self, context: Any, event: dict[str, Any]) -> dict[str, Any]:
        result = dict(super().execute_complete(context, event))
        if result.get("responded_at") is not None and not isinstance(result["responded_at"], str):
            result["responded_at"] = result["responded_at"].isoformat()
        return {**result, "lesson_id": int(self.lesson_id), "source": "hitl"}
