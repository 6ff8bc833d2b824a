import datetime as dt
import os
import tempfile

import pytest

from yibao.review import decisions as d
from yibao.review.apply import apply_decision
from yibao.review.errors import LessonClosed, ReviewConflict, ReviewInputError
from yibao.review.sample import seed
from yibao.store.db import open_session
from yibao.store.models import Event, Lesson


@pytest.fixture()
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture()
def lesson_id(db_url):
    with open_session(db_url) as s:
        return seed(s, published=dt.date(2026, 3, 2), roles=("doctor",))[0]


def test_two_trainers_second_save_is_refused_with_who_and_when(db_url, lesson_id):
    with open_session(db_url) as s:
        d.save_edit(s, lesson_id, actor="trainer1", revision=1, body_md="# A\n", comment="")
    with open_session(db_url) as s, pytest.raises(ReviewConflict) as err:
        d.save_edit(s, lesson_id, actor="trainer2", revision=1, body_md="# B\n")
    assert "该课程已被 trainer1 于" in str(err.value) and "请刷新后再保存" in str(err.value)
    assert err.value.current_revision == 2
    with open_session(db_url) as s:
        assert s.get(Lesson, lesson_id).body_md == "# A\n"


def test_approve_records_audit_with_diff_from_draft(db_url, lesson_id):
    with open_session(db_url) as s:
        drafted = s.get(Lesson, lesson_id).drafted_md
        d.record_decision(s, lesson_id, option="Approve", actor="trainer1", revision=1,
                          body_md=drafted + "\n补充：请于本周内完成培训。\n", comment="ok")
    with open_session(db_url) as s:
        lesson = s.get(Lesson, lesson_id)
        assert lesson.status == "approved" and lesson.approved_by == "trainer1"
        row = d.audit_rows(s, lesson_id)[-1]
        assert row["action"] == "approve" and row["actor"] == "trainer1"
        assert "+补充：请于本周内完成培训。" in row["edit_diff"]
        decision = d.current_decision(s, lesson_id)
        assert decision.option == "Approve" and decision.body_md.endswith("培训。\n")


def test_reject_needs_comment_and_closed_lessons_stay_closed(db_url, lesson_id):
    with open_session(db_url) as s, pytest.raises(ReviewInputError):
        d.record_decision(s, lesson_id, option="Reject", actor="t", revision=1, comment=" ")
    with open_session(db_url) as s, pytest.raises(ReviewInputError):
        d.record_decision(s, lesson_id, option="Maybe", actor="t", revision=1)
    with open_session(db_url) as s:
        d.record_decision(s, lesson_id, option="Reject", actor="t", revision=1, comment="与本院无关")
    with open_session(db_url) as s, pytest.raises(LessonClosed):
        d.save_edit(s, lesson_id, actor="t", revision=2, body_md="x")


def test_bad_quiz_is_refused(db_url, lesson_id):
    with open_session(db_url) as s, pytest.raises(ReviewInputError, match="第 1 题"):
        d.save_edit(s, lesson_id, actor="t", revision=1, quiz=[{"kind": "essay", "question": "?", "answer": "x"}])


@pytest.mark.parametrize("item, says", [
    ({"kind": "choice", "question": "", "answer": "", "distractors": []}, "不能为空"),
    ({"kind": "truefalse", "question": "病历须如实记录。", "answer": "也许"}, "判断题的答案"),
    ({"kind": "numeric", "question": "几个工作日内？", "answer": "大约十个"}, "数值题的答案"),
    ({"kind": "choice", "question": "主项目几个？", "answer": "658个", "distractors": []}, "至少要有一个干扰项"),
    ({"kind": "choice", "question": "主项目几个？", "answer": "658个", "distractors": ["600个", "600个"]}, "重复"),
    ({"kind": "choice", "question": "主项目几个？", "answer": "658个", "distractors": ["６５８个"]}, "重复"),
])
def test_a_quiz_item_staff_cannot_be_graded_on_is_refused(db_url, lesson_id, item, says):
    with open_session(db_url) as s, pytest.raises(ReviewInputError, match=says):
        d.save_edit(s, lesson_id, actor="t", revision=1, quiz=[item])


