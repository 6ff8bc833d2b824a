"""What a role must know from its provisions beyond its to-dos (yibao/lessons/know.py)."""
import datetime as dt

from yibao.lessons import DocContext, draft_lessons

TEXT = ("关于建立相关人员医保支付资格管理制度的指导意见\n\n各省医疗保障局：\n"
        "一、总体要求。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，推进医保支付资格管理。\n"
        "二、主要内容\n"
        "（一）记分管理。医疗保障部门对相关责任人员记分，一次记分的分值分为1-3分、4-6分、7-9分、10-12分四个档次。"
        "相关责任人员一个自然年度内记分累计达到9分的，暂停其医保支付资格1-6个月。\n"
        "（二）修复。相关责任人员积极改正的，可以按规定申请记分修复。\n"
        "（三）医务人员应当作出服务承诺。\n")


def _doctor():
    doc = DocContext(None, "关于建立相关人员医保支付资格管理制度的指导意见", None, None, dt.date(2024, 9, 18), None,
                     dt.date(2024, 9, 27), None, "file", "new", None, TEXT)
    return {d.role: d for d in draft_lessons(doc, None, roles=["doctor"])}["doctor"]


def test_a_consequence_the_role_faces_is_in_the_top_section_not_only_in_the_appendix():
    lines = _doctor().actions
    assert any(a.startswith("知晓后果（二（一））") and "记分" in a for a in lines), lines


def test_a_right_is_something_one_may_do_and_a_guiding_paragraph_is_never_taught():
    lines = _doctor().actions
    assert any(a.startswith("可以这样做（二（二））") for a in lines), lines
    assert not any("为指导" in a for a in lines)
