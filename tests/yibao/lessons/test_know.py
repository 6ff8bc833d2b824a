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


def test_labels_say_who_acts_and_what_a_thing_is():
    from yibao.document import parse_document
    from yibao.lessons.know import _label
    doc = parse_document("某指导意见\n\n各省医疗保障局：\n"
                         "一、对象。医保支付资格管理的对象是相关人员，主要包括两类：一是医师；二是药师。\n"
                         "二、内部管理。定点医药机构要建立内部管理制度，将记分情况与绩效考核挂钩。\n"
                         "三、协议。医疗保障部门要完善服务协议。\n")
    sentences = {s.text[:4]: s for p in doc.provisions for c in [p, *p.children] for s in c.sentences}
    assert _label(sentences["医保支付"], False, own=True) == "须知"
    assert _label(sentences["定点医药"], False, own=True) == "照此办理"      # its own duty, not a consequence
    assert _label(sentences["定点医药"], False, own=False) == "知晓后果"
    assert _label(sentences["医疗保障"], False) == "医保部门将"


def test_the_agency_is_not_told_the_bureaus_step_concerns_our_hospital():
    from yibao.lessons.know import to_know
    from yibao.lessons.selection import choose, teachable_units
    from yibao.document import parse_document
    units = teachable_units(parse_document("某通知\n\n各省医疗保障局：\n一、协议。医疗保障部门要完善定点医疗机构服务协议。\n"))
    chosen = choose(units, ("medical_institution",), (), 5)
    assert all("与我院相关" not in line for line in to_know(chosen, "", ("medical_institution",), (), "core",
                                                         hospital=False))


def test_what_the_bureau_hunts_is_the_roles_red_line_and_its_other_steps_are_no_to_do():
    from yibao.lessons.know import to_know
    from yibao.lessons.selection import choose, teachable_units
    from yibao.document import parse_document
    text = ("关于完善两病门诊用药保障机制的指导意见\n\n各省医疗保障局：\n"
            "一、监管。医疗保障部门要加强用药费用审核，严厉打击虚开药品、串换药品等欺诈骗保行为。\n")
    units = teachable_units(parse_document(text))
    lines = to_know(choose(units, ("medical_staff",), (), 5), "", ("medical_staff",), ("处方",), "core")
    assert lines and lines[0].startswith("守住红线（一）"), lines
