"""迭代优化: send a lesson back to review (返工) when people do not learn it, and send the
reworked version only to those who still need it.

1. `check_all` (daily round, `yibao rework check`) looks at the FIRST quiz attempts of every
   approved lesson in its current round. A lesson is flagged when its pass rate stays under
   `pass_rate_below` after `min_responses` first attempts, or any one question is answered
   correctly by fewer than `question_correct_below` (after `min_question_responses`).
   Flagging writes a `LessonRework` row with the figures and the weakest questions (with their
   most-chosen wrong answers), puts the lesson back to `in_review` with a 返工 flag, leaves an
   audit row and alerts the 医保办.
2. When the trainer approves the lesson again, `sync_approved` closes the rework: who approved,
   and a note on what changed (their comment, lines added/removed, quiz changes).
3. `plan_redelivery` (called by every delivery run) plans the reworked version — digest kind
   `rework:<rework id>`, so the exactly-once ledger does not take it for the original — only
   to people who were sent the version it replaces and failed their first attempt on that
   version or never acknowledged it, once per person.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import math
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yibao.delivery.quizstats import LessonStats, first_attempts, lesson_stats
from yibao.delivery.report import PASS_SCORE
from yibao.store.models import (
    Acknowledgement, Delivery, DeliveryItem, Lesson, LessonRework, Person, Review, utcnow,
)

log = logging.getLogger(__name__)

REWORK_FLAG = "返工"
REWORK_ACTION = "rework"
DIGEST_PREFIX = "rework:"


class ReworkConfigError(ValueError):
    """config/rework.yaml is missing a value or has a wrong one."""


@dataclass(frozen=True)
class ReworkRules:
    min_responses: int = 10
    pass_rate_below: float = 0.6
    question_correct_below: float = 0.4
    min_question_responses: int = 10
    weakest_questions: int = 3
    wrong_answers_shown: int = 3


def rules_path() -> Path:
    from yibao.settings import get_settings
    return Path(os.environ.get("YIBAO_REWORK_FILE") or get_settings().config_dir / "rework.yaml")


def load_rules(path: Path | None = None) -> ReworkRules:
    """The thresholds from config/rework.yaml (defaults for keys left out)."""
    import yaml

    path = path or rules_path()
    if not path.exists():
        log.info("%s not found: using the default rework thresholds", path)
        return ReworkRules()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ReworkConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ReworkConfigError(f"{path}: expected a mapping of thresholds")
    known = {f for f in ReworkRules.__dataclass_fields__}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ReworkConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        share = isinstance(getattr(ReworkRules, key), float)
        if not (_is_share(value) if share else _is_count(value)):
            expected = ("a share between 0 and 1 (e.g. 0.6 for 60%)" if share
                        else "a whole number of at least 1 (e.g. 10)")
            hint = ""
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    float(value)
                    hint = " (write a plain number: no quotes, no exponent)"
            raise ReworkConfigError(f"{path}: {key} must be {expected}, got {value!r}{hint}")
        values[key] = float(value) if share else value
    return ReworkRules(**values)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_share(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        and 0 <= value <= 1


# ---------------------------------------------------------------- rounds
def current_round(session: Session, lesson_id: int) -> int:
    """0 for the original version, n after the n-th approved rework."""
    lesson = session.get(Lesson, lesson_id)
    if lesson is not None:
        sync_approved(session, lesson)
    return len(session.scalars(select(LessonRework.id).where(
        LessonRework.lesson_id == lesson_id, LessonRework.state == "approved")).all())


def open_rework(session: Session, lesson_id: int) -> LessonRework | None:
    return session.scalar(select(LessonRework).where(LessonRework.lesson_id == lesson_id,
                                                     LessonRework.state == "flagged"))


def sync_approved(session: Session, lesson: Lesson) -> LessonRework | None:
    """Close the open rework of a lesson the trainer approved again (after it was flagged)."""
    rework = open_rework(session, lesson.id)
    if rework is None or lesson.status != "approved" or not lesson.approved_at \
            or lesson.approved_at < rework.flagged_at:
        return None
    rework.state = "approved"
    rework.approved_at, rework.approved_by = lesson.approved_at, lesson.approved_by
    rework.note = change_note(session, rework, lesson)
    session.flush()
    return rework


def change_note(session: Session, rework: LessonRework, lesson: Lesson) -> str:
    """What changed in the reworked version, for the people who get it again."""
    approval = session.scalar(select(Review).where(
        Review.lesson_id == lesson.id, Review.action == "approve", Review.at >= rework.flagged_at)
        .order_by(Review.id.desc()).limit(1))
    lines = []
    if approval is not None and approval.comment.strip():
        lines.append(f"修订说明：{approval.comment.strip()}")
    before, after = rework.body_before.splitlines(), lesson.body_md.splitlines()
    added, removed = [], []
    for line in difflib.ndiff(before, after):
        text = line[2:].strip().lstrip("#>*- ").strip()
        if text and line.startswith("+ "):
            added.append(text)
        elif text and line.startswith("- "):
            removed.append(text)
    if added:
        lines.append("新增内容：" + "；".join(added[:5]) + ("等" if len(added) > 5 else ""))
    if removed:
        lines.append(f"删去或改写 {len(removed)} 处原文。")
    quiz_after = list((lesson.draft or {}).get("quiz") or [])
    if quiz_after != list(rework.quiz_before or []):
        lines.append(f"测验题已更新（现共 {len(quiz_after)} 题）。")
    return "\n".join(lines) or "课程已根据测验结果重新审核。"


def approved_rework(session: Session, lesson_id: int, round_no: int) -> LessonRework | None:
    """The approved rework that made version `round_no` (≥ 1) of the lesson."""
    return session.scalar(select(LessonRework).where(LessonRework.lesson_id == lesson_id,
                                                     LessonRework.round == round_no,
                                                     LessonRework.state == "approved"))


def version_audience(session: Session, lesson_id: int, round_no: int,
                     before: dt.datetime | None = None) -> set[str]:
    """People who were sent version `round_no` of the lesson (0: the original, n: after the n-th
    rework), [only before `before`]: those first sent the lesson while it was that version, and,
    for n ≥ 1, those the n-th rework was re-sent to."""
    start = end = None
    rework = approved_rework(session, lesson_id, round_no) if round_no else None
    if round_no and rework is None:
        return set()
    if rework is not None:
        start = rework.flagged_at
    following = session.scalar(select(LessonRework.flagged_at).where(LessonRework.lesson_id == lesson_id,
                                                                     LessonRework.round == round_no + 1))
    for limit in (following, before):
        if limit is not None and (end is None or limit < end):
            end = limit
    first_sent = session.execute(select(DeliveryItem.person_id, func.min(Delivery.created_at))
                                 .join(Delivery, Delivery.id == DeliveryItem.delivery_id)
                                 .where(DeliveryItem.lesson_id == lesson_id).group_by(DeliveryItem.person_id))
    audience = {person for person, at in first_sent
                if (start is None or at >= start) and (end is None or at < end)}
    if rework is not None:
        audience |= set((rework.figures or {}).get("redelivered_to") or [])
    return audience


def round_stats(session: Session, lesson_id: int, round_no: int) -> LessonStats:
    """First-attempt figures of one round: for a reworked version only the first attempts of those
    who were sent it (a retake by someone who passed an earlier version never counts)."""
    people = version_audience(session, lesson_id, round_no) if round_no else None
    return lesson_stats(session, lesson_id, round_no, people)


# ---------------------------------------------------------------- the check
@dataclass
class Verdict:
    lesson_id: int
    title: str
    round: int
    reasons: list[str]
    figures: dict[str, Any]

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def evaluate(session: Session, lesson: Lesson, rules: ReworkRules) -> Verdict:
    """The first-attempt figures of the lesson's current round against the thresholds."""
    round_no = current_round(session, lesson.id)
    stats = round_stats(session, lesson.id, round_no)
    reasons = []
    if stats.responses >= rules.min_responses and stats.pass_rate is not None \
            and stats.pass_rate < rules.pass_rate_below:
        reasons.append(f"首次测验通过率 {stats.pass_rate:.0%}（{stats.passed}/{stats.responses}），"
                       f"低于 {rules.pass_rate_below:.0%}")
    for q in stats.questions:
        if q.responses >= rules.min_question_responses and q.correct_rate is not None \
                and q.correct_rate < rules.question_correct_below:
            reasons.append(f"第{q.index + 1}题正确率 {q.correct_rate:.0%}（{q.correct}/{q.responses}），"
                           f"低于 {rules.question_correct_below:.0%}")
    return Verdict(lesson.id, lesson.title, round_no, reasons, figures(stats, rules))


