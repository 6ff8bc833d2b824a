"""Modality, actors and facts on sentences written for the test (general 公文 wording, not corpus phrases)."""
import pytest

from yibao.document import iter_provisions, parse_document
from yibao.document.annotate import actors_of, modality_of, split_sentences
from yibao.document.facts import facts_of


@pytest.mark.parametrize("sentence,modality", [
    ("定点医药机构不得将非医保药品串换为医保药品。", "prohibition"),
    ("严禁以任何形式挂床住院。", "prohibition"),
    ("禁止诱导参保人员重复就医。", "prohibition"),
    ("医疗机构应当在入院时核验参保人员身份。", "obligation"),
    ("各统筹地区要在年底前完成系统改造。", "obligation"),
    ("参保人员须持有效凭证就医。", "obligation"),
    ("经办机构必须按月拨付结算资金。", "obligation"),
    ("严格执行药品价格政策。", "obligation"),
    ("有条件的地区可以开展按病种付费。", "permission"),
    ("鼓励定点零售药店提供送药上门服务。", "permission"),
    ("支持医疗机构开展日间手术。", "permission"),
    ("由医疗保障行政部门责令改正，处违法金额1倍以上2倍以下的罚款。", "penalty"),
    ("经办机构可以暂停其医保费用结算。", "penalty"),
    ("情节严重的，解除医保协议。", "penalty"),
    ("违规费用由经办机构追回。", "penalty"),
    ("本办法所称定点医疗机构是指自愿与经办机构签订协议的医疗机构。", "permission"),
    ("本通知由国家医疗保障局负责解释。", "obligation"),
    ("近年来改革取得了明显成效。", "statement"),
    # a benefit exclusion: what the fund will not pay is a rule the billing side must keep
    ("单独使用上述饮片的，统筹基金不予支付。", "prohibition"),
    ("住院期间的伙食费不纳入基本医疗保险基金支付范围。", "prohibition"),
    ("对不符合规定的申请，不予受理。", "statement"),
])
def test_modality(sentence, modality):
    assert modality_of(sentence) == modality


@pytest.mark.parametrize("sentence,actors", [
    ("定点医疗机构应当为参保人员提供费用清单。", {"medical_institution", "insured", "billing"}),
    ("医师开具处方应当符合用药规范。", {"medical_staff", "pharmacy"}),
    ("护理人员应当如实记录护理服务。", {"nursing"}),
    ("用人单位应当按时足额缴纳医疗保险费。", {"employer"}),
    ("各地医保部门要会同财政部门做好资金保障。", {"admin_dept", "finance"}),
    ("经办机构应当在十个工作日内完成审核。", {"agency"}),
    ("定点零售药店不得为非参保人员刷卡。", {"retail_pharmacy", "insured"}),
    ("药师应当审核处方后调剂。", {"pharmacy"}),
    ("零售药店的药学人员应当核对处方。", {"retail_pharmacy", "pharmacy"}),
])
def test_actors(sentence, actors):
    assert set(actors_of(sentence)) == actors


def _facts(sentence):
    return {(f.kind, f.text, f.value, f.unit, f.measure) for f in facts_of(sentence)}


def test_numbers_keep_unit_and_measure():
    facts = _facts("将住院起付标准由800元调整为600元，报销比例提高5个百分点。")
    assert ("number", "800元", "800", "元", "住院起付标准") in facts
    assert ("number", "600元", "600", "元", "住院起付标准") in facts
    assert ("number", "5个百分点", "5", "个百分点", "报销比例") in facts


def test_durations_and_time_limits():
    facts = _facts("备案有效期为6个月，经办机构应当在15个工作日内办结，各地于12月底前报送。")
    assert ("number", "6个月", "6", "个月", "备案有效期") in facts
    assert any(k == "time_limit" and t == "15个工作日内" and u == "个工作日" for k, t, _, u, _ in facts)
    assert any(k == "time_limit" and t == "12月底前" for k, t, *_ in facts)
    assert not any(t in ("6", "15", "12") for _, t, *_ in facts)


def test_dates_and_commencement():
    facts = _facts("本办法自2026年3月1日起施行。")
    assert ("date", "2026年3月1日起施行", "2026-03-01", None, "施行") in facts


def test_chinese_numerals_and_percentages():
    facts = _facts("每年抽查比例不低于百分之十，抽查三十个品种。")
    assert any(f.text == "百分之十" and f.value == "10" and f.unit == "%" for f in facts_of("每年抽查比例不低于百分之十"))
    assert any(t == "三十个品种" and v == "30" for _, t, v, *_ in facts)


