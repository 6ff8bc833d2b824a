"""General rules on short texts written for these tests: bureau duties never as a hospital role's to-do
or 要点, no heading fragment as a key point, quiz distractors that differ in meaning, relative dates dated."""
import datetime as dt

from yibao.lessons import DocContext, draft_lessons

TO_BUREAUS = """关于加强门诊慢病用药监测工作的通知

各省、自治区、直辖市医疗保障局：
为加强门诊慢病用药监测，现就有关事项通知如下。
一、完善监测规则
医保部门要依托医保信息平台，建设用药提醒模块，将筛查发现的异常购药行为推送至定点医疗机构。
二、加强监督检查
一是强化数据分析。
二是加强查处惩治曝光。对定点医疗机构相关人员，按照医保支付资格管理的规定予以记分。
国家医疗保障局办公室
2024年5月10日
"""


def _draft(text: str, title: str, roles: list[str]):
    ctx = DocContext(None, title, None, None, dt.date(2024, 5, 10), None, None, None, "file", "new", None, text)
    return {d.role: d for d in draft_lessons(ctx, None, roles=roles)}


def test_bureau_duty_is_never_a_hospital_roles_key_point_or_todo():
    drafts = _draft(TO_BUREAUS, "关于加强门诊慢病用药监测工作的通知", ["doctor", "yibaoban", "cashier"])
    for d in drafts.values():
        key = d.summary[1]
        assert "推送至" not in key and "予以记分" not in key, key
        context = [a for a in d.actions if a.startswith("医保部门将")]
        assert len(context) <= 2
        assert not any(a.startswith(("照此办理", "守住红线")) and ("推送" in a or "记分" in a) for a in d.actions)
        assert "推送至" not in d.headline and "记分" not in d.headline


def test_a_bare_enumerated_heading_is_never_the_key_point():
    for d in _draft(TO_BUREAUS, "关于加强门诊慢病用药监测工作的通知", ["insured", "doctor"]).values():
        assert "加强查处惩治曝光。" != d.summary[1].split("：", 1)[-1]
        assert "推送至" not in d.summary[1] and "记分" not in d.summary[1], d.summary[1]


PAYMENT_TO_BUREAUS = """关于做好住院费用按病种付费工作的通知

各省、自治区、直辖市医疗保障局：
为推进支付方式改革，现就有关事项通知如下。
一、提升医保基金结算清算水平
（一）医疗机构不得将病种支付标准作为限额对医务人员进行考核。
（二）探索将转诊住院费用纳入按病种付费管理范畴。鼓励有条件的省份对省内转诊住院实行按病种付费，参照就医地的付费方式和标准进行管理，规范转诊病人医疗服务行为，促进合理诊疗。
国家医疗保障局办公室
2024年6月3日
"""


def test_in_a_notice_to_the_bureaus_a_subjectless_duty_is_the_bureaus_not_the_doctors():
    d = _draft(PAYMENT_TO_BUREAUS, "关于做好住院费用按病种付费工作的通知", ["doctor"])["doctor"]
    todos = [a for a in d.actions if not a.startswith("医保部门将")]
    assert not any("探索将转诊住院费用" in a for a in todos), todos
    assert "探索将转诊" not in d.headline and "探索将转诊" not in d.summary[1]


def test_a_bare_verb_without_object_or_a_heading_is_a_fragment_not_a_todo():
    from yibao.lessons.duties import is_fragment
    assert is_fragment("有关单位和个人应当配合。")
    assert is_fragment("三是加强查处惩治曝光。")
    assert not is_fragment("参保人员不得冒名就医。")
    assert not is_fragment("医疗机构应当按规定如实上传结算清单。")


def test_quiz_never_flips_plain_compliance_and_drops_options_that_read_the_same():
    from yibao.lessons.provision_quiz import plausible_flip, same_reading, statement_choice
    assert plausible_flip("被检查对象应当配合飞行检查工作，明确现场负责人。") is None
    assert plausible_flip("定点医疗机构应当遵守医疗保障法律法规。") is None
    assert plausible_flip("定点医疗机构应当在30个工作日内向经办机构申请变更。")
    assert same_reading("续签可由双方协商确定。", "续签可以由双方协商确定。")
    item = statement_choice("第九条", "医保协议续签应由定点医疗机构提出申请。", [], {}, "某办法")
    if item is not None:
        options = [item.answer] + item.distractors
        assert not any(same_reading(a, b) for i, a in enumerate(options) for b in options[i + 1:]), options


RELATIVE_DATE = """某市医疗保障局关于规范住院费用结算的通知

各定点医疗机构：
为规范住院费用结算，现就有关事项通知如下。
一、定点医疗机构应当于今年9月底前完成医保结算清单上传接口改造，并向经办机构报送改造情况。
二、定点医疗机构不得将住院费用分解结算。
某市医疗保障局
2024年5月10日
"""


def test_a_relative_year_is_dated_by_the_documents_own_year():
    from yibao.lessons.facts import date_relative_years
    assert date_relative_years("今年9月底前完成", 2024) == "2024年9月底前完成"
    assert date_relative_years("明年起执行", 2024) == "2025年起执行"
    ctx = DocContext(None, "某市医疗保障局关于规范住院费用结算的通知", None, None, dt.date(2026, 1, 5), None, None,
                     None, "file", "new", None, RELATIVE_DATE)
    for d in draft_lessons(ctx, None, roles=["yibaoban"]):
        text = " ".join(d.summary + d.actions + [c["text"] for c in d.changes] + [q.question for q in d.quiz])
        assert "今年" not in text
        assert "2024年9月底前" in text


LIST_ONLY = """某市医疗保障局关于药品目录调整的公告

根据有关规定，现将药品目录调整事项公告如下。
一、目录内的药品，有下列情况之一的，经专家评审后，调出目录：
（一）被药品监管部门注销药品批准证明文件的药品；
（二）被有关部门列入负面清单的药品。
某市医疗保障局
2024年5月10日
"""


def test_a_list_item_as_key_point_comes_with_its_lead_in():
    ctx = DocContext(None, "某市医疗保障局关于药品目录调整的公告", None, None, dt.date(2024, 5, 10), None, None,
                     None, "file", "new", None, LIST_ONLY)
    for d in draft_lessons(ctx, None, roles=["employer_hr", "insured", "pharmacy"]):
        key = d.summary[1].split("：", 1)[-1]
        assert not key.startswith("（一）"), (d.role, key)


def test_a_duty_is_not_reversed_into_its_opposite_without_a_condition():
    from yibao.lessons.provision_quiz import plausible_flip, statement_choice
    item = statement_choice("第十四条", "定点医疗机构不得为非定点医疗机构提供医保结算。", [], {}, "某办法")
    options = [item.answer] + item.distractors if item else []
    assert not any(o.startswith("定点医疗机构应当为") for o in options), options
    assert plausible_flip("对确有应受行政处罚的违法行为，依法作出行政处罚；") is None
    assert plausible_flip("定点医疗机构应当按规定在平台上采购药品。") is None
