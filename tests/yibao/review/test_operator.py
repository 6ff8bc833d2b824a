"""The review task's form in Airflow's Required Actions."""
import pytest

pytestmark = pytest.mark.airflow


def test_an_unchanged_approval_needs_no_text_in_the_form():
    """The body and the comment may stay empty (null allowed): Airflow's form made both required,
    so approving from Required Actions meant pasting the whole lesson in."""
    from airflow.sdk import DAG

    from yibao.review.operator import LessonReviewOperator

    with DAG("review_form_test", schedule=None):
        op = LessonReviewOperator(task_id="review", lesson_id=1)
    for name in ("body_md", "comment"):
        param = op.params.get_param(name)
        assert "null" in param.schema["type"] and param.value is None
        param.resolve(None)                       # validates
