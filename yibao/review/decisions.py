"""Review decisions in the domain store — the source of truth.

A decision is written here first (by our review page, or by the apply step when
the answer came through Airflow's own "Required Actions" page), and only then
passed to the waiting HITL task. A task that re-runs (e.g. after the
LocalExecutor fast-answer race) finds the decision here and does not ask again.

Every action leaves a `Review` row: who, when, what, the text before and after
and a readable diff of title, body and quiz (yibao.review.audit_diff). Rows are
hash-chained as they are written (yibao.store.audit_chain).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yibao.review.audit_diff import LessonSnapshot, lesson_diff
from yibao.review.errors import LessonClosed, LessonNotFound, ReviewConflict, ReviewInputError
from yibao.review.render import status_name
from yibao.store.models import Lesson, Review, utcnow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# HITL option → (Review.action, Lesson.status after the decision)
OPTIONS: dict[str, tuple[str, str]] = {
    "Approve": ("approve", "approved"),
    "Reject": ("reject", "rejected"),
    "Regenerate": ("regenerate", "regenerating"),
    "Escalate": ("escalate", "escalated"),
}
OPTION_NAMES = {"Approve": "批准", "Reject": "驳回", "Regenerate": "重新生成", "Escalate": "上报医保办"}
ACTION_TO_OPTION = {action: option for option, (action, _) in OPTIONS.items()}
# statuses in which the current review round already has its answer
DECIDED_STATUSES = {"approved", "rejected", "regenerating"}
# statuses that can no longer be edited or decided
CLOSED_STATUSES = {"approved", "rejected", "regenerating"}
REQUEST_ACTION = "request"
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class StoredDecision:
    option: str          # Approve | Reject | Regenerate | Escalate
    actor: str
    comment: str
    body_md: str
    at: dt.datetime
    review_id: int

    def as_hitl_result(self, lesson_id: int) -> dict[str, Any]:
        """Shaped like HITLOperator's XCom result, plus where it came from."""
        return {"lesson_id": lesson_id, "chosen_options": [self.option],
                "params_input": {"body_md": self.body_md, "comment": self.comment},
                "responded_at": self.at.replace(tzinfo=dt.timezone.utc).isoformat(),
                "responded_by_user": {"id": self.actor, "name": self.actor}, "source": "store"}


@dataclass(frozen=True)
class HitlRef:
    """Where the HITL task waiting for a lesson lives."""
    dag_id: str
    run_id: str
    task_id: str
    map_index: int

    def encode(self) -> str:
        return f"dag_id={self.dag_id}\nrun_id={self.run_id}\ntask_id={self.task_id}\nmap_index={self.map_index}"

    @classmethod
    def decode(cls, text: str) -> "HitlRef | None":
        fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        try:
            return cls(fields["dag_id"], fields["run_id"], fields["task_id"], int(fields["map_index"]))
        except (KeyError, ValueError):
            return None


def get_lesson(session: Session, lesson_id: int) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise LessonNotFound(lesson_id)
    return lesson


def local_hhmm(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TZ).strftime("%H:%M")


def _conflict(session: Session, lesson_id: int) -> ReviewConflict:
    session.expire_all()
    lesson = get_lesson(session, lesson_id)
    last = session.scalars(select(Review).where(Review.lesson_id == lesson_id, Review.action != REQUEST_ACTION)
                           .order_by(Review.id.desc()).limit(1)).first()
    who = last.actor if last else (lesson.approved_by or "其他用户")
    when = local_hhmm(last.at if last else lesson.updated_at)
    return ReviewConflict(f"该课程已被 {who} 于 {when} 修改，请刷新后再保存", current_revision=lesson.revision)


QUIZ_KINDS = {"choice": "单选", "truefalse": "判断", "numeric": "数值"}
QUIZ_FIELDS = {"question": "题干", "answer": "答案"}


def _validate_quiz(quiz: Any) -> list[dict]:
    from yibao.lessons.model import LessonInputError, QuizItem

    if not isinstance(quiz, list):
        raise ReviewInputError("测验须为题目列表")
    items = []
    for n, item in enumerate(quiz, 1):
        if not isinstance(item, dict):
            raise ReviewInputError(f"第 {n} 题格式不对：应为一道题（题干、选项、答案）")
        missing = [QUIZ_FIELDS[k] for k in ("question", "answer") if k not in item]
        if missing:
            raise ReviewInputError(f"第 {n} 题缺少{'和'.join(missing)}")
        if item.get("kind") not in QUIZ_KINDS:
            raise ReviewInputError(f"第 {n} 题的题型须为 {'、'.join(f'{k}（{v}）' for k, v in QUIZ_KINDS.items())}，"
                                   f"不是 {item.get('kind')!r}")
        try:
            items.append(QuizItem.from_dict(item).to_dict())
        except LessonInputError:   # a distractor equal to the answer
            raise ReviewInputError(f"第 {n} 题：干扰项不能与答案相同") from None
        problem = quiz_problem(items[-1])
        if problem:
            raise ReviewInputError(f"第 {n} 题：{problem}")
    return items


