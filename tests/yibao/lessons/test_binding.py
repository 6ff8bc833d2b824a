"""Who a sentence binds (yibao/lessons/binding.py), read through the units a role's lesson is built from."""
from yibao.document import parse_document
from yibao.lessons.binding import benefit_rule
from yibao.lessons.selection import teachable_units


def test_what_the_patient_pays_is_a_benefit_rule_wherever_the_patient_stands():
    doc = parse_document("关于执行药品目录的通知\n\n一、支付标准。实际市场价格超出支付标准的，超出部分由参保人员承担。\n")
    sentence = [s for p in doc.provisions for s in p.sentences if "承担" in s.text][0]
    assert benefit_rule(sentence) == {"insured", "billing"}


_AGREEMENT = ("某市医疗保障定点医疗机构服务协议\n甲方（医疗保障经办机构）：\n乙方（医疗保障定点医疗机构）：\n"
              "第一条 甲方为医疗保障经办机构，乙方为定点医疗机构。\n"
              "第二条 乙方应向参保人员提供医保政策相关的解释、咨询服务。\n"
              "第三条 除急诊、抢救等特殊情形外，乙方提供医疗保障基金支付范围以外的医药服务的，应当经参保人员或其近亲属签字同意确认。\n"
              "第四条 甲方根据医保政策规定开展医保基金总额预算管理。甲方与乙方建立医保基金风险共担机制。\n")


def _bound(text: str, needle: str) -> set:
    units = teachable_units(parse_document(text))
    for u in units:
        for s, b in zip(u.sentences, u.bound):
            if needle in s.text:
                return b
    raise AssertionError(needle)


def test_an_agreements_party_is_the_subject_it_names():
    """"乙方应…" binds the party the agreement defines (here the hospital), not whoever the sentence mentions after."""
    assert "medical_institution" in _bound(_AGREEMENT, "解释、咨询服务")
    assert "agency" not in _bound(_AGREEMENT, "解释、咨询服务")


def test_a_condition_opened_by_a_party_names_the_subject_and_the_patient_consents():
    bound = _bound(_AGREEMENT, "签字同意")
    assert "medical_institution" in bound and "insured" in bound   # the hospital's duty is the patient's right
    assert "finance" not in bound                                  # 基金 after the party's verb is an object


def test_what_a_party_says_it_does_in_an_agreement_is_an_undertaking():
    assert _bound(_AGREEMENT, "总额预算管理") == {"agency"}
    assert {"agency", "medical_institution"} <= _bound(_AGREEMENT, "风险共担机制")
    assert _bound(_AGREEMENT, "甲方为医疗保障经办机构") == set()      # a definition binds no one


def test_payment_on_a_recorded_clinical_condition_binds_the_doctors():
    text = ("药品目录凡例\n\n一、限定支付。参保人员使用胃肠外营养液需经营养风险筛查，明确具有营养风险的住院患者方予支付。\n"
            "二、二线用药。标注了二线用药的药品，支付时应有使用一线药品无效或不能耐受的证据。\n")
    assert "medical_staff" in _bound(text, "营养风险筛查")
    assert "medical_staff" in _bound(text, "一线药品无效")


def test_what_the_patient_needs_or_gets_binds_them_and_their_wrongdoing_does_not():
    text = ("基本医疗保险关系转移接续暂行办法\n\n各省医疗保障局、财政厅：\n"
            "第一条 参保人员申请转移接续时，原则上只需提供有效身份证件。\n"
            "第二条 仅参保人员违法的，由参保地医疗保障行政部门调查处理。\n"
            "第三条 参保人员在转移接续手续办理期间发生的医疗费用，由转出地按规定支付，确保待遇保障不中断。\n")
    assert _bound(text, "有效身份证件") == {"insured"}
    assert "insured" not in _bound(text, "调查处理")
    assert {"insured", "billing"} <= _bound(text, "待遇保障不中断")   # a bureau's duty that says what the patient gets


def test_an_excuse_names_no_ones_work_and_a_duty_true_of_every_rule_ranks_low():
    text = ("某市定点医疗机构管理办法\n\n第一条 定点医疗机构应当严格执行国家和本省相关法律、法规、规章及相关政策规定。\n"
            "第二条 定点医疗机构不得以医保总额预算、药占比等为由，减少目录内药品的合理配备、使用。\n")
    assert "finance" not in _bound(text, "药占比")
    units = {u.ref: u for u in teachable_units(parse_document(text))}
    assert units["第一条"].base < units["第二条"].base


def test_how_the_fund_pays_the_hospital_binds_the_hospital_and_its_finance_office():
    text = ("关于门诊共济的指导意见\n\n一、改进付费方式。对基层医疗服务可按人头付费，对日间手术推行按病种付费。\n"
            "二、有关概念。按病种付费是深化医保支付方式改革的重要组成部分。\n")
    assert _bound(text, "按人头付费") == {"medical_institution", "finance"}   # its 结算 is not the window's
    assert _bound(text, "重要组成部分") == set()                                # what it is binds no one
    to_bureaus = "关于推进支付方式改革的通知\n\n各省医疗保障局：\n一、扩大范围。各地要对日间手术推行按病种付费。\n"
    assert {"admin_dept", "medical_institution", "finance"} <= _bound(to_bureaus, "日间手术")


