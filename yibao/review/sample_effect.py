"""Demo rows for 效果评估 and 返工: eighteen staff in four departments, three policies, their
deliveries, acknowledgements and quiz answers, one lesson reworked (and re-approved, with the
reworked version answered) and one still flagged.

Used by the browser test of the charts and docs/make_effect_screenshots.py. The figures it
produces are fixed (see EXPECTED) so a test can check what the charts show.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from yibao.delivery import ledger, quizstats
from yibao.delivery.ack_app import is_correct
from yibao.review.sample import SAMPLE_QUIZ, seed
from yibao.store.models import Acknowledgement, Lesson, Person, Subscription

STAFF = {  # person id → (name, department, role)
    **{f"xn{i}": (f"心内{i}", "心内科", "doctor") for i in range(1, 6)},
    **{f"gk{i}": (f"骨科{i}", "骨科", "doctor") for i in range(1, 7)},
    **{f"hl{i}": (f"护理{i}", "护理部", "nurse") for i in range(1, 5)},
    **{f"sf{i}": (f"收费{i}", "收费处", "cashier") for i in range(1, 4)},
}
RIGHT = ("3年", "错")            # the answers to SAMPLE_QUIZ
WRONG = ("2年", "对")
# policy → (days before today it was published, roles, person → first answers or None = never answered)
POLICIES = {
    "A": (45, ("doctor", "nurse"), {**{p: RIGHT for p in STAFF if p[:2] in ("xn", "hl")},
                                    "gk1": RIGHT, "gk2": RIGHT, "gk3": RIGHT, "gk4": RIGHT,
                                    "gk5": WRONG, "gk6": ("3年", "对")}),
    "B": (20, ("doctor", "cashier"), {**{f"xn{i}": RIGHT for i in range(1, 6)},
                                      **{f"gk{i}": ("3年", "对") for i in range(1, 6)}, "gk6": None,
                                      "sf1": RIGHT, "sf2": RIGHT, "sf3": None}),
    "C": (30, ("doctor",), {"xn1": RIGHT, "xn2": RIGHT, "xn3": RIGHT, "xn4": WRONG, "xn5": ("5年", "对"),
                            "gk1": WRONG, "gk2": WRONG, "gk3": ("5年", "错"), "gk4": ("1年", "对"),
                            "gk5": WRONG, "gk6": None}),
}
LATE = {("A", "hl4")}            # acknowledged two days after the deadline
REWORKED_ANSWERS = {"gk1": RIGHT, "gk2": RIGHT, "gk3": RIGHT, "gk4": RIGHT, "gk5": WRONG}   # B, after rework
# What the control room must show (lessons of the last year; first attempts only):
EXPECTED = {
    "department": {"心内科": ("100% (15/15)", "87% (13/15)"), "骨科": ("89% (16/18)", "25% (4/16)"),
                   "护理部": ("100% (4/4)", "100% (4/4)"), "收费处": ("67% (2/3)", "100% (2/2)")},
    "role": {"临床医生": ("94% (31/33)", "55% (17/31)")},
    "ontime": {"A": "93% (14/15)", "B": "86% (12/14)", "C": "91% (10/11)"},
    "rework": {"B": ("50% (10人)", "80% (5人)"), "C": ("30% (10人)", "— (待修订)")},
}
DOC_NUMBERS = {"A": "医保发〔2026〕21号", "B": "医保发〔2026〕22号", "C": "医保发〔2026〕23号"}
TITLES = {"A": "关于做好门诊慢特病管理工作的通知", "B": "关于规范出院结算工作的通知",
          "C": "关于调整门诊慢特病认定有效期的通知"}


OFFICE = ("ybb", "王芳", "医保办", "yibaoban")   # gets the 返工 alerts


def subscriptions_yaml(hospital: str = "示例市第一人民医院") -> str:
    pid, name, dept, role = OFFICE
    lines = [f"hospital: {hospital}", "people:",
             f"  - {{id: {pid}, name: {name}, department: {dept}, roles: [{role}], email: {pid}@hospital.example.cn, "
             "channels: [email], liaison: true}"]
    for pid, (name, dept, role) in STAFF.items():
        lines.append(f"  - {{id: {pid}, name: {name}, department: {dept}, roles: [{role}], "
                     f"email: {pid}@hospital.example.cn, channels: [email]}}")
    return "\n".join(lines) + "\n"


def _at(day: dt.date, hour: int = 2) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


def _answer(session: Session, lesson: Lesson, person_id: str, delivery_id: int, given: tuple[str, str],
            at: dt.datetime) -> float:
    quiz = lesson.draft["quiz"]
    answers = {f"q{i}": g for i, g in enumerate(given)}
    marks = [is_correct(q, answers[f"q{i}"]) for i, q in enumerate(quiz)]
    score = sum(marks) / len(marks)
    quizstats.record_attempt(session, lesson_id=lesson.id, person_id=person_id, delivery_id=delivery_id,
                             quiz=quiz, answers=answers, marks=marks, score=score, now=at)
    return score


def _people(session: Session) -> None:
    for pid, (name, dept, role) in {**STAFF, OFFICE[0]: OFFICE[1:]}.items():
        if session.get(Person, pid) is None:
            session.add(Person(id=pid, name=name, email=f"{pid}@hospital.example.cn", department=dept,
                               channels=["email"]))
            session.add(Subscription(person_id=pid, role=role))
    session.flush()


def seed_effect(session: Session, today: dt.date) -> dict[str, list[int]]:
    """Insert the demo; returns lesson ids per policy (in role order). Commits."""
    from yibao.review import decisions
    from yibao.review.rework import check_all, load_rules, plan_redelivery

    _people(session)
    lessons: dict[str, list[int]] = {}
    for key, (days_ago, roles, answers) in POLICIES.items():
        published = today - dt.timedelta(days=days_ago)
        ids = seed(session, published=published, roles=roles, doc_number=DOC_NUMBERS[key], title=TITLES[key])
        lessons[key] = ids
        for lesson_id in ids:
            lesson = session.get(Lesson, lesson_id)
            lesson.draft = {**lesson.draft, "quiz": [dict(q) for q in SAMPLE_QUIZ]}
            lesson.status, lesson.approved_at, lesson.approved_by = "approved", _at(published, 6), "trainer1"
            sent = _at(published + dt.timedelta(days=1))
            for pid, (_, _, role) in STAFF.items():
                if role != lesson.role:
                    continue
                row = ledger.plan_lessons(session, person_id=pid, channel="email",
                                          target=f"{pid}@hospital.example.cn", lesson_ids=[lesson.id], now=sent)
                row.state, row.sent_at = ledger.SENT, sent
                given = answers.get(pid)
                if given is None:
                    continue
                at = (_at(lesson.deadline + dt.timedelta(days=2)) if (key, pid) in LATE
                      else _at(published + dt.timedelta(days=2)))
                score = _answer(session, lesson, pid, row.id, given, at)
                session.add_all([Acknowledgement(delivery_id=row.id, lesson_id=lesson.id, person_id=pid, kind=kind,
                                                 quiz_score=score if kind == "ack" else None, at=at)
                                 for kind in ("read", "ack")])
                row.state = ledger.ACKNOWLEDGED
    session.commit()

    check_all(session, rules=load_rules(), now=_at(today - dt.timedelta(days=3)))   # flags B and C (doctor)
    b_doctor = session.get(Lesson, lessons["B"][0])
    decisions.record_decision(
        session, b_doctor.id, option="Approve", actor="trainer1", revision=None,
        body_md=b_doctor.body_md + "\n## 演示：出院结算\n\n患者出院前，收费处当场完成结算；系统不再提示垫付。\n",
        comment="增加出院结算的操作演示，强调“不得要求垫付”")
    session.commit()
    reworked_at = _at(today - dt.timedelta(days=2))
    rows = plan_redelivery(session, lesson_ids=[b_doctor.id], now=reworked_at, opted_out=set())
    by_person = {}
    for row_id in rows:
        row = session.get(ledger.Delivery, row_id)
        row.state, row.sent_at = ledger.SENT, reworked_at
        by_person[row.person_id] = row
    for pid, given in REWORKED_ANSWERS.items():
        _answer(session, b_doctor, pid, by_person[pid].id, given, reworked_at + dt.timedelta(hours=3))
    session.commit()
    return lessons
