"""Data classes: the document being taught, a drafted lesson and its quiz items."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


class LessonInputError(ValueError):
    """Bad input to the lesson drafter (document context, diff or draft dict)."""


def _as_date(value: Any, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError as exc:
            raise LessonInputError(f"{what}: not an ISO date: {value!r}") from exc
    raise LessonInputError(f"{what}: expected a date, got {type(value).__name__}")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class DocContext:
    doc_id: int | None
    title: str
    doc_number: str | None
    issuer: str | None
    publish_date: dt.date
    effective_date: dt.date | None
    deadline: dt.date
    url: str | None
    source_name: str | None
    kind: str  # "new" | "revised" | "supersedes"
    predecessor_title: str | None
    text: str
    publish_date_origin: str = "given"   # "given" | "text" (the document's own 成文日期) | "today"

    def __post_init__(self) -> None:
        if self.kind not in ("new", "revised", "supersedes"):
            raise LessonInputError(f"DocContext.kind must be new|revised|supersedes, got {self.kind!r}")
        if not isinstance(self.text, str):
            raise LessonInputError("DocContext.text must be the full text as str")
        self.publish_date = _as_date(self.publish_date, "publish_date")
        self.effective_date = _as_date(self.effective_date, "effective_date")
        self.deadline = _as_date(self.deadline, "deadline")
        if self.publish_date is None:
            raise LessonInputError("DocContext needs publish_date")
        if self.deadline is None:  # the response deadline: publication + 7 working days
            self.deadline = response_deadline(self.publish_date)


def response_deadline(publish_date: dt.date) -> dt.date:
    """Publication + 7 Chinese working days (调休-aware)."""
    from yibao.workdays import training_deadline

    return training_deadline(publish_date).date


@dataclass
class QuizItem:
    kind: str  # "choice" | "truefalse" | "numeric"
    question: str
    answer: str
    distractors: list[str] = field(default_factory=list)
    ref: str = ""
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("choice", "truefalse", "numeric"):
            raise LessonInputError(f"QuizItem.kind must be choice|truefalse|numeric, got {self.kind!r}")
        if self.answer in self.distractors:
            raise LessonInputError(f"quiz distractor equals the answer {self.answer!r}: {self.question}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "QuizItem":
        return cls(kind=d["kind"], question=d["question"], answer=str(d["answer"]),
                   distractors=[str(x) for x in d.get("distractors", [])],
                   ref=d.get("ref", ""), explanation=d.get("explanation", ""))


@dataclass
class LessonDraft:
    role: str
    topics: list[str]
    headline: str
    summary: list[str]
    changes: list[dict]
    actions: list[str]
    effective_date: dt.date | None
    scenario: dict
    case: dict
    quiz: list[QuizItem]
    source: dict
    deadline: dt.date
    drafter: str = "rules"
    flags: list[str] = field(default_factory=list)
    notes: str | None = None
    concern: str = "core"   # core (full lesson) | brief (short notice) | none (added by a trainer)

    @property
    def role_name(self) -> str:
        from .roles import ROLES
        return ROLES.get(self.role, self.role)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["effective_date"] = _iso(self.effective_date)
        d["deadline"] = _iso(self.deadline)
        d["quiz"] = [q.to_dict() for q in self.quiz]
        src = dict(d["source"])
        if isinstance(src.get("publish_date"), dt.date):
            src["publish_date"] = src["publish_date"].isoformat()
        d["source"] = src
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "LessonDraft":
        if isinstance(d, LessonDraft):
            return d
        missing = [k for k in ("role", "headline", "summary", "changes", "actions", "quiz", "source", "deadline") if k not in d]
        if missing:
            raise LessonInputError(f"lesson draft dict is missing {', '.join(missing)}")
        return cls(
            role=d["role"], topics=list(d.get("topics", [])), headline=d["headline"], summary=list(d["summary"]),
            changes=[dict(c) for c in d["changes"]], actions=list(d["actions"]),
            effective_date=_as_date(d.get("effective_date"), "effective_date"),
            scenario=dict(d.get("scenario") or {}), case=dict(d.get("case") or {}),
            quiz=[QuizItem.from_dict(q) for q in d["quiz"]], source=dict(d["source"]),
            deadline=_as_date(d["deadline"], "deadline"), drafter=d.get("drafter", "rules"),
            flags=list(d.get("flags", [])), notes=d.get("notes"), concern=d.get("concern", "core"))
