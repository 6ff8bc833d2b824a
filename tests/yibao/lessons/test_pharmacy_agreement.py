"""An agreement whose 乙方 is a 定点零售药店 (qh_ydxy_2025): its duties are the 药店's, not the hospital's."""
import datetime as dt

from yibao.document import parse_document
from yibao.lessons import DocContext, draft_lessons
from yibao.lessons.document_drafter import plan_document
from yibao.lessons.selection import outside_party
from yibao.lessons import classify

PHARMACY = ("某省医疗保障定点零售药店服务协议\n甲方（医疗保障经办机构）：\n乙方（医疗保障定点零售药店）：\n"
            "第一条 甲方为医疗保障经办机构，乙方为定点零售药店。\n"
            "第二条 乙方应如实向参保人员出具费用单据，规范开具票据。乙方不得串换药械，不得重复收费。\n"
            "第三条 乙方应确保执业药师在岗，处方保存期限不少于2年。\n"
            "第四条 乙方应当按规定做好结算，结算单明细必须与处方相符。\n")
HOSPITAL = PHARMACY.replace("零售药店", "医疗机构")


def _ctx(text):
    return DocContext(None, "协议", None, None, dt.date(2025, 1, 2), None, None, None, None, "new", None, text)


def test_the_party_is_read_from_the_agreement():
    assert outside_party(parse_document(PHARMACY)) == {"retail_pharmacy"}
    assert outside_party(parse_document(HOSPITAL)) == frozenset()


def test_a_pharmacy_s_duties_bind_no_hospital_role():
    ctx = _ctx(PHARMACY)
    plan = plan_document(ctx, classify(ctx, None))
    for role in ("cashier", "doctor", "nurse", "management", "yibaoban", "pharmacy"):
        assert plan.concerns[role].level != "core", role
    assert all(not (set(b) & {"billing", "pharmacy", "nursing"}) for u in plan.units for b in u.bound)
    # the same text with a hospital as 乙方 still binds the window
    hctx = _ctx(HOSPITAL)
    hplan = plan_document(hctx, classify(hctx, None))
    assert hplan.concerns["cashier"].level != "none"
    assert any(set(b) & {"billing", "pharmacy"} for u in hplan.units for b in u.bound)


def test_ydxy_lessons_teach_no_pharmacy_duty_to_hospital_staff(qh):
    ctx = qh("qh_ydxy_2025")
    for d in draft_lessons(ctx, None):
        if d.role in ("doctor", "cashier", "nurse", "finance"):
            lines = " ".join(d.actions + d.summary)
            assert "串换药械" not in lines and "不少于2年" not in lines, (d.role, lines)


def test_the_insured_are_told_who_must_act():
    from yibao.lessons.duties import _who_must
    assert _who_must("参保人员因特殊原因需要委托他人代为购买药械的，乙方应当核验委托人和受托人的有效身份凭证。", "药店") == "药店须做到"
    assert _who_must("参保人员使用纸质处方的，乙方核验调剂后按规定留存处方，纸质处方保存期限不少于2年。", "药店") == "药店须做到"
    assert _who_must("乙方应当核验参保人员医保凭证。") == "医院须做到"      # a hospital agreement
    assert _who_must("参保人员应凭本人参保凭证就医。") == "您要做到"
    assert _who_must("定点医疗机构应当核验参保人员医保凭证。") == "医院须做到"
    assert _who_must("经办机构应当在10个工作日内办结。") == "医保部门须做到"
    # the modal's clause names no one: the patient the sentence opens with must act
    assert _who_must("参保人员在转出地存在欠缴费用的，应当补缴后再办理转出手续。") == "您要做到"
    assert _who_must("参保人员在外地就医的，应当由就医地医疗机构核验身份。") == "医院须做到"


def test_the_insured_lesson_names_the_bureau_or_the_patient_when_the_words_name_no_one():
    from yibao.document import parse_document
    from yibao.lessons.duties import Duty
    from yibao.lessons.binding import duty_modality
    from yibao.lessons.selection import Chosen, teachable_units
    text = ("关于门诊共济的指导意见\n\n各省医疗保障局：\n一、个人账户。个人账户不得用于体育健身消费。"
            "健全完善个人账户使用管理办法，做好收支信息统计。\n")
    unit = teachable_units(parse_document(text))[0]
    lines = {s.text: Duty(unit.ref, duty_modality(s), s.text, True, False, 0, source=Chosen(unit, 0.0, [s]), sentence=s,
                          for_insured=True).line for s in unit.sentences}
    assert lines["个人账户不得用于体育健身消费。"].startswith("您要做到")
    assert lines["健全完善个人账户使用管理办法，做好收支信息统计。"].startswith("医保部门须做到")
