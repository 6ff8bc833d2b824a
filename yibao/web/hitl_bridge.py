"""Resolve the waiting HITL task for a lesson, in-process inside the api-server.

Choice: we call the core API's own `update_hitl_detail` route function directly,
with a metadata-DB session and the *caller's* user object, after checking the
same permission its route dependency checks (DAG "PUT" on HITL details). That
keeps Airflow's validation, locking and resume logic, records the real trainer as
`responded_by`, and needs neither a token nor a URL of the api-server itself.

Called only after the decision is committed to the store. Outcomes:
- "resumed":   the task was parked and is now resumed with our answer;
- "recorded":  the HITL detail took the answer; the task was not parked (yet);
- "task_will_read_store": no HITL request exists yet — the task checks the store
  after writing its request, so it will find the decision;
- "rerun_triggered": the review run for this lesson is already past its apply
  step (timeout-escalated, failed, answered elsewhere): a new `yibao_review` run
  with conf {"lesson_ids": [id]} applies the stored decision.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException

from yibao.review.decisions import HitlRef

log = logging.getLogger(__name__)

REVIEW_DAG_ID = "yibao_review"
APPLY_TASK_ID = "apply_review"
TERMINAL = {"success", "failed", "skipped", "upstream_failed", "removed"}


@dataclass(frozen=True)
class Resolution:
    status: str
    detail: str = ""


def can_review(user: Any, method: str = "PUT") -> bool:
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails

    return get_auth_manager().is_authorized_dag(method=method, access_entity=DagAccessEntity.HITL_DETAIL,
                                                details=DagDetails(id=REVIEW_DAG_ID), user=user)


def resolve(user: Any, lesson_id: int, ref: HitlRef | None, review_run_id: str | None, option: str,
            params_input: dict[str, Any], needs_apply: bool) -> Resolution:
    if ref is None:
        if review_run_id and not _run_finished(review_run_id):
            return Resolution("task_will_read_store", f"review run {review_run_id} has not reached the lesson yet")
        return _rerun(user, lesson_id, needs_apply, "no review task was ever started for this lesson")
    try:
        state = _patch(user, ref, option, params_input)
    except HTTPException as exc:
        if exc.status_code == 404 and not _apply_done(ref):
            return Resolution("task_will_read_store", str(exc.detail))
        if exc.status_code not in (404, 409):
            raise
        detail = str(exc.detail)
    else:
        if state in ("scheduled", "queued", "running"):
            return Resolution("resumed", f"task {ref.task_id}[{ref.map_index}] resumed")
        if not _apply_done(ref):
            return Resolution("recorded", f"task state {state}; its apply step reads the store")
        detail = f"task state {state}"
    if _apply_done(ref):
        return _rerun(user, lesson_id, needs_apply, detail)
    return Resolution("task_will_read_store", detail)


def _patch(user: Any, ref: HitlRef, option: str, params_input: dict[str, Any]) -> str | None:
    from airflow.api_fastapi.core_api.datamodels.hitl import UpdateHITLDetailPayload
    from airflow.api_fastapi.core_api.routes.public.hitl import update_hitl_detail
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        update_hitl_detail(dag_id=ref.dag_id, dag_run_id=ref.run_id, task_id=ref.task_id,
                           update_hitl_detail_payload=UpdateHITLDetailPayload(
                               chosen_options=[option], params_input=params_input),
                           user=user, session=session, map_index=ref.map_index)
        session.flush()
        return session.scalar(select(TaskInstance.state).where(
            TaskInstance.dag_id == ref.dag_id, TaskInstance.run_id == ref.run_id,
            TaskInstance.task_id == ref.task_id, TaskInstance.map_index == ref.map_index))


def _apply_done(ref: HitlRef) -> bool:
    """Has this lesson's apply step (same map index) already finished, or can it never run?"""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        states = {t: s for t, s in session.execute(select(TaskInstance.task_id, TaskInstance.state).where(
            TaskInstance.dag_id == ref.dag_id, TaskInstance.run_id == ref.run_id,
            TaskInstance.task_id.in_([ref.task_id, APPLY_TASK_ID]), TaskInstance.map_index == ref.map_index))}
    apply_state = states.get(APPLY_TASK_ID)
    if apply_state is not None:
        return str(apply_state) in TERMINAL
    return str(states.get(ref.task_id)) in {"failed", "upstream_failed", "removed", "skipped"} \
        or _run_finished(ref.run_id)


def _run_finished(run_id: str) -> bool:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        state = session.scalar(select(DagRun.state).where(DagRun.dag_id == REVIEW_DAG_ID, DagRun.run_id == run_id))
    return state is None or str(state) in ("success", "failed")


def _rerun(user: Any, lesson_id: int, needs_apply: bool, why: str) -> Resolution:
    if not needs_apply:
        return Resolution("stored", why)
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunTriggeredByType

    run_id = f"review_apply__{lesson_id}__{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S%f}"
    try:
        with create_session() as session:
            trigger_dag(REVIEW_DAG_ID, triggered_by=DagRunTriggeredByType.REST_API, run_id=run_id,
                        conf={"lesson_ids": [lesson_id]}, triggering_user_name=user.get_name(), session=session)
    except Exception as exc:  # noqa: BLE001 - the decision is safe in the store; say what went wrong
        log.exception("could not trigger %s for lesson %s", REVIEW_DAG_ID, lesson_id)
        return Resolution("stored", f"{why}; triggering {REVIEW_DAG_ID} failed: {exc}")
    return Resolution("rerun_triggered", f"{why}; run {run_id} applies the stored decision")