def test_a_list_of_behaviours():
    lists = [f for f in facts_of("不得存在虚构医药服务、伪造票据、串换项目、重复收费等行为。") if f.kind == "list"]
    assert lists and lists[0].items == ("虚构医药服务", "伪造票据", "串换项目", "重复收费")


def test_a_doc_number_is_one_fact():
    facts = facts_of("按照医保发〔2023〕15号文件要求执行。")
    assert [f.text for f in facts] == ["医保发〔2023〕15号"]


def test_sentences_are_whole():
    text = "起付标准为1.5万元；支付比例为85%。参保人员“在备案后。”可直接结算！是否需要审批？"
    assert split_sentences(text) == ["起付标准为1.5万元；", "支付比例为85%。", "参保人员“在备案后。”可直接结算！", "是否需要审批？"]


def test_items_inherit_the_subject_and_modality_of_their_lead():
    doc = parse_document("关于规范诊疗行为的通知\n各有关单位：\n一、定点医疗机构不得有下列行为：\n"
                         "（一）分解住院；\n（二）挂床住院；\n（三）超量开药。\n二、参保人员可以自主选择就医机构。\n")
    items = doc.provisions[0].children
    assert [p.label for p in items] == ["（一）", "（二）", "（三）"]
    for p in items:
        assert p.modality == "prohibition" and "medical_institution" in p.actors
    assert doc.provisions[1].modality == "permission" and doc.provisions[1].actors == ("insured",)


def test_purpose_paragraph_is_marked():
    doc = parse_document("某某管理办法\n第一条 为了规范管理，根据有关法律法规，制定本办法。\n第二条 经办机构应当建立台账。\n")
    first, second = doc.provisions
    assert first.is_purpose and not second.is_purpose


def test_provision_tree_ids_and_paragraphs():
    doc = parse_document("某某管理办法\n第一章 总则\n第一条 定点医疗机构应当建立制度。\n发现问题的，应当及时报告。\n"
                         "第二章 管理\n第二条 经办机构应当履行下列职责：\n（一）审核费用；\n（二）拨付资金。\n")
    ids = [p.id for p in iter_provisions(doc)]
    assert ids == ["第一章", "第一章/第一条", "第一章/第一条/第二款", "第二章", "第二章/第二条",
                   "第二章/第二条/（一）", "第二章/第二条/（二）"]
    para = doc.provisions[0].children[0].children[0]
    assert para.level == "paragraph" and para.ref == "第一条第二款" and "medical_institution" in para.actors


@pytest.mark.parametrize("sentence,subjects", [
    ("定点医疗机构应当为参保人员提供费用清单。", ("medical_institution",)),
    ("经办机构不得拒绝参保人员的合理要求。", ("agency",)),
    ("医疗保障行政部门可以会同财政部门开展检查。", ("admin_dept",)),
    ("对违规的定点医疗机构，由医疗保障行政部门责令改正。", ()),
])
def test_subjects_are_who_is_bound(sentence, subjects):
    from yibao.document.annotate import subjects_of
    assert subjects_of(sentence) == subjects


def test_an_item_under_a_lead_is_bound_by_the_leads_subject():
    doc = parse_document("某某办法\n第九条 定点零售药店应当履行下列义务：\n（一）为参保人员提供咨询服务；\n（二）按规定上传处方信息。\n")
    for item in doc.provisions[0].children:
        assert item.subjects == ("retail_pharmacy",) and item.modality == "obligation"


def test_a_deadline_binds_without_a_modal_word():
    doc = parse_document("关于推进某项工作的通知\n各有关单位：\n一、2026年6月底前，各统筹地区完成系统改造。\n")
    assert doc.provisions[0].modality == "obligation"


@pytest.mark.parametrize("sentence,text,value", [
    ("各地于2025年底前完成。", "2025年底前", "2025-12-31"),
    ("2026年6月底前全面推开。", "2026年6月底前", "2026-06-30"),
    ("二〇二六年十二月底前实现全覆盖。", "二〇二六年十二月底前", "2026-12-31"),
])
def test_deadlines_carry_their_last_day(sentence, text, value):
    facts = [f for f in facts_of(sentence) if f.kind == "time_limit"]
    assert facts and facts[0].text == text and facts[0].value == value


