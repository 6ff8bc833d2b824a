from yibao.lessons.relevance import relevant_roles, roles_for_change

JICAI_PRICE = {
    "kind": "modified", "old_ref": "第五条", "new_ref": "第五条", "category": "number", "categories": ["number"],
    "material": True, "old_values": ["12.5元"], "new_values": ["8.3元"], "spans": [],
    "old_text": "国家组织集中带量采购中选药品阿托伐他汀钙片（20mg）中选价格为每片12.5元。",
    "new_text": "国家组织集中带量采购中选药品阿托伐他汀钙片（20mg）中选价格调整为每片8.3元。",
}
WORDING = {**JICAI_PRICE, "category": "wording", "categories": ["wording"], "material": False}


def test_jicai_price_change_reaches_pharmacy_and_doctor_not_hr():
    rel = relevant_roles(["jicai"], {"changes": [JICAI_PRICE]})
    assert rel["pharmacy"] == [0] and rel["doctor"] == [0]
    assert "employer_hr" not in rel


def test_wording_only_changes_reach_nobody():
    assert relevant_roles(["jicai"], {"changes": [WORDING]}) == {}


def test_each_role_gets_only_its_changes():
    hr_change = {"kind": "modified", "new_ref": "第三条", "old_ref": "第三条", "category": "number",
                 "categories": ["number"], "material": True, "old_values": ["8%"], "new_values": ["7.5%"],
                 "old_text": "用人单位按职工工资总额的8%缴费。", "new_text": "用人单位按职工工资总额的7.5%缴费。"}
    rel = relevant_roles(["jicai", "outpatient_pooling"], {"changes": [JICAI_PRICE, hr_change]})
    assert rel["employer_hr"] == [1]
    assert 0 not in rel.get("employer_hr", [])


def test_penalty_override_adds_management():
    penalty = {"kind": "added", "new_ref": "第九条", "category": "penalty", "categories": ["penalty"], "material": True,
               "old_text": "", "new_text": "违规使用医保基金的，追回违规费用。"}
    assert "management" in roles_for_change(penalty, ["fund_supervision"])


def test_new_document_without_diff_lists_core_roles():
    rel = relevant_roles(["maternity"], None)
    assert "employer_hr" in rel and "insured" in rel and "pharmacy" not in rel
