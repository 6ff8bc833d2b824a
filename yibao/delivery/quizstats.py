"""Quiz answers per attempt, and the statistics of FIRST attempts.

Every quiz submission on the staff lesson page is kept as a `QuizAttempt` with each answer
given. Statistics use first attempts only: what a person knew after reading the lesson once,
not what they learned from the answers shown after submitting. A reworked lesson (返工) starts
a new round: the first attempt of each person in that round is what the rework achieved.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yibao.delivery.report import PASS_SCORE
from yibao.store.models import QuizAttempt

NO_ANSWER = "（未作答）"


def record_attempt(session: Session, *, lesson_id: int, person_id: str, delivery_id: int | None,
                   quiz: list[dict], answers: dict[str, str], marks: list[bool], score: float | None,
                   now: dt.datetime) -> QuizAttempt | None:
    """Keep one submission with every answer (`answers` are the form fields q0, q1 …).
    Nothing is kept for a lesson without a quiz. Flushes; the caller commits."""
    if not quiz:
        return None
    from yibao.review.rework import current_round

    last = session.scalar(select(func.max(QuizAttempt.attempt_no)).where(
        QuizAttempt.lesson_id == lesson_id, QuizAttempt.person_id == person_id)) or 0
    given = [{"question": str(q.get("question", "")), "answer": str(q.get("answer", "")),
              "given": str(answers.get(f"q{i}", "") or "").strip(), "correct": bool(ok)}
             for i, (q, ok) in enumerate(zip(quiz, marks))]
    row = QuizAttempt(lesson_id=lesson_id, person_id=person_id, delivery_id=delivery_id, attempt_no=last + 1,
                      round=current_round(session, lesson_id), answers=given, score=score, at=now)
    session.add(row)
    session.flush()
    return row


def first_attempts(session: Session, lesson_ids: list[int] | None = None,
                   round_no: int | None = None) -> dict[tuple[str, int], QuizAttempt]:
    """(person, lesson) → the person's first attempt (within `round_no` when given, else overall)."""
    query = select(QuizAttempt).order_by(QuizAttempt.attempt_no)
    if lesson_ids is not None:
        query = query.where(QuizAttempt.lesson_id.in_(lesson_ids))
    if round_no is not None:
        query = query.where(QuizAttempt.round == round_no)
    out: dict[tuple[str, int], QuizAttempt] = {}
    for row in session.scalars(query):
        out.setdefault((row.person_id, row.lesson_id), row)
    return out


def first_scores(session: Session, lesson_ids: list[int]) -> dict[tuple[str, int], float | None]:
    """(person, lesson) → the score of the person's first attempt ever (attempt 1), scores only."""
    rows = session.execute(select(QuizAttempt.person_id, QuizAttempt.lesson_id, QuizAttempt.score)
                           .where(QuizAttempt.attempt_no == 1, QuizAttempt.lesson_id.in_(lesson_ids)))
    return {(person, lesson): score for person, lesson, score in rows}


@dataclass
class QuestionStat:
    index: int                  # 0-based position in the quiz
    question: str
    answer: str
    responses: int = 0
    correct: int = 0
    wrong_answers: list[tuple[str, int]] = field(default_factory=list)   # most chosen first

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.responses if self.responses else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["correct_rate"] = self.correct_rate
        data["wrong_answers"] = [{"answer": a, "count": n} for a, n in self.wrong_answers]
        return data


@dataclass
class LessonStats:
    lesson_id: int
    round: int
    responses: int = 0          # people with a first attempt in this round
    passed: int = 0             # … whose first attempt scored ≥ PASS_SCORE
    questions: list[QuestionStat] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.responses if self.responses else None

    def to_dict(self) -> dict[str, Any]:
        return {"lesson_id": self.lesson_id, "round": self.round, "responses": self.responses,
                "passed": self.passed, "pass_rate": self.pass_rate,
                "questions": [q.to_dict() for q in self.questions]}


def lesson_stats(session: Session, lesson_id: int, round_no: int = 0,
                 people: set[str] | None = None) -> LessonStats:
    """First-attempt figures of one lesson in one round, overall and per question (only of
    `people` when given: yibao.review.rework.round_stats passes those sent that round's version)."""
    firsts = [a for (person, _), a in first_attempts(session, [lesson_id], round_no).items()
              if people is None or person in people]
    stats = LessonStats(lesson_id, round_no, responses=len(firsts),
                        passed=sum(1 for a in firsts if a.score is not None and a.score >= PASS_SCORE))
    by_index: dict[int, QuestionStat] = {}
    wrong: dict[int, Counter] = {}
    for attempt in firsts:
        for i, item in enumerate(attempt.answers or []):
            q = by_index.setdefault(i, QuestionStat(i, item.get("question", ""), item.get("answer", "")))
            q.responses += 1
            if item.get("correct"):
                q.correct += 1
            else:
                wrong.setdefault(i, Counter())[item.get("given") or NO_ANSWER] += 1
    for i, q in by_index.items():
        q.wrong_answers = sorted(wrong.get(i, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
    stats.questions = [by_index[i] for i in sorted(by_index)]
    return stats


def pass_rate(scores: list[float | None]) -> float | None:
    taken = [s for s in scores if s is not None]
    return sum(s >= PASS_SCORE for s in taken) / len(taken) if taken else None
