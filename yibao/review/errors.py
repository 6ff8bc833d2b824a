"""Exceptions of the review stage, each naming what was wrong."""
from __future__ import annotations


class ReviewError(Exception):
    """Base class of review-stage errors."""


class LessonNotFound(ReviewError, LookupError):
    def __init__(self, lesson_id: int) -> None:
        super().__init__(f"课程 #{lesson_id} 不存在")
        self.lesson_id = lesson_id


class ReviewInputError(ReviewError, ValueError):
    """A submitted review action is malformed (unknown action, missing comment, bad quiz)."""


class ReviewConflict(ReviewError):
    """The lesson changed since the trainer loaded it (optimistic lock on Lesson.revision)."""

    def __init__(self, message: str, *, current_revision: int) -> None:
        super().__init__(message)
        self.current_revision = current_revision


class LessonClosed(ReviewError):
    """The lesson already carries a final decision and cannot be changed."""