def test_an_editor_that_does_not_send_the_explanation_keeps_it(db_url, lesson_id):
    with open_session(db_url) as s:
        stored = [{**q, "explanation": f"原文{n}"} for n, q in enumerate(s.get(Lesson, lesson_id).draft["quiz"])]
        d.save_edit(s, lesson_id, actor="t", revision=1, quiz=stored)
        sent = [{k: v for k, v in q.items() if k != "explanation"} for q in stored]   # what lesson.js sends
        sent[0]["question"] = sent[0]["question"] + "（改）"
        d.save_edit(s, lesson_id, actor="t", revision=2, quiz=sent)
    with open_session(db_url) as s:
        quiz = s.get(Lesson, lesson_id).draft["quiz"]
        assert quiz[0]["question"].endswith("（改）")
        assert [q["explanation"] for q in quiz] == [q["explanation"] for q in stored]   # was erased


def test_apply_prefers_store_decision_over_hitl_answer(db_url, lesson_id):
    with open_session(db_url) as s:
        d.record_decision(s, lesson_id, option="Approve", actor="trainer1", revision=1)
    with open_session(db_url) as s:
        out = apply_decision(s, lesson_id, {"lesson_id": lesson_id, "chosen_options": ["Escalate"],
                                            "params_input": {}, "responded_by_user": None})
    assert out.approved and out.option == "Approve"


def test_timeout_escalates_and_alerts_never_approves(db_url, lesson_id):
    with open_session(db_url) as s:
        out = apply_decision(s, lesson_id, {"chosen_options": ["Escalate"], "params_input": {},
                                            "responded_by_user": None})
    assert not out.approved
    with open_session(db_url) as s:
        assert s.get(Lesson, lesson_id).status == "escalated"
        assert d.audit_rows(s, lesson_id)[-1]["actor"] == "system:timeout"
        from sqlalchemy import select
        alert = s.scalars(select(Event).where(Event.level == "alert")).first()   # the 医保办 was alerted
        assert alert.subject.startswith("课程待审核超时：") and "（临床医生）" in alert.message


def test_hitl_ref_roundtrip():
    ref = d.HitlRef("yibao_review", "asset_triggered__2026-01-01", "review", 3)
    assert d.HitlRef.decode(ref.encode()) == ref
    assert d.HitlRef.decode("garbage") is None


def hitl_answer(option, name, body=""):
    """What the review DAG's apply step gets after someone answers in Airflow's own Required Actions page."""
    return {"chosen_options": [option], "params_input": {"body_md": body, "comment": ""},
            "responded_by_user": {"id": name, "name": name}}


def test_airflow_page_approval_by_a_non_trainer_is_refused_not_delivered(db_url, lesson_id, tmp_path, monkeypatch):
    trainers = tmp_path / "trainers.yaml"
    trainers.write_text("trainers: [trainer1]\ntrainer_roles: []\n", encoding="utf-8")
    monkeypatch.setenv("YIBAO_TRAINERS_FILE", str(trainers))
    with open_session(db_url) as s:
        out = apply_decision(s, lesson_id, hitl_answer("Approve", "admin", body="# 改过的正文\n"))
    assert not out.approved and out.option == "Escalate"
    with open_session(db_url) as s:
        lesson = s.get(Lesson, lesson_id)
        assert lesson.status == "escalated" and "改过的正文" not in lesson.body_md
        row = d.audit_rows(s, lesson_id)[-1]
        assert row["actor"] == "system:refused" and "admin" in row["comment"] and "not a trainer" in row["comment"]
        from sqlalchemy import select
        assert s.scalars(select(Event).where(Event.level == "alert")).first() is not None
    with open_session(db_url) as s:   # a trainer can still decide afterwards
        d.record_decision(s, lesson_id, option="Approve", actor="trainer1", revision=None)
        assert s.get(Lesson, lesson_id).status == "approved"