def test_the_employees_insurance_names_the_employer():
    from yibao.document.annotate import actors_of
    assert "employer" in actors_of("在职职工个人账户由个人缴纳的基本医疗保险费计入，单位缴纳的基本医疗保险费全部计入统筹基金。")
    assert {"employer", "insured"} <= set(actors_of("职工医保参保人员跨统筹地区转移接续的，缴费年限累计计算。"))


def test_in_a_notice_to_the_bureaus_a_named_party_acts_and_a_bare_directive_is_the_bureaus():
    text = ("关于推进改革的通知\n\n各省医疗保障局：\n一、协同推进。医疗机构加强病案质量控制，提高病案首页填写质量。"
            "个人账户不得用于体育健身消费。探索个人账户用于家庭成员参保缴费。全面推进“一站式”服务，困难群众出院时只需支付个人自付部分。\n")
    assert "medical_institution" in _bound(text, "病案质量控制") and "admin_dept" not in _bound(text, "病案质量控制")
    assert _bound(text, "体育健身") == {"insured"}
    assert _bound(text, "家庭成员参保缴费") == {"admin_dept"}   # not the 个人账户's (the insured's) carried over
    assert {"insured", "billing"} <= _bound(text, "一站式")    # what the patient pays at discharge


def test_a_party_the_bureau_guides_to_act_is_bound_too():
    text = "关于支付方式改革的通知\n\n各省医疗保障局：\n一、推协同。引导医疗机构加强内部管理，加强成本核算和临床路径管理。\n"
    assert {"admin_dept", "medical_institution"} <= _bound(text, "成本核算")


_NOTICE = ("关于做好城乡居民基本医疗保障工作的通知\n\n各省、自治区、直辖市医疗保障局：\n"
           "一、巩固待遇保障。巩固居民医保门诊统筹保障，普通门诊费用按规定纳入统筹基金支付。"
           "落实分类资助参保政策，对特困人员给予全额资助。经评估认定失能的，方可享受护理保险待遇。\n")


def test_a_clause_opened_by_dui_names_whom_the_act_is_for_not_who_acts():
    bound = _bound(_NOTICE, "全额资助")
    assert "insured" not in bound and "admin_dept" in bound   # the bureaus fund 特困人员; the patient does nothing


def test_what_the_fund_pays_for_is_the_patients_benefit_and_the_windows_settlement():
    assert {"insured", "billing"} <= _bound(_NOTICE, "纳入统筹基金支付")
    entitled = _bound(_NOTICE, "享受护理保险待遇")
    assert "insured" in entitled and "billing" not in entitled   # who qualifies, not how the window settles


def test_the_party_right_before_the_verb_acts_not_the_nouns_of_earlier_clauses():
    # "…和使用工作要求，将中选药品纳入…，定点医疗机构要优先配备…": 要求 is a noun, 使用工作 is no 用工 (employer)
    text = ("关于完善两病门诊用药保障机制的指导意见\n\n各省医疗保障局：\n"
            "一、做好药品保障。全面落实药品集中采购和使用工作要求，将中选药品优先纳入用药保障范围，"
            "定点医疗机构要优先配备和使用中选药品。\n")
    bound = _bound(text, "优先配备")
    assert "medical_institution" in bound and "employer" not in bound


def test_a_condition_keeps_its_party_bound_with_the_one_who_acts():
    # "定点医疗机构有下列情形之一的，经办机构应中止医保协议": the hospital's conduct is the condition
    text = "某协议管理办法\n第一条 定点医疗机构有下列情形之一的，经办机构应中止医保协议：\n（一）未按规定上传数据的。\n"
    assert {"medical_institution", "agency"} <= _bound(text, "中止医保协议")


def test_a_benefit_parameter_for_a_group_of_patients_reaches_the_window_and_a_form_rule_binds_no_patient():
    text = ("关于健全重特大疾病医疗保险和救助制度的意见\n\n各省、自治区、直辖市人民政府：\n"
            "一、救助水平。分类设定年度救助起付标准。对低保对象原则上取消起付标准，救助比例不低于70%。\n"
            "二、填写规范。新生儿入院的，填写新生儿入院类型、出生体重和入院体重。\n")
    assert {"insured", "billing"} <= _bound(text, "救助比例不低于70%")
    assert "insured" not in _bound(text, "出生体重")


def test_a_definition_of_a_thing_names_no_subject_but_an_enumeration_still_does():
    text = ("医疗保障基金结算清单填写规范\n\n各省医疗保障局：\n"
            "一、主要诊断。主要诊断一般是患者住院的理由，原则上应选择本次住院对患者健康危害最大的疾病。\n"
            "二、两类人员。一是定点医疗机构为参保人提供服务的人员，应当作出服务承诺。\n")
    assert "insured" not in _bound(text, "健康危害最大")
    assert "medical_institution" in _bound(text, "作出服务承诺")


def test_a_term_defined_for_a_form_is_the_windows_to_know_not_the_patients_to_do():
    text = ("医疗保障基金结算清单填写规范\n\n各省医疗保障局：\n"
            "一、个人负担。个人自付：指属于基本医疗保险支付范围、按照政策规定由参保人员个人承担的费用。"
            "个人账户支付：指按照政策规定使用个人账户支付的医疗费用。\n")
    assert "insured" not in _bound(text, "个人承担的费用")
    assert "insured" not in _bound(text, "使用个人账户支付")
