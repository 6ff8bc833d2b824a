"""Training completion by department (科室) and role: the figure the 医保办 reports upward.

Unit of counting: one (person, lesson) assignment — a lesson planned for a person on
any channel — whose first message was created in the window, or, for people on daily or weekly
digests, a lesson approved in the window that waits in their next digest. Per assignment:
  sent          at least one message reached the provider (sent/read/acknowledged)
  read          the lesson page was drawn in a browser (its /seen marker), or acknowledged
  acknowledged  the person pressed 我已学习
  quiz          quiz_taken / quiz_passed: the FIRST complete submission (score ≥ PASS_SCORE),
                the score of record; quiz_attempts counts every submission, retakes included
                (a retake never raises the pass rate)
  due           the deadline has passed, or the person already acknowledged
  on_time       acknowledged on or before the lesson's deadline (Beijing date)
The on-time rate is on_time / due: assignments still inside their window do not count
against it until they are done or late.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import asdict, dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.delivery.ledger import DELIVERED_STATES
from yibao.lessons.roles import ROLES
from yibao.store.models import Acknowledgement, Delivery, DeliveryItem, Lesson, Person

TOTAL = "合计"
PASS_SCORE = 0.6           # a quiz counts as passed from 60 % correct


@dataclass
class CompletionRow:
    department: str
    role: str
    assigned: int = 0
    sent: int = 0
    read: int = 0
    acknowledged: int = 0
    quiz_taken: int = 0
    quiz_passed: int = 0
    quiz_attempts: int = 0
    due: int = 0
    on_time: int = 0

    @property
    def completion_rate(self) -> float | None:
        return self.acknowledged / self.assigned if self.assigned else None

    @property
    def pass_rate(self) -> float | None:
        return self.quiz_passed / self.quiz_taken if self.quiz_taken else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def add(self, other: "CompletionRow") -> None:
        for f in fields(self)[2:]:
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True)
class Assignment:
    person_id: str
    department: str
    lesson_id: int
    role: str
    deadline: dt.date | None
    sent: bool
    read: bool
    acknowledged: bool
    quiz_score: float | None          # first attempt: the score of record
    acknowledged_on: dt.date | None
    quiz_attempts: int = 0
    last_score: float | None = None
    assigned_at: dt.datetime | None = None   # first message created (naive UTC), or the approval of one …
    waiting: bool = False                    # … still waiting in the person's daily or weekly digest

    @property
    def on_time(self) -> bool:
        return self.acknowledged and (self.deadline is None or self.acknowledged_on <= self.deadline)

    def due(self, today: dt.date) -> bool:
        """Counts for the on-time rate: done, or past its deadline."""
        return self.acknowledged or (self.deadline is not None and self.deadline < today)


def china_midnight_utc(day: dt.date) -> dt.datetime:
    return beijing.day_start_utc(day)


def assignments(session: Session, since: dt.date, until: dt.date | None = None,
                lesson_ids: list[int] | None = None, *, waiting: bool = False,
                drop_replaced: bool = False) -> list[Assignment]:
    """Every (person, lesson) assignment whose first message was created in [since, until]; with
    `waiting`, also those approved in it that wait in a daily or weekly digest (not yet sent); with
    `drop_replaced`, not those left open on a lesson a revision replaced (its lesson is 应学 now)."""
    first_created = (select(DeliveryItem.person_id, DeliveryItem.lesson_id,
                            func.min(Delivery.created_at).label("created"))
                     .join(Delivery, Delivery.id == DeliveryItem.delivery_id)
                     .group_by(DeliveryItem.person_id, DeliveryItem.lesson_id)).subquery()
    query = (select(first_created.c.person_id, first_created.c.lesson_id, Person.department, Lesson.role,
                    Lesson.deadline, first_created.c.created)
             .join(Person, Person.id == first_created.c.person_id)
             .join(Lesson, Lesson.id == first_created.c.lesson_id)
             .where(first_created.c.created >= china_midnight_utc(since)))
    if until is not None:
        query = query.where(first_created.c.created < china_midnight_utc(until + dt.timedelta(days=1)))
    if lesson_ids is not None:
        query = query.where(first_created.c.lesson_id.in_(lesson_ids))
    pairs = session.execute(query).all()
    sent_pairs = set(session.execute(
        select(DeliveryItem.person_id, DeliveryItem.lesson_id).join(Delivery, Delivery.id == DeliveryItem.delivery_id)
        .where(Delivery.state.in_(DELIVERED_STATES))).all())
    acks: dict[tuple[str, int], dict[str, Acknowledgement]] = defaultdict(dict)
    for ack in session.scalars(select(Acknowledgement)):
        acks[(ack.person_id, ack.lesson_id)][ack.kind] = ack
    out = []
    for person_id, lesson_id, department, role, deadline, created in pairs:
        got = acks.get((person_id, lesson_id), {})
        ack = got.get("ack")
        out.append(Assignment(
            person_id=person_id, department=department or "（未填科室）", lesson_id=lesson_id, role=role,
            deadline=deadline, sent=(person_id, lesson_id) in sent_pairs or bool(got),
            read=bool(got), acknowledged=ack is not None, quiz_score=ack.quiz_score if ack else None,
            acknowledged_on=_china_date(ack.at) if ack else None,
            quiz_attempts=(ack.attempts or 1) if ack is not None and ack.quiz_score is not None else 0,
            last_score=ack.last_score if ack else None, assigned_at=created))
    if waiting:
        out += _waiting_in_digests(session, since, until, lesson_ids)
    if drop_replaced:
        from yibao.lessons.superseded import replacements

        replaced = replacements(session)
        out = [a for a in out if a.acknowledged or a.lesson_id not in replaced]
    return out


def _waiting_in_digests(session: Session, since: dt.date, until: dt.date | None,
                        lesson_ids: list[int] | None) -> list[Assignment]:
    from yibao.delivery.service import digest_waiting

    start = china_midnight_utc(since)
    end = china_midnight_utc(until + dt.timedelta(days=1)) if until is not None else None
    pairs = [(p, lesson, at) for p, lesson, at in digest_waiting(session)
             if at >= start and (end is None or at < end) and (lesson_ids is None or lesson in lesson_ids)]
    if not pairs:
        return []
    departments = dict(session.execute(select(Person.id, Person.department)
                                       .where(Person.id.in_({p for p, _, _ in pairs}))).all())
    lessons = {lesson.id: lesson for lesson in session.scalars(select(Lesson).where(
        Lesson.id.in_({lesson for _, lesson, _ in pairs})))}
    return [Assignment(person_id=p, department=departments.get(p) or "（未填科室）", lesson_id=lesson,
                       role=lessons[lesson].role, deadline=lessons[lesson].deadline, sent=False, read=False,
                       acknowledged=False, quiz_score=None, acknowledged_on=None, assigned_at=at, waiting=True)
            for p, lesson, at in pairs]


ATTESTATION_COLUMNS = ["person_id", "name", "department", "role", "lesson_id", "lesson_title", "doc_number",
                       "deadline", "channels", "first_sent_at", "read_at", "acknowledged_at", "quiz_score",
                       "quiz_passed", "on_time", "quiz_attempts", "last_score", "acknowledged_via", "read_via"]


def attestation_csv(session: Session, since: dt.date, until: dt.date | None = None) -> str:
    """One line per (person, lesson): the attestation ledger a trainer files (times in Beijing time)."""
    from yibao.store.models import Change, Document

    found = assignments(session, since, until)
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_({a.person_id for a in found})))}
    lessons = {lid: (title, number) for lid, title, number in session.execute(
        select(Lesson.id, Lesson.title, Document.doc_number).join(Change, Change.id == Lesson.change_id)
        .join(Document, Document.id == Change.document_id).where(Lesson.id.in_({a.lesson_id for a in found})))}
    sent: dict[tuple[str, int], dt.datetime] = {}
    channels: dict[tuple[str, int], set[str]] = defaultdict(set)
    for person_id, lesson_id, channel, sent_at in session.execute(
            select(DeliveryItem.person_id, DeliveryItem.lesson_id, Delivery.channel, Delivery.sent_at)
            .join(Delivery, Delivery.id == DeliveryItem.delivery_id)):
        channels[(person_id, lesson_id)].add(channel)
        if sent_at and ((person_id, lesson_id) not in sent or sent_at < sent[(person_id, lesson_id)]):
            sent[(person_id, lesson_id)] = sent_at
    acks = {(a.person_id, a.lesson_id, a.kind): a for a in session.scalars(select(Acknowledgement))}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ATTESTATION_COLUMNS)
    for a in sorted(found, key=lambda x: (x.department, x.person_id, x.lesson_id)):
        key = (a.person_id, a.lesson_id)
        read, ack = acks.get((*key, "read")), acks.get((*key, "ack"))
        title, number = lessons.get(a.lesson_id, ("", None))
        person = people.get(a.person_id)
        writer.writerow([a.person_id, person.name if person else "", a.department, a.role, a.lesson_id, title,
                         number or "", a.deadline.isoformat() if a.deadline else "",
                         " ".join(sorted(channels[key])), _cn(sent.get(key)), _cn(read.at if read else None),
                         _cn(ack.at if ack else None), "" if a.quiz_score is None else f"{a.quiz_score:.2f}",
                         "" if a.quiz_score is None else int(a.quiz_score >= PASS_SCORE), int(a.on_time),
                         a.quiz_attempts, "" if a.last_score is None else f"{a.last_score:.2f}",
                         (ack.via_channel or "") if ack else "", (read.via_channel or "") if read else ""])
    return buf.getvalue()


def _cn(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return beijing.local(value).strftime("%Y-%m-%d %H:%M")


def completion(session: Session, since: dt.date, until: dt.date | None = None,
               today: dt.date | None = None) -> list[CompletionRow]:
    """Rows per (department, role), sorted, followed by one total row. `today` (Beijing date,
    default now) decides which assignments are due."""
    today = today or _china_date(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    rows: dict[tuple[str, str], CompletionRow] = {}
    for a in assignments(session, since, until, waiting=True, drop_replaced=True):
        row = rows.setdefault((a.department, a.role), CompletionRow(a.department, a.role))
        row.assigned += 1
        row.sent += a.sent
        row.read += a.read
        row.acknowledged += a.acknowledged
        row.quiz_taken += a.quiz_score is not None
        row.quiz_passed += a.quiz_score is not None and a.quiz_score >= PASS_SCORE
        row.quiz_attempts += a.quiz_attempts
        row.due += a.due(today)
        row.on_time += a.on_time
    ordered = [rows[k] for k in sorted(rows)]
    total = CompletionRow(TOTAL, "")
    for row in ordered:
        total.add(row)
    return ordered + [total] if ordered else []


def department_rates(session: Session, lesson_ids: list[int], since: dt.date) -> dict[str, tuple[int, int]]:
    """department → (acknowledged, assigned) for these lessons."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in assignments(session, since, lesson_ids=lesson_ids):
        out[a.department][0] += a.acknowledged
        out[a.department][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def _china_date(value: dt.datetime) -> dt.date:
    return beijing.today(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


COLUMNS = ["科室", "角色", "应学", "已发送", "已读", "已确认", "完成率", "测验人次", "首次通过率", "作答次数", "已到期",
           "按时完成", "按时率"]


def as_records(rows: list[CompletionRow]) -> list[list[str]]:
    return [[r.department, ROLES.get(r.role, r.role), str(r.assigned), str(r.sent), str(r.read),
             str(r.acknowledged), _pct(r.completion_rate), str(r.quiz_taken), _pct(r.pass_rate),
             str(r.quiz_attempts), str(r.due), str(r.on_time), _pct(r.on_time_rate)] for r in rows]


def to_csv(rows: list[CompletionRow]) -> str:
    """CSV with a UTF-8 BOM-free header; numbers as plain counts plus rates as 0–1 decimals."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["department", "role", "role_name", "assigned", "sent", "read", "acknowledged",
                     "completion_rate", "quiz_taken", "quiz_passed", "quiz_pass_rate", "quiz_attempts", "due",
                     "on_time", "on_time_rate"])
    for r in rows:
        d = asdict(r)
        writer.writerow([r.department, r.role, ROLES.get(r.role, r.role), d["assigned"], d["sent"], d["read"],
                         d["acknowledged"], _rate(r.completion_rate), d["quiz_taken"], d["quiz_passed"],
                         _rate(r.pass_rate), d["quiz_attempts"], d["due"], d["on_time"], _rate(r.on_time_rate)])
    return buf.getvalue()


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def to_table(rows: list[CompletionRow]) -> str:
    """A fixed-width table; CJK characters count as two columns."""
    records = [COLUMNS] + as_records(rows)
    widths = [max(_width(rec[i]) for rec in records) for i in range(len(COLUMNS))]
    lines = []
    for n, rec in enumerate(records):
        cells = [c + " " * (w - _width(c)) if i < 2 else " " * (w - _width(c)) + c
                 for i, (c, w) in enumerate(zip(rec, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0 or (n == len(records) - 2 and rows and rows[-1].department == TOTAL):
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
