"""The callables behind the tasks of the `yibao_review` DAG (the DAG file only wires them)."""
from __future__ import annotations

from typing import Any, Iterable

from yibao.assets import REVIEW_REQUESTS, ids_from_events
from yibao.review.apply import apply_decision
from yibao.review.decisions import mark_in_review
from yibao.store.db import open_session


def open_review_round(context: dict[str, Any]) -> list[int]:
    """Lesson ids from the triggering REVIEW_REQUESTS events (or run conf), marked in_review."""
    lesson_ids = ids_from_events(context, REVIEW_REQUESTS, "lesson_ids")
    with open_session() as session:
        return mark_in_review(session, lesson_ids, context["run_id"])


def apply_review_result(result: dict[str, Any]) -> dict[str, Any]:
    with open_session() as session:
        return apply_decision(session, int(result["lesson_id"]), result).to_dict()


def approved_ids(outcomes: Iterable[dict[str, Any] | None]) -> list[int]:
    return [o["lesson_id"] for o in outcomes if o and o.get("approved")]


def redraft_ids(outcomes: Iterable[dict[str, Any] | None]) -> list[int]:
    return [o["redraft_id"] for o in outcomes if o and o.get("redraft_id") is not None]