TRUE_FALSE = {"正确", "错误", "对", "错", "是", "否"}


def quiz_problem(item: dict) -> str | None:
    """What makes a quiz item unfit to grade staff on (None when it is fit)."""
    norm = lambda text: unicodedata.normalize("NFKC", str(text or "")).strip()   # noqa: E731
    question, answer = norm(item.get("question")), norm(item.get("answer"))
    if not question or not answer:
        return "题目和答案都不能为空"
    if item["kind"] == "truefalse" and answer.lower() not in TRUE_FALSE:
        return f"判断题的答案须为“正确”或“错误”，不是“{answer[:20]}”"
    if item["kind"] == "numeric" and not re.match(r"-?\d+(?:\.\d+)?", answer):
        return f"数值题的答案须以数字开头（如 15 或 15个工作日），不是“{answer[:20]}”"
    if item["kind"] == "choice":
        options = [answer] + [norm(d) for d in item.get("distractors") or []]
        if len(options) < 2 or any(not o for o in options):
            return "单选题至少要有一个干扰项，且选项不能为空"
        if len(set(options)) < len(options):
            return "选项有重复（全角与半角视为相同）"
    return None


def _keep_unsent_fields(quiz: Any, stored: list[dict]) -> Any:
    """An editor that does not show a field (the 解析 quoting the clause) does not erase it: an
    item keeps the stored item's fields it does not send, when it is the same item (position and
    clause)."""
    if not isinstance(quiz, list):
        return quiz
    out = []
    for n, item in enumerate(quiz):
        old = stored[n] if n < len(stored) and isinstance(stored[n], dict) else {}
        if isinstance(item, dict) and old and old.get("ref", "") == item.get("ref", old.get("ref", "")):
            item = {**{k: v for k, v in old.items() if k not in item}, **item}
        out.append(item)
    return out