def figures(stats: LessonStats, rules: ReworkRules) -> dict[str, Any]:
    weakest = sorted((q for q in stats.questions if q.responses),
                     key=lambda q: (q.correct_rate, q.index))[:rules.weakest_questions]
    return {"round": stats.round, "responses": stats.responses, "passed": stats.passed,
            "pass_rate": stats.pass_rate,
            "weakest": [{"index": q.index, "question": q.question, "answer": q.answer, "responses": q.responses,
                         "correct": q.correct, "correct_rate": q.correct_rate,
                         "wrong_answers": [{"answer": a, "count": n}
                                           for a, n in q.wrong_answers[:rules.wrong_answers_shown]]}
                        for q in weakest]}


@dataclass
class CheckReport:
    checked: int = 0
    flagged: list[dict[str, Any]] = field(default_factory=list)    # Verdicts as dicts
    under_rework: list[int] = field(default_factory=list)          # already flagged, waiting for the trainer
    alert_ids: list[int] = field(default_factory=list, repr=False)
    dry_run: bool = False
    alert_error: str | None = None                                 # why the 医保办 alert was not sent

    @property
    def flagged_ids(self) -> list[int]:
        return [v["lesson_id"] for v in self.flagged]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("alert_ids")
        return data


def check_all(session: Session, *, rules: ReworkRules | None = None, now: dt.datetime | None = None,
              lesson_ids: list[int] | None = None, dry_run: bool = False) -> CheckReport:
    """Flag every approved lesson that meets a rework rule (safe to re-run: a lesson with an
    open rework is not flagged again)."""
    rules = rules or load_rules()
    now = now or utcnow()
    report = CheckReport(dry_run=dry_run)
    query = select(Lesson).where(Lesson.status.in_(("approved", "in_review"))).order_by(Lesson.id)
    if lesson_ids is not None:
        query = query.where(Lesson.id.in_(lesson_ids))
    for lesson in session.scalars(query).all():
        if open_rework(session, lesson.id) is not None:
            report.under_rework.append(lesson.id)
            continue
        if lesson.status != "approved":
            continue
        report.checked += 1
        verdict = evaluate(session, lesson, rules)
        if not verdict.flagged:
            continue
        report.flagged.append(asdict(verdict))
        if not dry_run:
            report.alert_ids += flag(session, lesson, verdict, now)
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return report


