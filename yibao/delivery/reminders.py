"""The daily follow-up: remind people who have not completed a lesson, escalate what
needs a human.

`run_daily(session, now)` (the daily DAG's task; safe to re-run the same day):

1. Reminders — on Chinese working days only. A person with a delivered, approved lesson
   they have not acknowledged (我已学习), whose deadline is at most
   `remind_workdays_before_deadline` working days away (or passed, up to
   OVERDUE_REMINDER_WORKDAYS ago), gets ONE reminder listing all such lessons, on their
   email (else their first channel). It is a ledger row with digest_key
   `reminder:<Beijing date>:<hash of lesson ids>`; before planning we look for any
   reminder row of that person for the day, so a re-run (even after the person completed
   one of the lessons, which changes the hash) sends no second reminder.
   We remind on "not acknowledged" rather than "not read": opening the link without
   pressing 我已学习 does not complete the training the 医保办 has to report.
2. Escalations (alerts, de-duplicated per subject per day; see alerts.py):
   a. lessons still not approved when the deadline is `escalate_unapproved_workdays`
      working days away or less → 医保办;
   b. deliveries that failed permanently, not escalated before → the person's
      department 医保联络员 + 医保办;
   c. departments whose completion (acknowledged / assigned) for lessons due within the
      reminder window or overdue is below `completion_threshold` (with at least
      `min_assigned_for_rate` assignments) → that department's 联络员 + 医保办.
The thresholds live in the `delivery:` section of subscriptions.yaml (DeliveryPolicy).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.delivery import ledger
from yibao.delivery.alerts import record_alert
from yibao.delivery.report import assignments
from yibao.delivery.service import load_config_quietly, send_due, unsubscribed_channels
from yibao.delivery.subscriptions import DeliveryPolicy, SubscriptionConfig
from yibao.store.models import Delivery, Event, Lesson, Person, utcnow
from yibao.workdays import is_workday, workdays_between

log = logging.getLogger(__name__)

OVERDUE_REMINDER_WORKDAYS = 5       # keep reminding this long after a missed deadline
LOOKBACK = dt.timedelta(days=45)    # assignments older than this are not followed up
UNAPPROVED = ("draft", "in_review", "regenerating", "escalated")


@dataclass
class ReminderReport:
    day: dt.date
    workday: bool = True
    reminded_people: int = 0
    reminder_lessons: int = 0
    escalations: list[str] = field(default_factory=list)   # alert subjects raised today
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        return data


def china_today(now: dt.datetime) -> dt.date:
    return beijing.today(now)


def run_daily(session: Session, now: dt.datetime | None = None, *, config: SubscriptionConfig | None = None,
              smtp: Any | None = None) -> ReminderReport:
    now = now or utcnow()
    today = china_today(now)
    config = config if config is not None else load_config_quietly()
    policy = config.policy if config else DeliveryPolicy()
    report = ReminderReport(day=today)
    if not is_workday(today).is_workday:
        report.workday = False
        log.info("%s is not a working day: no reminders or escalations", today)
        return report
    ids = plan_reminders(session, today, now, policy, report)
    ids += escalate_unapproved(session, today, now, policy, report)
    ids += escalate_failed(session, now, report)
    ids += escalate_low_completion(session, today, now, policy, report)
    session.commit()
    if ids:
        sent = send_due(session, now=now, smtp=smtp, config=config, ids=ids)
        report.sent, report.failed = sent.sent, sent.failed_permanent + sent.failed_retryable
        report.errors += sent.errors
    return report


# ---------------------------------------------------------------- reminders
def _in_window(deadline: dt.date | None, today: dt.date, policy: DeliveryPolicy) -> bool:
    if deadline is None:
        return False
    left = workdays_between(today, deadline)
    return -OVERDUE_REMINDER_WORKDAYS <= left <= policy.remind_workdays_before_deadline


def current_lessons(session: Session) -> set[int]:
    """Approved lessons that no revision has replaced: what staff may still be asked to learn."""
    from yibao.lessons.superseded import replacements

    approved = {lid for lid, in session.execute(select(Lesson.id).where(Lesson.status == "approved"))}
    return approved - set(replacements(session))


def plan_reminders(session: Session, today: dt.date, now: dt.datetime, policy: DeliveryPolicy,
                   report: ReminderReport) -> list[int]:
    approved = current_lessons(session)
    due: dict[str, list[int]] = defaultdict(list)
    for a in assignments(session, today - LOOKBACK, today - dt.timedelta(days=1)):
        if a.lesson_id in approved and a.sent and not a.acknowledged and _in_window(a.deadline, today, policy):
            due[a.person_id].append(a.lesson_id)
    opted_out = unsubscribed_channels(session)
    ids: list[int] = []
    for person_id, lesson_ids in sorted(due.items()):
        person = session.get(Person, person_id)
        if person is None or not person.active or _reminded_today(session, person_id, today):
            continue
        channel = _reminder_channel(person, opted_out)
        if channel is None:
            report.errors.append(f"{person_id}: no channel left for a reminder")
            continue
        row = ledger.plan_keyed(session, person_id=person_id, channel=channel,
                                target=person.email if channel == "email" else channel,
                                digest_key=ledger.keyed_digest_key("reminder", today, sorted(lesson_ids)),
                                lesson_ids=lesson_ids, now=now)
        if row is not None:
            ids.append(row.id)
            report.reminded_people += 1
            report.reminder_lessons += len(lesson_ids)
    session.commit()
    return ids


def _reminded_today(session: Session, person_id: str, today: dt.date) -> bool:
    return session.scalar(select(Delivery.id).where(
        Delivery.person_id == person_id, Delivery.digest_key.like(f"reminder:{today.isoformat()}:%")).limit(1)) \
        is not None


def _reminder_channel(person: Person, opted_out: set[tuple[str, str]]) -> str | None:
    channels = [c for c in person.channels or [] if (person.id, c) not in opted_out]
    if "email" in channels and person.email:
        return "email"
    return next((c for c in channels if c != "email"), None)


# ---------------------------------------------------------------- escalations
def escalate_unapproved(session: Session, today: dt.date, now: dt.datetime, policy: DeliveryPolicy,
                        report: ReminderReport) -> list[int]:
    late = []
    for lesson in session.scalars(select(Lesson).where(Lesson.status.in_(UNAPPROVED), Lesson.deadline.is_not(None))
                                  .order_by(Lesson.deadline, Lesson.id)):
        left = workdays_between(today, lesson.deadline)
        if left <= policy.escalate_unapproved_workdays and lesson.deadline >= today - LOOKBACK:
            late.append((lesson, left))
    if not late:
        return []
    from yibao.review.render import role_name, status_name

    lines = [f"· #{lesson.id} {lesson.title}（{role_name(lesson.role)}，{status_name(lesson.status)}，截止 {lesson.deadline}，"
             f"{'剩余 ' + str(left) + ' 个工作日' if left >= 0 else '已逾期 ' + str(-left) + ' 个工作日'}）"
             for lesson, left in late]
    subject = f"{len(late)}项课程临近截止仍未审核"
    return _raise(session, report, subject=subject, now=now, recipients=None,
                  message="以下课程距培训截止不足 "
                          f"{policy.escalate_unapproved_workdays} 个工作日，仍未审核通过，请尽快审核：\n"
                          + "\n".join(lines))


def escalate_failed(session: Session, now: dt.datetime, report: ReminderReport) -> list[int]:
    done: set[int] = set()
    for event in session.scalars(select(Event).where(Event.stage == "reminders")):
        done.update((event.data or {}).get("failed_delivery_ids") or [])
    failed = [d for d in session.scalars(select(Delivery).where(Delivery.state == ledger.FAILED_PERMANENT)
                                         .order_by(Delivery.id))
              if d.id not in done and d.digest_key.startswith(("lessons:", "reminder:"))]
    by_dept: dict[str, list[Delivery]] = defaultdict(list)
    for d in failed:
        by_dept[d.person.department if d.person else ""].append(d)
    ids: list[int] = []
    for dept, rows in sorted(by_dept.items()):
        lines = [f"· {r.person.name if r.person else r.person_id}（{r.channel}）：{(r.last_error or '')[:160]}"
                 for r in rows]
        ids += _raise(session, report, subject=f"{dept or '未填科室'}：{len(rows)}条培训通知发送失败",
                      message="以下培训通知无法送达（已停止重试），请核对邮箱或群机器人设置，并线下通知本人：\n"
                              + "\n".join(lines),
                      now=now, recipients=_liaisons(session, dept), extra={"failed_delivery_ids": [r.id for r in rows]})
    return ids


def escalate_low_completion(session: Session, today: dt.date, now: dt.datetime, policy: DeliveryPolicy,
                            report: ReminderReport) -> list[int]:
    per_dept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missing: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))   # dept → person → open lessons
    approved = current_lessons(session)
    for a in assignments(session, today - LOOKBACK):
        if a.lesson_id in approved and _in_window(a.deadline, today, policy):
            per_dept[a.department][0] += a.acknowledged
            per_dept[a.department][1] += 1
            if not a.acknowledged:
                missing[a.department][a.person_id] += 1
    ids: list[int] = []
    for dept, (acked, assigned) in sorted(per_dept.items()):
        if assigned < policy.min_assigned_for_rate or acked / assigned >= policy.completion_threshold:
            continue
        names = [f"{_name(session, pid)}（{n}项）" for pid, n in sorted(missing[dept].items())]
        shown = "、".join(names[:30]) + (f" 等{len(names)}人" if len(names) > 30 else "")
        ids += _raise(session, report, subject=f"{dept}：培训完成率低于{policy.completion_threshold:.0%}",
                      message=f"{dept} 临近截止（或已逾期）的培训完成率为 {acked / assigned:.0%}（{acked}/{assigned}），"
                              f"低于 {policy.completion_threshold:.0%}。请联络员督促以下人员完成学习并点击「我已学习」：\n"
                              f"{shown}",
                      now=now, recipients=_liaisons(session, dept))
    return ids


def _name(session: Session, person_id: str) -> str:
    person = session.get(Person, person_id)
    return person.name if person else person_id


def _liaisons(session: Session, department: str) -> list[str]:
    return list(session.scalars(select(Person.id).where(Person.department == department,
                                                        Person.is_liaison.is_(True), Person.active.is_(True))))


def _raise(session: Session, report: ReminderReport, *, subject: str, message: str, now: dt.datetime,
           recipients: list[str] | None, extra: dict | None = None) -> list[int]:
    ids = record_alert(session, subject=subject, message=message, level="alert", stage="reminders",
                       recipients=recipients, now=now)
    if ids or extra:
        report.escalations.append(subject)
    if extra:   # remember what was escalated (even if the subject was already alerted today)
        event = session.scalar(select(Event).where(Event.subject == subject[:200]).order_by(Event.id.desc()))
        if event is not None:
            event.data = {**(event.data or {}), **extra}
            session.commit()
    return ids