def test_airflow_page_approval_by_a_trainer_is_applied(db_url, lesson_id, tmp_path, monkeypatch):
    trainers = tmp_path / "trainers.yaml"
    trainers.write_text("trainers: [trainer1]\n", encoding="utf-8")
    monkeypatch.setenv("YIBAO_TRAINERS_FILE", str(trainers))
    with open_session(db_url) as s:
        assert apply_decision(s, lesson_id, hitl_answer("Approve", "trainer1")).approved


def test_the_title_follows_the_heading_the_trainer_edits(db_url, lesson_id):
    with open_session(db_url) as s:
        title = s.get(Lesson, lesson_id).title
        d.save_edit(s, lesson_id, actor="t", revision=1, body_md=f"# {title}\n正文。\n")
        d.save_edit(s, lesson_id, actor="t", revision=2, body_md="# 门诊慢特病认定有效期延长为3年\n正文。\n")
    with open_session(db_url) as s:
        assert s.get(Lesson, lesson_id).title == "门诊慢特病认定有效期延长为3年"   # the queue, report, staff page


def test_review_errors_are_in_the_trainers_language():
    from yibao.review.decisions import _validate_quiz

    with pytest.raises(ReviewInputError, match="^第 1 题缺少题干和答案$"):
        _validate_quiz([{"kind": "choice"}])
    with pytest.raises(ReviewInputError, match="^第 2 题：干扰项不能与答案相同$"):
        _validate_quiz([{"kind": "truefalse", "question": "须备案。", "answer": "正确"},
                        {"kind": "choice", "question": "几天？", "answer": "5", "distractors": ["5", "7"]}])
    with pytest.raises(ReviewInputError, match="^测验须为题目列表$"):
        _validate_quiz("1. 题目")


def test_a_regenerate_is_audited_once_then_the_redraft_by_the_system(db_url, lesson_id):
    with open_session(db_url) as s:
        d.record_decision(s, lesson_id, option="Regenerate", actor="trainer1", revision=1,
                          comment="培训重点：补充收费员的操作要点")
    with open_session(db_url) as s:
        out = apply_decision(s, lesson_id, None)
    assert out.redraft_id == lesson_id
    with open_session(db_url) as s:
        rows = [(r["actor"], r["action"], r["comment"]) for r in d.audit_rows(s, lesson_id)][-2:]
        assert s.get(Lesson, lesson_id).status == "in_review"
    assert rows == [("trainer1", "regenerate", "培训重点：补充收费员的操作要点"),
                    ("system", "redraft", "按 trainer1 的意见重新起草")]


def test_a_reject_without_a_comment_in_airflows_own_page_says_so_in_chinese(db_url, lesson_id, monkeypatch):
    monkeypatch.setattr("yibao.review.apply._not_a_trainer", lambda option, actor: None)
    with open_session(db_url) as s:
        apply_decision(s, lesson_id, hitl_answer("Reject", "trainer1"))
    with open_session(db_url) as s:
        assert d.audit_rows(s, lesson_id)[-1]["comment"] == "（在 Airflow 审核页选择驳回，未填写意见）"


def test_a_refused_approval_is_alerted_as_refused_not_as_late(db_url, lesson_id, monkeypatch):
    from sqlalchemy import select

    monkeypatch.setattr("yibao.review.apply._not_a_trainer", lambda option, actor: f"{actor} 不是培训审核人")
    with open_session(db_url) as s:
        apply_decision(s, lesson_id, hitl_answer("Approve", "admin"))
    with open_session(db_url) as s:
        alert = s.scalars(select(Event).where(Event.level == "alert")).first()
        assert alert.subject.startswith("课程审核被拒绝（非培训审核人）：") and "admin 不是培训审核人" in alert.message
