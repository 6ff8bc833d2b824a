"""Who a provision binds and which provisions a role gets (yibao/lessons/selection.py), on small
texts written for the test and parsed by the real document model."""
from yibao.document import parse_document
from yibao.lessons.binding import duty_modality
from yibao.lessons.selection import choose, teachable_units

REGULATION = """某市医疗保障定点管理办法

第一章 总则

第一条 为了加强管理，根据有关规定，制定本办法。

第二章 定点医疗机构运行管理

第二条 执行实名就医和购药管理规定，核验参保人员有效身份凭证。

第三条 续签应由定点医疗机构于医保协议期满前3个月向经办机构提出申请。

第四条 参保人使用乙类药品，先由参保人自付一定比例后，再按规定支付。

第三章 定点零售药店运行管理

第五条 定点零售药店应当为参保人员提供医保费用结算服务。

第六条 考核结果与年终清算、质量保证金退还等挂钩。

第七条 本办法自2026年1月1日起施行。

第八条 参保人员异地就医前，可通过国家医保服务平台APP或经办机构窗口办理备案手续。

第九条 定点医疗机构可以开展互联网诊疗服务。

第十条 异地就医直接结算的住院费用，原则上执行就医地规定的支付范围，起付标准、支付比例执行参保地政策。

第十一条 参保人员应当持本人医疗保障凭证就医、购药，并主动出示接受查验。
"""


def units_by_ref():
    return {u.ref: u for u in teachable_units(parse_document(REGULATION))}


def test_the_agent_of_ying_you_x_is_bound():
    u = units_by_ref()["第三条"]
    assert "medical_institution" in u.bound[0]


def test_a_sentence_without_subject_takes_the_chapter_heading_actor():
    u = units_by_ref()["第二条"]
    assert "medical_institution" in u.bound[0]


def test_a_benefit_rule_binds_the_insured_and_the_window():
    u = units_by_ref()["第四条"]
    assert {"insured", "billing"} <= u.bound[0]


def test_what_the_insured_may_do_binds_the_insured_and_nobody_else_may_binds():
    """An entitlement is what the 参保人 lesson teaches; a hospital's permission binds nobody."""
    assert units_by_ref()["第八条"].bound[0] == {"insured"}
    assert units_by_ref()["第九条"].bound[0] == set()


def test_a_rule_setting_what_the_patient_pays_concerns_the_insured_and_the_window():
    assert {"insured", "billing"} <= units_by_ref()["第十条"].bound[0]


def test_what_the_insured_must_show_reaches_those_who_check_it():
    assert units_by_ref()["第十一条"].bound[0] == {"insured", "billing", "pharmacy"}


def test_what_a_retail_pharmacy_must_do_does_not_bind_the_hospital_window():
    u = units_by_ref()["第五条"]
    assert "retail_pharmacy" in u.bound[0] and "pharmacy" not in u.bound[0] and "billing" not in u.bound[0]


def test_a_bare_verb_directive_is_a_duty():
    doc = parse_document("关于做好某项工作的通知\n\n各省、自治区、直辖市医疗保障局：\n\n"
                         "一、加强数据筛查\n推进智能审核全覆盖，完善随机抽查机制。\n")
    sentences = [s for u in teachable_units(doc) for s in u.sentences]
    assert any(duty_modality(s) == "obligation" for s in sentences if "推进" in s.text)


def test_bare_part_titles_are_not_units_and_give_their_theme():
    doc = parse_document("关于做好某项工作的通知\n\n各省医疗保障局：\n\n二、提升医保基金结算清算水平\n"
                         "（一）按时拨付医保资金。各地要在30个工作日内拨付。\n")
    units = teachable_units(doc)
    assert all("提升医保基金结算清算水平" != u.text.strip("。") for u in units)
    assert any(u.theme.endswith("提升医保基金结算清算水平") for u in units)


def test_places_after_the_open_ones_go_only_to_provisions_about_the_role():
    units = teachable_units(parse_document(REGULATION))
    chosen = choose(units, ("nursing",), (), 10, open_places=1)
    assert len(chosen) <= 3   # one open place (and the minimum a lesson quotes), nothing binds nursing
    about_money = choose(units, ("finance",), (), 10, open_places=0, keywords=("清算",))
    assert any(c.unit.ref == "第六条" for c in about_money)


