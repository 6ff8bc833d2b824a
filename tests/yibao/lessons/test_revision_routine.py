"""A revision's lesson teaches what changed for the role, not the lines every revision changes."""
import datetime as dt

from yibao.diff import compare_texts
from yibao.lessons import DocContext, draft_lessons
from yibao.lessons.render import render_lesson
from yibao.mirror.content import _lixiang_trial, demo_update


def _management_lesson():
    new, = [demo_update()]
    old = _lixiang_trial(new)
    doc = DocContext(None, new.title, new.doc_number, None, dt.date(2026, 8, 25), None, None, None,
                     "file", "revised", old.title, new.body)
    diff = compare_texts(old.body, new.body).to_dict()
    return draft_lessons(doc, diff, roles=["management"])[0]


def test_the_start_date_line_and_the_cover_sentence_are_not_changes_to_teach():
    lesson = _management_lesson()
    refs = [c["ref"] for c in lesson.changes]
    assert refs and not any(r.startswith("文首") or r.startswith("四") for r in refs), refs
    md = render_lesson(lesson, "md")
    assert "2026年12月1日" in md                        # the start date is still said, once, in the summary
    assert "本通知自印发之日起施行" not in md and "。，" not in md


def test_a_deleted_provision_is_marked_as_deleted():
    from yibao.lessons.render import render_lesson as render
    lesson = _management_lesson()
    removed = {**lesson.changes[0], "kind": "removed", "text": "本条规定的旧标准。"}
    lesson.changes = [removed] + lesson.changes[1:]
    assert f"**{removed['ref']}**（已删除）：本条规定的旧标准。" in render(lesson, "md")


def test_a_bureaus_deadline_is_not_a_task_for_the_hospital_s_departments():
    actions = _management_lesson().actions
    line = next(a for a in actions if "2026年10月31日" in a)
    assert "督促" not in line and "医保部门的时限" in line and "。（" not in line