def flag(session: Session, lesson: Lesson, verdict: Verdict, now: dt.datetime) -> list[int]:
    """Send the lesson back to review with a 返工 flag; returns the ledger ids of the alert."""
    from yibao.delivery.alerts import record_alert

    rework = LessonRework(lesson_id=lesson.id, round=verdict.round + 1, state="flagged", reasons=verdict.reasons,
                          figures=verdict.figures, body_before=lesson.body_md,
                          quiz_before=list((lesson.draft or {}).get("quiz") or []), flagged_at=now)
    session.add(rework)
    lesson.status = "in_review"
    lesson.flags = [f for f in (lesson.flags or []) if not str(f).startswith(REWORK_FLAG)] + [
        f"{REWORK_FLAG}：" + "；".join(verdict.reasons)]
    lesson.revision = (lesson.revision or 1) + 1
    session.add(Review(lesson_id=lesson.id, actor="system", action=REWORK_ACTION, at=now,
                       comment="\n".join(verdict.reasons + [weak_line(w) for w in verdict.figures["weakest"]])))
    session.flush()
    from yibao.settings import get_settings
    link = f"{get_settings().public_url.rstrip('/')}/review/lessons/{lesson.id}"
    try:
        return record_alert(session, subject=f"课程需返工：{lesson.title}"[:200], level="warning", stage="rework",
                            message="\n".join([f"课程 #{lesson.id} 已退回审核队列（返工）："] + verdict.reasons
                                              + [weak_line(w) for w in verdict.figures["weakest"]]),
                            link=link, now=now)
    except Exception:   # the flag stands even if the alert cannot be recorded
        log.exception("could not record the rework alert of lesson %s", lesson.id)
        return []


def send_alerts(session: Session, report: CheckReport, now: dt.datetime) -> str | None:
    """Send the 医保办 alerts of a check now. They carry no signed staff link, so a missing link
    secret does not hold them back. Returns why they were not all sent (None: sent); the flags
    stand either way, and an unsent alert stays queued for the next delivery run."""
    from yibao.delivery.service import load_config_quietly, send_due

    if not report.alert_ids:
        return None
    try:
        sent = send_due(session, now=now, config=load_config_quietly(), ids=report.alert_ids, links_optional=True)
    except Exception as exc:   # (the flags are committed already)
        log.exception("the rework alert could not be sent")
        session.rollback()
        report.alert_error = f"{type(exc).__name__}: {exc}"
    else:
        if sent.errors or sent.failed_retryable or sent.failed_permanent:
            report.alert_error = "; ".join(sent.errors) or "the mail server refused it"
    return report.alert_error


def weak_line(weak: dict[str, Any]) -> str:
    wrong = "、".join(f"“{w['answer']}”{w['count']}人" for w in weak.get("wrong_answers") or [])
    rate = weak.get("correct_rate")
    return (f"· 第{weak['index'] + 1}题「{weak['question']}」正确率 "
            f"{'—' if rate is None else format(rate, '.0%')}" + (f"，常见错误答案：{wrong}" if wrong else ""))


