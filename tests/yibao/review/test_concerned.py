"""Roles a document does not concern: listed, and added back with one call."""
import datetime as dt

import pytest

from yibao.review.concerned import add_role, not_concerned_rows
from yibao.review.errors import ReviewInputError
from yibao.review.queue import OPEN_STATUSES
from yibao.review.sample import seed
from yibao.store.db import open_session
from yibao.store.models import Lesson, Review


@pytest.fixture()
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


def test_roles_without_a_lesson_are_listed_and_one_can_be_added_back(db_url):
    with open_session(db_url) as s:
        (lesson_id,) = seed(s, published=dt.date(2026, 3, 2), roles=("doctor",))
        change_id = s.get(Lesson, lesson_id).change_id
    with open_session(db_url) as s:
        rows = not_concerned_rows(s, OPEN_STATUSES)
        assert {r.role for r in rows if r.change_id == change_id} == {
            "yibaoban", "nurse", "cashier", "pharmacy", "finance", "management", "agency", "employer_hr", "insured"}
        assert next(r for r in rows if r.role == "nurse").role_name == "护士"
    with open_session(db_url) as s:
        new_id = add_role(s, change_id, "nurse", "trainer1")
    with open_session(db_url) as s:
        lesson = s.get(Lesson, new_id)
        assert lesson.role == "nurse" and lesson.status == "in_review" and lesson.body_md
        actions = [r.action for r in s.query(Review).filter(Review.lesson_id == new_id)]
        assert "add_role" in actions
        assert "nurse" not in {r.role for r in not_concerned_rows(s, OPEN_STATUSES)}
        assert add_role(s, change_id, "nurse", "trainer2") == new_id  # a second click adds nothing
        with pytest.raises(ReviewInputError, match="unknown role"):
            add_role(s, change_id, "janitor", "trainer1")
