"""Apply a review answer to the store: approve, reject, regenerate or escalate.

The store's own decision wins over the HITL answer: a decision made in our review
page is written to the store before the HITL task is resolved, so it is the
authoritative one. An answer given only in Airflow's "Required Actions" page (or
the timeout default) is written to the store here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from yibao.review.decisions import (
    OPTION_NAMES, OPTIONS, SYSTEM_ACTOR, current_decision, get_lesson, offered_body, record_decision,
)
from yibao.review.errors import ReviewInputError
from yibao.review.notify import send_alert
from yibao.review.redraft import redraft
from yibao.review.render import role_name
from yibao.review.trainers import TrainersConfigError, is_trainer_name
from yibao.settings import get_settings


@dataclass(frozen=True)
class Outcome:
    lesson_id: int
    option: str
    approved: bool = False
    redraft_id: int | None = None   # the lesson to send back to review after a regenerate

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def lesson_link(lesson_id: int) -> str:
    return f"{get_settings().public_url.rstrip('/')}/review/lessons/{lesson_id}"


def _hitl_answer(result: dict[str, Any]) -> tuple[str, str, str | None, str]:
    chosen = result.get("chosen_options") or []
    if len(chosen) != 1 or chosen[0] not in OPTIONS:
        raise ReviewInputError(f"review answer must choose one of {list(OPTIONS)}, got {chosen!r}")
    params = result.get("params_input") or {}
    user = result.get("responded_by_user") or {}
    actor = user.get("name") or user.get("id") or f"{SYSTEM_ACTOR}:timeout"
    body = params.get("body_md") or None
    return chosen[0], actor, body, str(params.get("comment") or "")


def _same_text(a: str, b: str) -> bool:
    """Equal but for line endings and trailing space (a browser form sends CRLF)."""
    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    return norm(a) == norm(b)


def _not_a_trainer(option: str, actor: str) -> str:
    """Why a human HITL answer must be refused (empty: accept). The timeout default is the system's."""
    if option == "Escalate" or actor.startswith(f"{SYSTEM_ACTOR}:"):
        return ""
    try:
        if is_trainer_name(actor):
            return ""
        why = f"{actor} is not a trainer (config trainers.yaml)"
    except TrainersConfigError as exc:
        why = f"trainers config is invalid: {exc}"
    return (f"拒绝：{actor} 在 Airflow 审核页选择了 {option}，但不是培训审核人，课程未发送，请培训审核人重新审核。"
            f" / Refused: {option} by {why}; the lesson was not delivered.")


def apply_decision(session: Session, lesson_id: int, result: dict[str, Any] | None) -> Outcome:
    lesson = get_lesson(session, lesson_id)
    decision = current_decision(session, lesson_id)
    if decision is None:
        if not result:
            raise ReviewInputError(f"lesson {lesson_id}: no decision in the store and no review answer")
        option, actor, body, comment = _hitl_answer(result)
        if body is not None and _same_text(body, offered_body(session, lesson_id)):
            body = None   # the pre-filled text came back unchanged: keep the lesson as it is now
        refused = _not_a_trainer(option, actor)
        if refused:   # answered in Airflow's own page by someone who may not decide: never delivered
            option, body, comment, actor = "Escalate", None, refused, f"{SYSTEM_ACTOR}:refused"
        if option == "Escalate" and not comment:
            comment = "审核超时，未在时限前处理" if actor.endswith(":timeout") else "转交医保办"
        if option in ("Reject", "Regenerate") and not comment:
            comment = f"（在 Airflow 审核页选择{OPTION_NAMES[option]}，未填写意见）"
        record_decision(session, lesson_id, option=option, actor=actor, revision=None, body_md=body, comment=comment)
    else:
        option, actor, comment = decision.option, decision.actor, decision.comment

    if option == "Approve":
        return Outcome(lesson_id, option, approved=True)
    if option == "Regenerate":
        if lesson.status != "regenerating":   # already redrafted by an earlier run
            return Outcome(lesson_id, option)
        return Outcome(lesson_id, option, redraft_id=redraft(session, lesson_id, comment, actor))
    if option == "Escalate":
        deadline = lesson.deadline.isoformat() if lesson.deadline else "未知"
        why = ("课程审核被拒绝（非培训审核人）" if actor.endswith(":refused")
               else "课程待审核超时" if actor.endswith(":timeout") else "课程转交医保办")
        send_alert(session, subject=f"{why}：{lesson.title}"[:200],
                   message=(f"课程 #{lesson.id}（{role_name(lesson.role)}）尚未通过审核，培训截止日 {deadline}。"
                            f"{comment}"), link=lesson_link(lesson.id), stage="review")
    return Outcome(lesson_id, option)