def _locked_update(session: Session, lesson: Lesson, revision: int, values: dict[str, Any]) -> None:
    """Write `values` only if nobody saved since `revision` was read; bump the revision."""
    result = session.execute(
        update(Lesson).where(Lesson.id == lesson.id, Lesson.revision == revision)
        .values(revision=Lesson.revision + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise _conflict(session, lesson.id)
    session.refresh(lesson)


def _new_body(lesson: Lesson, body_md: str | None) -> str:
    if body_md is None:
        return lesson.body_md
    if not body_md.strip():
        raise ReviewInputError("课程正文不能为空")
    return body_md


def snapshot(lesson: Lesson, body_md: str | None = None) -> LessonSnapshot:
    """What the audit diff compares: title, body (or `body_md`) and quiz with its answer key."""
    return LessonSnapshot.of(lesson.title, lesson.body_md if body_md is None else body_md,
                             (lesson.draft or {}).get("quiz"))


def _content_values(lesson: Lesson, body_md: str | None, quiz: list[dict] | None,
                    title: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {"body_md": _new_body(lesson, body_md)}
    if quiz is not None:
        from yibao.lessons.quiz_section import with_quiz
        quiz = _validate_quiz(_keep_unsent_fields(quiz, (lesson.draft or {}).get("quiz") or []))
        values["draft"] = {**(lesson.draft or {}), "quiz": quiz}
        values["body_md"] = with_quiz(values["body_md"], quiz)   # the text shows the quiz staff are graded on
    if title is None and body_md is not None:
        title = _edited_heading(lesson, values["body_md"])
    if title is not None:
        if not title.strip():
            raise ReviewInputError("课程标题不能为空")
        values["title"] = title.strip()[:500]
    return values


def _heading(body_md: str) -> str | None:
    first = next((line for line in (body_md or "").split("\n") if line.strip()), "")
    return first[2:].strip() if first.startswith("# ") else None


def _edited_heading(lesson: Lesson, body_md: str) -> str | None:
    """The lesson's title follows its text's `# ` heading when the trainer edits it (the queue,
    the staff page and the report then name the lesson as the mail does)."""
    old, new = _heading(lesson.body_md), _heading(body_md)
    return new if new and old == lesson.title and new != lesson.title else None


def save_edit(session: Session, lesson_id: int, *, actor: str, revision: int, body_md: str | None = None,
              quiz: list[dict] | None = None, comment: str = "", title: str | None = None) -> Review:
    """Save the trainer's edited text/quiz/title without deciding (refused if someone saved since)."""
    lesson = get_lesson(session, lesson_id)
    _refuse_closed(lesson)
    before = snapshot(lesson)
    _locked_update(session, lesson, revision, _content_values(lesson, body_md, quiz, title))
    review = Review(lesson_id=lesson.id, actor=actor, action="edit", comment=comment, before_md=before.body_md,
                    after_md=lesson.body_md, edit_diff=lesson_diff(before, snapshot(lesson)))
    session.add(review)
    session.flush()
    return review


def _refuse_closed(lesson: Lesson) -> None:
    if lesson.status in CLOSED_STATUSES:
        raise LessonClosed(f"课程 #{lesson.id} 的状态是「{status_name(lesson.status)}」，不能再修改")


def record_decision(session: Session, lesson_id: int, *, option: str, actor: str, revision: int | None,
                    body_md: str | None = None, quiz: list[dict] | None = None, comment: str = "",
                    title: str | None = None) -> Review:
    """Write a trainer's (or the system's) decision. `revision=None` skips the optimistic lock
    (used by the apply step for answers that arrived through Airflow's own UI)."""
    if option not in OPTIONS:
        raise ReviewInputError(f"未知的审核操作 {option!r}；可选：{', '.join(OPTIONS)}")
    comment = (comment or "").strip()
    if option in ("Reject", "Regenerate") and not comment:
        raise ReviewInputError(f"{OPTION_NAMES[option]}需要填写意见（comment）：驳回写理由，重新生成写修改要求")
    lesson = get_lesson(session, lesson_id)
    _refuse_closed(lesson)
    action, status = OPTIONS[option]
    # for an approval the body diff is draft → approved text: "what the trainer changed"
    base = snapshot(lesson, lesson.drafted_md if option == "Approve" and lesson.drafted_md else None)
    values: dict[str, Any] = {"status": status, **_content_values(lesson, body_md, quiz, title)}
    if option == "Approve":
        values.update(approved_at=utcnow(), approved_by=actor)
    _locked_update(session, lesson, lesson.revision if revision is None else revision, values)
    review = Review(lesson_id=lesson.id, actor=actor, action=action, comment=comment, before_md=base.body_md,
                    after_md=lesson.body_md, edit_diff=lesson_diff(base, snapshot(lesson)))
    session.add(review)
    session.flush()
    return review


def current_decision(session: Session, lesson_id: int) -> StoredDecision | None:
    """The decision of the current review round, if one was made."""
    lesson = get_lesson(session, lesson_id)
    if lesson.status not in DECIDED_STATUSES:
        return None
    wanted = {OPTIONS[o][0] for o in OPTIONS}
    review = session.scalars(select(Review).where(Review.lesson_id == lesson_id, Review.action.in_(wanted))
                             .order_by(Review.id.desc()).limit(1)).first()
    if review is None:
        return None
    return StoredDecision(option=ACTION_TO_OPTION[review.action], actor=review.actor, comment=review.comment,
                          body_md=lesson.body_md, at=review.at, review_id=review.id)


def mark_in_review(session: Session, lesson_ids: list[int], run_id: str) -> list[int]:
    """Open a review round for the lessons; returns the ids that exist (missing ones raise)."""
    for lesson_id in lesson_ids:
        lesson = get_lesson(session, lesson_id)
        lesson.review_dag_run_id = run_id
        if lesson.status in ("draft", "escalated", "in_review"):
            lesson.status = "in_review"
    session.flush()
    return list(lesson_ids)


def record_request(session: Session, lesson_id: int, ref: HitlRef, offered_md: str = "") -> Review:
    """Note in the audit trail that a HITL task now waits for this lesson, and where, with the text
    its form offers (Required Actions shows the lesson pre-filled)."""
    review = Review(lesson_id=lesson_id, actor=SYSTEM_ACTOR, action=REQUEST_ACTION, comment=ref.encode(),
                    before_md=offered_md)
    session.add(review)
    session.flush()
    return review


def _latest_request_row(session: Session, lesson_id: int) -> Review | None:
    return session.scalars(select(Review).where(Review.lesson_id == lesson_id, Review.action == REQUEST_ACTION)
                           .order_by(Review.id.desc()).limit(1)).first()


def offered_body(session: Session, lesson_id: int) -> str:
    """The lesson text the latest HITL form offered ("" when none was)."""
    review = _latest_request_row(session, lesson_id)
    return review.before_md if review else ""


def latest_request(session: Session, lesson_id: int) -> HitlRef | None:
    review = _latest_request_row(session, lesson_id)
    return HitlRef.decode(review.comment) if review else None


def audit_rows(session: Session, lesson_id: int | None = None) -> list[dict[str, Any]]:
    """The audit trail as plain dicts (for the page, CSV and JSON export)."""
    query = select(Review).order_by(Review.id)
    if lesson_id is not None:
        get_lesson(session, lesson_id)
        query = query.where(Review.lesson_id == lesson_id)
    return [{"id": r.id, "lesson_id": r.lesson_id, "at": r.at.replace(tzinfo=dt.timezone.utc).isoformat(),
             "actor": r.actor, "action": r.action, "comment": r.comment, "before_md": r.before_md,
             "after_md": r.after_md, "edit_diff": r.edit_diff,
             "prev_hash": r.prev_hash, "row_hash": r.row_hash} for r in session.scalars(query)]
