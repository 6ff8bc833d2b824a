"""Every change to a lesson — body, quiz items, answer key, title — leaves a readable diff."""
from __future__ import annotations

import datetime as dt

import pytest

from yibao.review import decisions as d
from yibao.review.audit_diff import LessonSnapshot, lesson_diff
from yibao.review.sample import seed
from yibao.store.db import open_session
from yibao.store.models import Lesson


@pytest.fixture()
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture()
def lesson_id(db_url):
    with open_session(db_url) as s:
        return seed(s, published=dt.date(2026, 3, 2), roles=("doctor",))[0]


def _quiz(db_url, lesson_id):
    with open_session(db_url) as s:
        return [dict(q) for q in s.get(Lesson, lesson_id).draft["quiz"]]


def test_answer_key_only_edit_shows_old_and_new_answer(db_url, lesson_id):
    quiz = _quiz(db_url, lesson_id)
    old_answer = quiz[0]["answer"]
    quiz[0]["answer"], quiz[0]["distractors"] = quiz[0]["distractors"][0], [old_answer] + quiz[0]["distractors"][1:]
    with open_session(db_url) as s:
        review = d.save_edit(s, lesson_id, actor="trainer1", revision=1, quiz=quiz)
        diff = review.edit_diff
    assert f"-  答案: {old_answer}" in diff and f"+  答案: {quiz[0]['answer']}" in diff
    assert "--- 测验 (before)" in diff and "正文" not in diff


def test_new_quiz_item_and_title_are_in_the_diff(db_url, lesson_id):
    quiz = _quiz(db_url, lesson_id) + [{"kind": "truefalse", "question": "新题：出院前须完成结算。", "answer": "对",
                                         "distractors": ["错"]}]
    with open_session(db_url) as s:
        d.record_decision(s, lesson_id, option="Approve", actor="trainer1", revision=1, quiz=quiz,
                          title="门诊慢特病新规（修订）")
    with open_session(db_url) as s:
        diff = d.audit_rows(s, lesson_id)[-1]["edit_diff"]
        assert s.get(Lesson, lesson_id).title == "门诊慢特病新规（修订）"
    assert "+门诊慢特病新规（修订）" in diff and "--- 标题 (before)" in diff
    assert "+第" in diff and "新题：出院前须完成结算。" in diff


def test_unchanged_lesson_gives_an_empty_diff():
    snap = LessonSnapshot.of("t", "body\n", [{"kind": "truefalse", "question": "q", "answer": "对"}])
    assert lesson_diff(snap, snap) == ""


def test_redraft_row_has_a_diff_and_keeps_the_chain(db_url, lesson_id):
    from yibao.pipeline.drafting import redraft_lesson
    from yibao.store.audit_chain import verify_chain

    with open_session(db_url) as s:
        s.get(Lesson, lesson_id).body_md = "# 旧稿\n"
    with open_session(db_url) as s:
        redraft_lesson(s, lesson_id, "请补充收费员的操作要点", actor="trainer1")
    with open_session(db_url) as s:
        row = d.audit_rows(s, lesson_id)[-1]
        assert row["action"] == "redraft" and row["actor"] == "system" and "-# 旧稿" in row["edit_diff"]
        assert verify_chain(s).intact
