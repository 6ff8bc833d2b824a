from yibao.lessons.diffsource import fallback_compare, provisions_diff

OLD = "第一条 为规范管理，制定本办法。\n第二条 起付标准为800元。\n第三条 定点医疗机构应当按月对账。"
NEW = "第一条 为规范管理，制定本办法。\n第二条 起付标准为600元。\n第三条 定点医疗机构应当按月对账。\n第四条 违规的，追回违规费用。"


def test_fallback_compare_schema_and_values():
    diff = fallback_compare(OLD, NEW)
    kinds = {(c["kind"], c["new_ref"]) for c in diff["changes"]}
    assert ("modified", "第二条") in kinds and ("added", "第四条") in kinds
    mod = next(c for c in diff["changes"] if c["new_ref"] == "第二条")
    assert mod["category"] == "number" and mod["old_values"] == ["800元"] and mod["new_values"] == ["600元"]
    assert mod["material"] and any(s["op"] == "insert" for s in mod["spans"])
    added = next(c for c in diff["changes"] if c["new_ref"] == "第四条")
    assert "penalty" in added["categories"]


def test_provisions_skip_boilerplate_and_the_effective_sentence():
    text = ("关于调整待遇的通知\n一、门诊支付标准从300元提高至520元。\n二、本通知自2025年9月1日起执行。"
            "执行过程中的具体问题，由省医疗保障局负责解释。\n抄送：省医保中心。")
    changes = provisions_diff(text)["changes"]
    assert len(changes) == 1
    c = changes[0]
    assert c["new_ref"] == "一、" and c["old_values"] == ["300元"] and c["new_values"][0] == "520元"
