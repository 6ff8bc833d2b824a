"""Every role's lesson for the real 青海 texts, rendered in every format, with key facts checked."""
import datetime as dt
import re

import pytest

from yibao.clauses import normalize_text
from yibao.lessons import ROLES, LessonDraft, draft_lessons
from yibao.lessons.render import IM_LIMIT, render_lesson

ALL = list(ROLES)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _check_common(draft: LessonDraft, doc, source_text: str):
    assert draft.headline and len(draft.summary) == 3
    assert 3 <= len(draft.quiz) <= 5, (draft.role, draft.flags)
    text = _squash(normalize_text(source_text))
    for q in draft.quiz:
        assert q.answer not in q.distractors
        assert q.ref
        if q.kind == "choice":
            assert _squash(q.answer) in text, (draft.role, q.answer)
    assert not draft.case or draft.case["kind"] in ("典型案例", "警示")
    # a scene or case comes from the role's own duties and consequences; none stated, none made up
    own = [a for a in draft.actions if a.startswith(("守住红线", "照此办理", "知晓后果", "按此结算", "您的待遇"))]
    assert draft.scenario.get("text") or draft.case.get("text") or not own, draft.role
    assert draft.deadline == doc.deadline
    for fmt in ("md", "html", "text", "im"):
        out = render_lesson(draft, fmt)
        assert doc.title in out or fmt == "im"
        if fmt != "im":
            assert f"{doc.deadline.year}年{doc.deadline.month}月{doc.deadline.day}日" in out
            for c in draft.changes:
                assert c["ref"] in out
        if doc.doc_number:
            assert doc.doc_number in out
    assert len(render_lesson(draft, "im").encode("utf-8")) <= IM_LIMIT
    assert LessonDraft.from_dict(draft.to_dict()).to_dict() == draft.to_dict()


def test_shengyu_new_document_every_role(qh):
    doc = qh("qh_shengyu_2025")
    assert doc.deadline == dt.date(2025, 8, 4)  # 2025-07-24 + 7 working days
    drafts = {d.role: d for d in draft_lessons(doc, None, roles=ALL)}
    assert set(drafts) == set(ALL)
    for d in drafts.values():
        _check_common(d, doc, doc.text)
        assert d.effective_date == dt.date(2025, 9, 1)
        assert d.source["doc_number"] == "青医保局发〔2025〕27号"
    cashier = drafts["cashier"]
    assert "从300元提高至520元" in cashier.summary[1]  # the 要点: the value with what it measures, whole sentence
    assert any(q.answer in ("520元", "300元") and len(q.distractors) >= 2 for q in cashier.quiz)
    assert any("2025年9月1日" in s for s in cashier.summary)
    assert drafts["pharmacy"].concern == "none" and "not_concerned_added" in drafts["pharmacy"].flags
    hr = drafts["employer_hr"]
    assert "520元" in render_lesson(hr, "md")


def test_roles_the_document_does_not_concern_get_no_lesson(qh):
    doc = qh("qh_shengyu_2025")
    drafts = {d.role: d for d in draft_lessons(doc, None)}
    assert "pharmacy" not in drafts and drafts  # 生育待遇: nothing binds 药剂科
    assert all(d.concern in ("core", "brief") for d in drafts.values())


def test_shengyu_insured_version_is_plain_and_short(qh):
    doc = qh("qh_shengyu_2025")
    (d,) = draft_lessons(doc, None, roles=["insured"])
    md = render_lesson(d, "md")
    im = render_lesson(d, "im")
    assert "520元" in md and "2025年9月1日" in md
    assert "统筹基金" not in md.split("## 考考您")[0].replace("医保报销资金", "")
    for jargon in ("DRG", "DIP", "清算", "结算清单"):
        assert jargon not in md
    assert len(im.encode("utf-8")) < 2500  # phone screen


def test_rjss_day_surgery_roles(qh):
    doc = qh("qh_rjss_2024")
    drafts = {d.role: d for d in draft_lessons(doc, None, roles=ALL)}
    for d in drafts.values():
        _check_common(d, doc, doc.text)
        assert d.effective_date == dt.date(2024, 10, 1)
    doctor_md = render_lesson(drafts["doctor"], "md")
    assert "48小时" in doctor_md
    assert "drg_dip" in drafts["finance"].topics
    insured = render_lesson(drafts["insured"], "md")
    assert "DRG" not in insured and "DIP" not in insured


def test_nrdl_catalogue_roles(qh):
    doc = qh("qh_nrdl_2024")
    drafts = {d.role: d for d in draft_lessons(doc, None, roles=ALL)}
    for d in drafts.values():
        _check_common(d, doc, doc.text)
        assert d.effective_date == dt.date(2024, 1, 1)
    pharmacy_md = render_lesson(drafts["pharmacy"], "md")
    assert "3148种" in pharmacy_md or "1335种" in pharmacy_md
    assert "青医保局发〔2023〕81号" in pharmacy_md


def test_fanli_revision_with_real_diff(qh_pair):
    doc, diff = qh_pair("qh_fanli_2024", "qh_fanli_2025")
    drafts = {d.role: d for d in draft_lessons(doc, diff, roles=ALL)}
    for d in drafts.values():
        _check_common(d, doc, doc.text)
        assert "effective_date_missing" in d.flags  # the 凡例 prints no 施行 date
    ph = drafts["pharmacy"]
    first = ph.changes[0]
    assert first["ref"] == "一、（一）" and "1335种" in first["old"] and "1398种" in first["new"]
    q = next(q for q in ph.quiz if q.answer == "1398种")
    assert "1335种" in q.distractors
    # catalogue numbering (第189号→第197号) ranks after real quantities
    assert all(not c["new"].endswith("号") for c in ph.changes[:2])


def test_pharmacy_agreement_revision_with_real_diff(qh_pair):
    doc, diff = qh_pair("qh_ydxy_2024", "qh_ydxy_2025")
    drafts = {d.role: d for d in draft_lessons(doc, diff)}
    assert {"yibaoban", "management", "pharmacy", "agency"} <= set(drafts)
    for d in drafts.values():
        _check_common(d, doc, doc.text)
    md = render_lesson(drafts["management"], "md")
    assert "第" in md and "条" in md


def test_hospital_agreement_revision_cites_changed_clause(qh_pair):
    doc, diff = qh_pair("qh_yyxy_2025", "qh_yyxy_2025r")
    drafts = {d.role: d for d in draft_lessons(doc, diff, roles=ALL)}
    yb = drafts["yibaoban"]
    _check_common(yb, doc, doc.text)
    assert any(c["ref"] == "第七条（十四）" and "三结算" in c["text"] for c in yb.changes)
    assert "第七条（十四）" in render_lesson(yb, "html")


def test_trainer_notes_are_honoured_and_recorded(qh):
    doc = qh("qh_shengyu_2025")
    (d,) = draft_lessons(doc, None, roles=["cashier"], notes="只保留第二条；强调人工流产")
    (d2,) = draft_lessons(doc, None, roles=["cashier"], notes="只保留二、；强调人工流产")
    assert d2.notes == "只保留二、；强调人工流产" and "trainer_notes" in d2.flags
    assert d2.actions[0] == "培训重点：人工流产"
    assert d.notes and "trainer_notes" in d.flags


def test_bad_inputs_raise_clear_errors(qh):
    from yibao.lessons import LessonInputError
    doc = qh("qh_shengyu_2025")
    with pytest.raises(LessonInputError, match="drafter"):
        draft_lessons(doc, None, drafter="gpt")
    with pytest.raises(LessonInputError, match="changes"):
        draft_lessons(doc, {"oops": 1})
