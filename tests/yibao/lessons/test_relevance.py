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


def test_attachment_table_rows_become_lesson_changes():
    import datetime as dt

    from yibao.lessons import DocContext, draft_lessons
    text = "关于调整集中带量采购中选药品支付标准的通知\n一、中选药品支付标准按附表执行。\n二、本通知自2026年3月1日起执行。"
    doc = DocContext(None, "关于调整集中带量采购中选药品支付标准的通知", "X医保发〔2026〕2号", None, dt.date(2026, 2, 2),
                     None, None, None, None, "revised", "旧通知", text)
    diff = {"changes": [], "tables": [{"key": ["药品名称"], "added": [{"药品名称": "瑞舒伐他汀钙片", "中选价格": "0.21"}],
                                       "removed": [],
                                       "changed": [{"key": ["阿托伐他汀钙片"], "columns": {"中选价格": ["0.52", "0.36"]}}]}]}
    drafts = {d.role: d for d in draft_lessons(doc, diff)}
    assert "pharmacy" in drafts and "doctor" in drafts and "employer_hr" not in drafts
    ph = drafts["pharmacy"]
    assert ph.changes[0]["ref"] == "附表1「阿托伐他汀钙片」" and ph.changes[0]["old"] == "0.52" and ph.changes[0]["new"] == "0.36"
    assert any("瑞舒伐他汀钙片" in c["text"] for c in ph.changes)
    assert any(q.answer == "0.36" and "0.52" in q.distractors for q in ph.quiz)


def test_a_revision_is_taught_only_to_roles_the_revised_document_concerns(corpus_dir, capsys):
    # a retail-pharmacy agreement revised: the hospital's nurses, finance and HR are bound by none of it
    import json

    from yibao.cli.draft_cmd import main
    d = corpus_dir / "qinghai-texts"
    code = main(["--old", str(d / "qh_ydxy_2025.txt"), "--new", str(d / "qh_ydxy_2025r.txt"), "--format", "json",
                 "--publish-date", "2025-06-01"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    roles = {x["role"] for x in (data if isinstance(data, list) else data["lessons"])}
    assert {"yibaoban", "agency"} <= roles
    assert not roles & {"nurse", "finance", "employer_hr"}