def test_a_provision_that_binds_the_role_keeps_its_place_even_as_a_plain_statement():
    # "参保人员申请转移接续时，原则上只需提供有效身份证件" states what the insured do, with no 应当
    text = ("某某转移接续办法\n第一条 参保人员申请转移接续时，原则上只需提供有效身份证件。\n"
            "第二条 经办机构应当在10个工作日内办结。\n第三条 经办机构应当按月对账。\n")
    units = teachable_units(parse_document(text))
    chosen = choose(units, ("insured",), (), 10, open_places=0)
    assert "第一条" in [c.unit.ref for c in chosen]


def test_items_after_a_later_paragraph_lead_belong_to_their_article():
    text = ("某某协议管理办法\n第一条 协议中止是指暂停履行协议。\n定点医疗机构有下列情形之一的，经办机构应当中止协议：\n"
            "（一）未按规定上传数据的；\n（二）拒不配合检查的。\n第二条 定点医疗机构应当按月对账。\n")
    units = teachable_units(parse_document(text))
    assert [u.ref for u in units] == ["第一条", "第二条"]
    assert units[0].labels.count("（二）") == 1 and "拒不配合检查" in units[0].text


def test_one_sentence_points_are_items_and_a_short_lead_over_long_points_is_a_title():
    text = ("关于加强药品监管的通知\n\n各省医疗保障局：\n一、重点任务\n"
            "（一）盯住两类药品。一是高价药品；二是短缺药品。\n"
            "（二）做好两项工作。一是加强筛查。各地要建立筛查模型，按月分析数据。"
            "二是加强预警。各地要把疑点推送至定点医疗机构，实现事前提醒。\n")
    refs = {u.ref: u for u in teachable_units(parse_document(text))}
    assert "高价药品" in refs["一（一）"].text and "短缺药品" in refs["一（一）"].text   # items of their lead
    assert "一（二）" not in refs                                                     # "做好两项工作。" is a title
    assert "事前提醒" in refs["一（二）二是"].text and "筛查模型" not in refs["一（二）二是"].text


def test_a_run_in_title_and_the_closing_boilerplate_are_never_quoted():
    # "二、提高…支付标准。将…" : the title is the part's heading; "本通知自…起执行…负责解释" closes every notice
    from yibao.lessons.selection import quote_sentences
    text = ("关于优化生育保险待遇的通知\n\n各市医疗保障局：\n"
            "一、调整住院待遇。参保女职工生育住院的政策范围内医疗费用，由统筹基金给予全额支付。\n"
            "二、提高门诊手术支付标准。将门诊人工流产术支付标准从300元提高至520元。本通知自2025年9月1日起执行，"
            "此前有关规定与本通知不一致的，以本通知为准。执行过程中的具体问题，由省医疗保障局负责解释。"
            "执行中遇有重大问题，请及时向省医保局报告。\n")
    units = teachable_units(parse_document(text))
    quoted = ["".join(s.text for s in quote_sentences(u, ("billing",))) for u in units]
    assert not any(q.startswith(("调整住院待遇", "提高门诊手术支付标准")) for q in quoted)
    assert "520元" in quoted[1]
    assert not any(x in quoted[1] for x in ("负责解释", "以本通知为准", "起执行", "及时向省医保局报告"))


def test_an_item_named_after_a_party_keeps_its_name():
    text = ("关于相关人员管理的通知\n\n第十一条 相关人员主要包括两类：\n"
            "（一）定点医疗机构。为参保人提供服务的卫生专业技术人员。\n（二）定点零售药店。药店的主要负责人。\n")
    units = teachable_units(parse_document(text))
    assert "定点医疗机构。为参保人" in "".join(u.text for u in units)


def test_half_a_sentence_is_never_quoted():
    """"…执行新目录的规定；" without "其余18种…继续沿用原支付标准。" says the opposite of the text."""
    from yibao.lessons.selection import _to_full_stop

    class U:
        sentences = [type("S", (), {"text": t})() for t in
                     ("不再执行，21种试点药品的支付范围执行新目录的规定；", "其余18种试点药品继续沿用原支付标准。",
                      "（一）各地要及时挂网；", "（二）各地要及时结算。")]
        labels = ["", "", "（一）", "（二）"]
    assert _to_full_stop(U, {0}) == {0, 1}
    assert _to_full_stop(U, {2}) == {2}       # a list item is a point of its own, not half a sentence