# ---------------------------------------------------------------- targeted re-delivery
def needs_reworked_version(session: Session, rework: LessonRework) -> list[str]:
    """Who gets the version a rework made: among those sent the version it replaces (round k−1,
    before the flag), those whose first attempt on that version failed or who never acknowledged it."""
    lesson_id, previous = rework.lesson_id, rework.round - 1
    sent = version_audience(session, lesson_id, previous, before=rework.flagged_at)
    firsts = {person: a for (person, _), a in first_attempts(session, [lesson_id], previous).items()}
    acks = {a.person_id: a for a in session.scalars(select(Acknowledgement).where(
        Acknowledgement.lesson_id == lesson_id, Acknowledgement.kind == "ack"))}
    since = approved_rework(session, lesson_id, previous).approved_at if previous else None
    out = []
    for person_id in sorted(sent):
        ack = acks.get(person_id)
        first = firsts.get(person_id)
        if previous:   # acknowledging an earlier version is not acknowledging this one
            acked = first is not None or (ack is not None and ack.at >= since)
            score = first.score if first is not None else None
        else:          # (answers given before attempts were kept: the acknowledgement's score)
            acked = ack is not None
            score = first.score if first is not None else (ack.quiz_score if ack is not None else None)
        if not acked or (score is not None and score < PASS_SCORE):
            out.append(person_id)
    return out


def plan_redelivery(session: Session, *, lesson_ids: list[int] | None, now: dt.datetime,
                    opted_out: set[tuple[str, str]]) -> list[int]:
    """Plan the reworked version of each newly re-approved lesson; returns new ledger ids."""
    from yibao.delivery import ledger

    query = select(LessonRework).where(LessonRework.redelivered_at.is_(None))
    if lesson_ids is not None:
        query = query.where(LessonRework.lesson_id.in_(lesson_ids))
    planned: list[int] = []
    for rework in session.scalars(query).all():
        lesson = session.get(Lesson, rework.lesson_id)
        if lesson is None:
            continue
        sync_approved(session, lesson)
        if rework.state != "approved" or lesson.status != "approved":
            continue   # still waiting for the trainer
        key = f"{DIGEST_PREFIX}{rework.id}"
        sent_to = []
        for person_id in needs_reworked_version(session, rework):
            person = session.get(Person, person_id)
            if person is None or not person.active:
                continue
            if session.scalar(select(Delivery.id).where(Delivery.person_id == person_id,
                                                        Delivery.digest_key == key).limit(1)):
                continue   # already planned on some channel: once per person
            channel = _channel(person, opted_out)
            if channel is None:
                continue
            row = ledger.plan_keyed(session, person_id=person_id, channel=channel,
                                    target=person.email if channel == "email" else channel,
                                    digest_key=key, lesson_ids=[lesson.id], now=now)
            if row is not None:
                planned.append(row.id)
                sent_to.append(person_id)
        rework.redelivered_at = now
        rework.figures = {**(rework.figures or {}), "redelivered_to": sent_to}
    session.flush()
    return planned


def _channel(person: Person, opted_out: set[tuple[str, str]]) -> str | None:
    channels = [c for c in person.channels or [] if (person.id, c) not in opted_out]
    if "email" in channels and person.email:
        return "email"
    return next((c for c in channels if c != "email"), None)


# ---------------------------------------------------------------- for the pages
def rework_rows(session: Session) -> list[dict[str, Any]]:
    """Every rework, newest first, with the first-attempt pass rate before and after it."""
    rows = []
    for rework, lesson in session.execute(select(LessonRework, Lesson).join(Lesson, Lesson.id == LessonRework.lesson_id)
                                          .order_by(LessonRework.flagged_at.desc(), LessonRework.id.desc())):
        sync_approved(session, lesson)
        after = round_stats(session, lesson.id, rework.round) if rework.state == "approved" else None
        figs = rework.figures or {}
        rows.append({"id": rework.id, "lesson_id": lesson.id, "title": lesson.title, "role": lesson.role,
                     "round": rework.round, "state": rework.state, "reasons": list(rework.reasons or []),
                     "weakest": figs.get("weakest") or [], "flagged_at": rework.flagged_at.isoformat(),
                     "approved_at": rework.approved_at.isoformat() if rework.approved_at else None,
                     "approved_by": rework.approved_by, "note": rework.note,
                     "redelivered": len(figs.get("redelivered_to") or []),
                     "before": {"responses": figs.get("responses", 0), "pass_rate": figs.get("pass_rate")},
                     "after": {"responses": after.responses, "pass_rate": after.pass_rate} if after else None})
    return rows


def open_reworks(session: Session) -> dict[int, str]:
    """lesson id → the reasons of its open (flagged) rework, for the review queue."""
    return {r.lesson_id: "；".join(r.reasons or []) for r in session.scalars(
        select(LessonRework).where(LessonRework.state == "flagged"))}


def lesson_rework(session: Session, lesson_id: int) -> dict[str, Any] | None:
    """The latest rework of one lesson (for its review page), or None."""
    return next((r for r in rework_rows(session) if r["lesson_id"] == lesson_id), None)
