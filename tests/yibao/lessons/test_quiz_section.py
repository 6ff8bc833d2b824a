"""The quiz section of a lesson's Markdown follows the structured quiz."""
import datetime as dt

from yibao.lessons import DocContext, draft_lessons
from yibao.lessons.quiz_section import with_quiz, without_quiz
from yibao.lessons.render import render_lesson


def _drafted(corpus_dir):
    text = (corpus_dir / "nhsa-texts" / "nhsa_fjjc_2023.txt").read_text(encoding="utf-8")
    doc = DocContext(None, "医疗保障基金飞行检查管理暂行办法", None, None, dt.date(2023, 3, 13), None, None, None,
                     "file", "new", None, text)
    draft = draft_lessons(doc, None, roles=["yibaoban"])[0]
    return draft.to_dict()["quiz"], render_lesson(draft, "md")


def test_the_section_is_rendered_again_from_the_edited_quiz(corpus_dir):
    quiz, body = _drafted(corpus_dir)
    assert with_quiz(body, quiz) == body                  # unchanged quiz: the very text the template made
    edited = [{**quiz[0], "question": "【改过的题】" + quiz[0]["question"]}] + quiz[1:]
    new = with_quiz(body, edited)
    assert "【改过的题】" in new and new.count("<details>") == 1
    assert new.split("## ")[0] == body.split("## ")[0]    # everything before the quiz is the trainer's as it was


def test_staff_see_the_lesson_without_the_section(corpus_dir):
    quiz, body = _drafted(corpus_dir)
    staff = without_quiz(body)
    assert "<details>" not in staff and quiz[0]["question"][:12] not in staff and "来源" in staff
    assert without_quiz("# 无测验的课程\n正文") == "# 无测验的课程\n正文"