def test_a_paragraph_after_an_articles_items_is_the_articles_next_paragraph():
    doc = parse_document("某某办法\n第五条 下列机构可以申请定点：\n（一）综合医院；\n（二）专科医院。\n"
                         "互联网医院可依托其实体医疗机构申请签订补充协议。\n第六条 经办机构应当公开结果。\n")
    article = doc.provisions[0]
    assert [c.label for c in article.children] == ["（一）", "（二）", "第二款"]
    assert article.children[1].text == "专科医院。"
    assert article.children[2].ref == "第五条第二款" and article.children[2].text.startswith("互联网医院")


@pytest.mark.parametrize("sentence", ["医疗机构不得进行任何形式的“二次议价”。", "按照成熟一批、发布一批的思路推进。",
                                      "确保医保基金安全可持续。", "实现药品来源可追溯。"])
def test_words_with_numerals_or_ke_are_not_facts_or_permissions(sentence):
    assert not [f for f in facts_of(sentence) if f.kind == "number"]
    assert modality_of(sentence) != "permission"


def test_a_year_is_a_date_not_a_quantity():
    facts = facts_of("2024年新开展付费的统筹地区，过渡期为2年。")
    assert [(f.kind, f.text) for f in facts] == [("date", "2024年"), ("number", "2年")]


def test_a_penalty_article_binds_its_items_to_the_institution():
    doc = parse_document(
        "某某基金管理条例\n第二章 基金使用\n"
        "第三十条 定点医药机构有下列情形之一的，由医疗保障行政部门责令改正，处违规金额1倍以上2倍以下的罚款：\n"
        "（一）分解住院、挂床住院；\n（二）过度诊疗、过度检查、超量开药；\n（三）串换药品、医用耗材。\n"
        "第三十一条 参保人员将本人的医疗保障凭证交由他人冒名使用的，暂停其医疗费用联网结算3个月至12个月。\n")
    article = doc.provisions[0].children[0]
    assert article.modality == "penalty" and article.subjects == ("medical_institution",)
    assert [f.text for f in article.facts if f.kind == "number"] == ["1倍以上", "2倍以下"]
    for item in article.children:
        assert item.modality == "penalty" and item.subjects == ("medical_institution",)
    assert article.children[1].facts[0].items == ("过度诊疗", "过度检查", "超量开药")
    insured = doc.provisions[0].children[1]
    assert insured.modality == "penalty" and insured.subjects == ("insured",)
    assert [f.text for f in insured.facts] == ["3个月", "12个月"]


def test_an_agreements_parties_are_its_actors():
    doc = parse_document("某某服务协议\n甲方（医疗保障经办机构）：\n乙方（定点零售药店）：\n"
                         "第一条 乙方应当核验参保人员身份。\n第二条 甲方应当按月拨付费用。\n")
    first, second = doc.provisions
    assert first.subjects == ("retail_pharmacy",) and "insured" in first.actors
    assert second.subjects == ("agency",)


def test_gongkai_yaopin_is_not_prescribing():
    """"公开药品经营者的…信息": 公开 + 药品 never reads as the clinical word 开药."""
    from yibao.document.annotate import actors_of
    assert "medical_staff" not in actors_of("适时公开药品经营者的价格招采信用信息。")
    assert "medical_staff" in actors_of("医师不得超量开药。")


def test_a_directive_with_its_party_before_the_verb_instructs_that_party():
    from yibao.document.annotate import is_directive
    assert is_directive("医疗机构加强病案质量控制，强化临床医师和病案编码人员培训。")
    assert is_directive("各定点医疗机构做好结算清单上传工作。")
    assert is_directive("引导医疗机构加强成本核算。")
    assert not is_directive("医疗机构是指依法取得执业许可的机构。")


def test_the_guiding_thought_under_a_heading_is_purpose_text():
    doc = parse_document("关于完善门诊用药保障机制的指导意见\n\n各省医疗保障局：\n一、总体要求\n"
                         "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大精神，减轻患者门诊用药负担。\n"
                         "二、保障范围\n参加居民医保的患者纳入保障范围。\n")
    first, second = doc.provisions[:2]
    assert first.is_purpose and not second.is_purpose


def test_a_joint_title_of_many_issuers_is_still_the_title_and_its_addressees_are_read():
    title = ("国家医保局　国家卫生健康委　国家发展改革委　财政部　人力资源社会保障部　市场监管总局　国家中医药局　国家药监局"
             "关于印发《深化医疗服务价格改革试点方案》的通知")
    doc = parse_document(f"{title}\n医保发〔2021〕41号\n各省、自治区、直辖市医疗保障局、卫生健康委：\n现印发给你们，请认真贯彻落实。\n")
    assert doc.addressees == ["各省、自治区、直辖市医疗保障局、卫生健康委"]
