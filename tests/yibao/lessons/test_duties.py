"""The top section of a lesson on a new document: the role's own duties, whole sentences; a bureau's
duty only as context. Texts written for these tests (tests/yibao/lessons/texts/), drafted through the CLI."""
import json
from pathlib import Path

from yibao.cli import draft_cmd
from yibao.lessons.duties import gist, is_fragment

TEXTS = Path(__file__).parent / "texts"


def draft(tmp_path, name: str, title: str, *roles: str, source=None) -> dict:
    """`yibao draft --new` on a text of the fixtures folder (or on `source`), as {role: lesson}."""
    out = tmp_path / "d.json"
    args = ["--new", str(source or TEXTS / name), "--title", title, "--format", "json", "-o", str(out)]
    for r in roles:
        args += ["--role", r]
    assert draft_cmd.main(args) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    drafts = data if isinstance(data, list) else data.get("drafts", data.get("lessons", [data]))
    return {d["role"]: d for d in drafts}


AGREEMENT_HEAD = "某省定点医疗机构服务协议\n甲方（医疗保障经办机构）：\n乙方（医疗保障定点医疗机构）：\n"


def draft_agreement(tmp_path, articles: str, *roles: str) -> dict:
    """Lessons on a small hospital agreement (甲方 the 经办机构, 乙方 the hospital) made of `articles`."""
    src = tmp_path / "xieyi.txt"
    src.write_text(AGREEMENT_HEAD + articles, encoding="utf-8")
    return draft(tmp_path, "", "某省定点医疗机构服务协议", *roles, source=src)


def test_bureau_duties_are_context_never_the_hospitals_to_do(tmp_path):
    d = draft(tmp_path, "check_banfa.txt", "某某医疗保障基金检查办法", "yibaoban", "doctor", "management")
    for role, lesson in d.items():
        todo = [a for a in lesson["actions"] if a.startswith(("照此办理", "守住红线", "可以这样做"))]
        assert not any("检查组应当" in a or a.split("：", 1)[1].startswith("经办机构") for a in todo), role
        own = [a for a in lesson["actions"] if a.startswith(("照此办理", "守住红线", "知晓后果"))]
        bureau = [a for a in lesson["actions"] if a.startswith("医保部门将")]
        # the bureau's work is context only for a role with no duty of its own: never beside its to-dos
        assert (bureau and not own) or (own and not bureau), role
        assert "检查组" not in lesson["summary"][1] and "检查组" not in lesson["headline"], role
    assert d["doctor"]["summary"][1] == "要点（第五条）：医务人员不得分解处方、超量开药、重复开药。"


def test_action_lines_quote_whole_sentences(tmp_path):
    d = draft(tmp_path, "check_banfa.txt", "某某医疗保障基金检查办法", "yibaoban")
    actions = d["yibaoban"]["actions"]
    # the conditional clause keeps its duty: never "对确因诊疗需要产生的超量开药。"
    assert "照此办理（第四条）：对确因诊疗需要产生的超量开药，定点医疗机构应当在病历中写明理由，由主诊医师签字确认。" in actions
    assert all(not a.endswith(("的。", "：", "，")) for a in actions)
    assert len([a for a in actions if "（第" in a]) <= 8 + 2


def test_fragments_and_headline_phrases():
    assert is_fragment("定点医药机构做好医保费用申报等工作，可将相关人员医保支付资格。")
    assert is_fragment("应当按照管理权限。")
    assert is_fragment("下同）制定价格应遵循公平、合法原则。")
    assert is_fragment("有下列情形之一的，不予受理定点申请：")
    assert not is_fragment("医务人员不得分解处方、超量开药、重复开药。")
    assert gist("医务人员不得分解处方、超量开药、重复开药。") == "医务人员不得分解处方、超量开药、重复开药"
    assert gist("定点医疗机构拒不配合检查的，由医疗保障行政部门责令改正，应当按照管理权限处理，并处罚款。") is None
    assert gist("有下列情形之一的，不予受理：") is None


def test_quiz_asks_the_roles_own_duties_in_mixed_kinds(tmp_path):
    d = draft(tmp_path, "check_banfa.txt", "某某医疗保障基金检查办法", "yibaoban", "doctor")
    for role, lesson in d.items():
        quiz = lesson["quiz"]
        assert len(quiz) >= 3, role
        assert not any("检查组" in q["question"] or "经办机构可以" in q["question"] for q in quiz), role
        kinds = {("fill" if "填空" in q["question"] else q["kind"]) for q in quiz}
        assert kinds - {"truefalse"}, (role, kinds)   # not a true/false drill


def test_no_stock_case_when_the_document_states_no_consequence(tmp_path):
    d = draft(tmp_path, "day_notice.txt", "某省医疗保障局关于调整某项手术医保支付政策的通知",
              "yibaoban", "cashier", "doctor")
    for role, lesson in d.items():
        assert not lesson["case"], (role, lesson["case"])   # no 罚 / 不得 in the text: no 警示
        scene = lesson["scenario"].get("text", "")
        assert not scene or "信息系统" not in scene, role   # the bureau's duty is no scene for the hospital
    assert "不设起付线" in d["cashier"]["scenario"]["text"]   # the window explains the payment rule


def test_case_quotes_a_consequence(tmp_path):
    d = draft(tmp_path, "check_banfa.txt", "某某医疗保障基金检查办法", "yibaoban")
    case = d["yibaoban"]["case"]
    assert case["kind"] == "警示" and "罚款" in case["text"]


def test_first_issue_layout_and_publish_date_from_the_text(tmp_path):
    from yibao.lessons.render import render_lesson

    d = draft(tmp_path, "day_notice.txt", "某省医疗保障局关于调整某项手术医保支付政策的通知", "cashier")["cashier"]
    assert d["source"]["publish_date"] == "2025-01-20" and d["source"]["publish_date_origin"] == "text"
    md = render_lesson(d, "md")
    assert "原 → 新" not in md and "规则变化" not in md   # nothing is new against a predecessor
    assert md.index("## 窗口结算要这样改") < md.index("## 条文（按章）") < md.index("## 小测验")
    assert "发布日期：2025年1月20日（原文成文日期）" in md
    assert d["deadline"] > "2025-12-31"   # staff get 7 working days from now, not from the 成文日期


def test_parties_outside_the_hospital_are_never_its_subject():
    from yibao.lessons.duties import other_party

    assert other_party("飞行检查组应当制定飞行检查的具体实施方案。")
    assert other_party("现场检查应当制作现场笔录，由当事人签字确认。")
    assert other_party("检查组对被检查对象不配合检查的，应当如实记录。")
    assert not other_party("被检查对象应当配合检查工作，明确现场负责人。")
    assert not other_party("定点医疗机构应当在结算时向参保人员提供费用明细。")


def test_headings_are_fragments():
    assert is_fragment("三是加强查处惩治曝光。")
    assert is_fragment("紧盯三类重点医保药品。")
    assert not is_fragment("医保结算清单应当在出院后7日内上传。")


def test_a_warning_from_a_list_lead_quotes_its_items(tmp_path):
    text = ("某某定点协议管理办法\n第一条 定点医疗机构有下列情形之一的，经办机构应中止医保协议：\n（一）未按规定上传结算清单的；\n"
            "（二）拒绝配合检查的。\n第二条 定点医疗机构应当在出院后7日内上传结算清单。\n")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "d.json"
    assert draft_cmd.main(["--new", str(tmp_path / "t.txt"), "--title", "某某定点协议管理办法", "--role", "yibaoban",
                           "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    lesson = (data if isinstance(data, list) else [data])[0]
    assert "（一）未按规定上传结算清单的" in lesson["case"]["text"]
    assert not lesson["case"]["text"].endswith("：”")


def test_a_consequence_for_the_roles_people_is_a_top_line_a_bureau_procedure_is_not(tmp_path):
    text = ("某某记分管理规程\n第一条 医务人员不得串换项目收费。\n"
            "第二条 医疗保障经办机构对医务人员作出记分处理时，应核对当年累计记分情况。\n"
            "第三条 医务人员记分累计达到9分的，医疗保障经办机构暂停其医保支付资格6个月。\n"
            "第四条 医务人员应当参加医保政策培训。\n第五条 定点医疗机构应当建立内部考核制度。\n")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "d.json"
    assert draft_cmd.main(["--new", str(tmp_path / "t.txt"), "--title", "某某记分管理规程", "--role", "doctor",
                           "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    actions = (data if isinstance(data, list) else [data])[0]["actions"]
    assert "知晓后果（第三条）：医务人员记分累计达到9分的，医疗保障经办机构暂停其医保支付资格6个月。" in actions
    assert not any(a.startswith(("照此办理（第二条）", "知晓后果（第二条）")) for a in actions)


def test_the_hospital_as_recipient_is_not_the_one_who_acts():
    from yibao.lessons.duties import _head, _hospital_only_as_object

    pay = "按协议约定及时足额向定点医疗机构拨付医保费用，原则上应当在申报后30个工作日内拨付。"
    assert _hospital_only_as_object(_head(pay))
    assert not _hospital_only_as_object(_head("定点医疗机构应当向经办机构报送结算清单。"))


def test_generic_obey_the_rules_duty_is_not_a_task():
    from yibao.lessons.duties import is_generic
    assert is_generic("定点医疗机构应当遵守医疗保障法律、法规、规章及有关政策，按照规定向参保人员提供医疗服务。")
    assert is_generic("签订医保协议的双方应当严格执行协议约定。")
    assert is_generic("乙方应当坚持以人民健康为中心，遵循保障基本、公平公正的原则，加强医保精细化管理。")
    assert not is_generic("定点医疗机构应当制定相应的内部管理措施，严格掌握出入院指征。")
    assert not is_generic("定点医疗机构应自有关部门批准之日起30个工作日内向经办机构提出变更申请。")


def test_time_limits_the_hospital_must_keep_are_to_dos(tmp_path):
    d = draft(tmp_path, "dingdian_banfa.txt", "某某医疗机构医保定点管理办法", "yibaoban")
    actions = d["yibaoban"]["actions"]
    todo = [a for a in actions if a.startswith(("照此办理", "守住红线", "知晓后果"))]
    assert any("20个工作日内" in a for a in todo) and any("提前2个月" in a for a in todo)
    # the numbered duties come before plain ones; "obey the law" is never ahead of them
    first_plain = next(i for i, a in enumerate(todo) if "出入院指征" in a or "优化结算流程" in a)
    assert all(i < first_plain for i, a in enumerate(todo) if "20个工作日内" in a or "提前2个月" in a)
    assert not any("遵守医疗保障法律" in a for a in todo[:3])


def test_a_condition_clause_is_not_the_subject(tmp_path):
    """"提供医疗保障基金支付范围以外的医药服务的，应当经参保人员…同意": the hospital's duty (carried subject),
    the doctor's to-do, and the patient's right — never a rule of the fund."""
    d = draft(tmp_path, "dingdian_banfa.txt", "某某医疗机构医保定点管理办法", "doctor", "insured")
    assert any(a.startswith("照此办理（第三条）：除急诊") for a in d["doctor"]["actions"])
    assert any(a.startswith("医院须做到（第三条）：除急诊") for a in d["insured"]["actions"])
    assert not any("遵守医疗保障法律" in a for a in d["insured"]["actions"])


def test_a_payment_rule_for_patients_concerns_the_window_and_the_patient(tmp_path):
    """"全省…参保人员，在医疗机构…按住院政策报付，不设起付线": the window settles it, the patient gets it."""
    from yibao.cli import draft_cmd
    out = tmp_path / "all.json"
    assert draft_cmd.main(["--new", str(TEXTS / "day_surgery_notice.txt"), "--title", "某类手术医保支付政策的通知",
                           "--format", "json", "-o", str(out)]) == 0
    d = {x["role"]: x for x in json.loads(out.read_text(encoding="utf-8"))}
    assert "cashier" in d and "insured" in d
    assert any(a.startswith("按此结算（二）") and "不设起付线" in a for a in d["cashier"]["actions"])
    assert any(a.startswith("您的待遇（二）") for a in d["insured"]["actions"])


def test_in_a_notice_to_the_bureaus_the_context_is_what_reaches_the_role(tmp_path):
    """The doctor reads the relief and the check on doctors, not the bureau's timetable nor a firm's duty."""
    d = draft(tmp_path, "bureau_notice.txt", "某省医疗保障局关于加强超量开药监管工作的通知", "doctor")
    context = [a for a in d["doctor"]["actions"] if a.startswith("医保部门将")]
    assert context and not any("试点地区" in a or "经营者" in a for a in context)
    assert any("不作限制" in a or "记分" in a for a in context)


def test_numbers_the_to_dos_do_not_quote_are_in_the_top_section(tmp_path):
    """"出院48小时以内完成的手术（不含门诊手术）属…范围" is a definition, no duty, yet the number is what the
    window and the doctor must know: it is in the top section, and the quiz may ask it."""
    d = draft(tmp_path, "day_surgery_notice.txt", "某类手术医保支付政策的通知", "yibaoban")
    lesson = d["yibaoban"]
    assert any(a.startswith("记住这个数（一）") and "48小时以内" in a for a in lesson["actions"])
    taught = " ".join(lesson["actions"] + lesson["summary"])
    for q in lesson["quiz"]:   # every fill-in's answer is in the top section
        if q["kind"] == "choice" and "填空" in q["question"]:
            assert q["answer"] in taught, q


def test_an_item_of_the_other_party_s_list_is_not_the_hospital_s_duty(tmp_path):
    lessons = draft_agreement(tmp_path, "第一条 甲方履行以下义务：\n（一）遵守个人信息保护和数据安全有关制度，保护乙方的商业秘密；\n"
                              "（二）按时向乙方拨付医保费用。\n"
                              "第二条 乙方应当核验参保人员有效身份凭证，做到人证相符。\n", "doctor", "yibaoban")
    for role, lesson in lessons.items():
        assert not any("个人信息保护" in a for a in lesson["actions"]), role


def test_an_activity_before_de_qualifies_the_subject():
    """"医保支付的药品、耗材应当…采购": the subject is the drugs (药剂科), not the window (医保支付)."""
    from yibao.document import parse_document
    from yibao.lessons.binding import subject_of
    from yibao.lessons.selection import teachable_units
    doc = parse_document("第一条 医保支付的药品、耗材应当按规定在平台上采购，并真实记录进销存情况。")
    s = teachable_units(doc)[0].sentences[0]
    assert "billing" not in subject_of(s) and "pharmacy" in subject_of(s)


def test_the_inspector_s_duties_the_hospital_checks_at_the_door(tmp_path):
    d = draft(tmp_path, "inspection_banfa.txt", "某省医疗保障基金现场检查办法", "yibaoban", "doctor")
    lines = d["yibaoban"]["actions"]
    assert any(a.startswith("检查方须做到（第三条）") and "至少有2名" in a for a in lines)
    assert any(a.startswith("检查方须做到（第二条）") for a in lines)
    assert not any(a.startswith(("照此办理（第二条）", "照此办理（第三条）")) for a in lines)   # never our to-do
    assert not any(a.startswith("检查方须做到") for a in d["doctor"]["actions"])


def test_a_procedure_naming_the_hospital_as_who_files_it_is_its_duty():
    from yibao.document import parse_document
    from yibao.lessons.binding import duty_modality, subject_of
    from yibao.lessons.selection import teachable_units
    doc = parse_document("一、新增病种由各定点医疗机构结合自身实际，向属地医保经办机构提出申请，逐级报省医疗保障局核定。")
    s = teachable_units(doc)[0].sentences[0]
    assert duty_modality(s) == "obligation" and "medical_institution" in subject_of(s)


def test_a_patient_reads_the_hospital_s_duties_as_what_the_hospital_must_do(tmp_path):
    actions = draft_agreement(tmp_path, "第一条 参保人员委托他人代为购药的，乙方应当核验委托人和受托人的身份证明。\n"
                              "第二条 乙方不得诱导、协助参保人员冒名就医。\n"
                              "第三条 乙方应当遵守医疗保障法律法规政策。\n", "insured")["insured"]["actions"]
    assert not any(a.startswith(("守住红线", "照此办理")) for a in actions)
    assert any(a.startswith("医院须做到（第一条）") for a in actions)
    assert not any("遵守医疗保障法律" in a for a in actions)


def test_a_permission_that_lets_the_hospital_act_is_its_own_in_a_notice_to_the_bureaus(tmp_path):
    """"平台上无企业挂网的短缺药品，允许医疗机构按规定自主备案采购": opens with a platform, yet the hospital may act."""
    d = draft(tmp_path, "price_notice.txt", "某省医疗保障局关于做好药品价格管理工作的通知", "pharmacy")
    assert any(a.startswith("可以这样做（四）") and "允许医疗机构" in a for a in d["pharmacy"]["actions"])


def test_the_patient_reads_the_relief_first_in_a_notice_to_the_bureaus(tmp_path):
    d = draft(tmp_path, "bureau_notice.txt", "某省医疗保障局关于加强超量开药监管工作的通知", "insured")
    context = [a for a in d["insured"]["actions"] if a.startswith("医保部门将")]
    assert context and "合理备药" in context[0]
    assert not any("与我院相关" in a for a in context)


def test_what_the_bureau_may_do_to_the_hospital_is_not_its_permission(tmp_path):
    src = tmp_path / "banfa.txt"
    src.write_text("某办法\n第一条 经办机构发现定点医疗机构存在违反协议约定情形的，可按协议约定暂停拨付费用。\n"
                   "第二条 定点医疗机构可以向经办机构申请调整预付金。\n"
                   "第三条 定点医疗机构应当按月上传结算清单。\n", encoding="utf-8")
    out = tmp_path / "d.json"
    assert draft_cmd.main(["--new", str(src), "--title", "某办法", "--role", "management", "--format", "json",
                           "-o", str(out)]) == 0
    actions = json.loads(out.read_text(encoding="utf-8"))[0]["actions"]
    assert not any(a.startswith("可以这样做（第一条）") for a in actions)
    assert any(a.startswith("可以这样做（第二条）") for a in actions)


def test_a_doctor_s_to_dos_leave_the_hospital_s_paperwork_to_the_yibaoban(tmp_path):
    src = tmp_path / "banfa.txt"
    src.write_text("某办法\n第一条 定点医疗机构不得为非定点医疗机构提供医保结算。\n"
                   "第二条 其他一般信息变更应及时书面告知经办机构。\n"
                   "第三条 定点医疗机构及其工作人员不得分解住院、挂床住院，不得超量开药。\n"
                   "第四条 医务人员应当规范书写病历。\n"
                   "第五条 定点医疗机构提供支付范围以外的医药服务的，应当经参保人员同意。\n", encoding="utf-8")
    out = tmp_path / "d.json"
    assert draft_cmd.main(["--new", str(src), "--title", "某办法", "--role", "doctor", "--role", "yibaoban",
                           "--format", "json", "-o", str(out)]) == 0
    d = {x["role"]: x for x in json.loads(out.read_text(encoding="utf-8"))}
    doctor = " ".join(d["doctor"]["actions"])
    assert "病历" in doctor and "分解住院" in doctor and "经参保人员同意" in doctor
    assert "非定点医疗机构" not in doctor and "书面告知" not in doctor
    assert "非定点医疗机构" in " ".join(d["yibaoban"]["actions"])


def test_a_clause_after_a_semicolon_keeps_the_subject_of_its_chain(corpus_dir):
    # "设立互联网医院…的乙方（以下简称：互联网医院）…；应为参保人员提供电子票据…；": not every window's duty
    from yibao.cli.draft_cmd import main
    import io
    import contextlib
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--new", str(corpus_dir / "qinghai-texts" / "qh_yyxy_2025r.txt"), "--role", "收费员"]) == 0
    lines = [x for x in out.getvalue().splitlines() if "邮寄纸质票据" in x and x.startswith("- ")]
    assert lines and all("互联网医院……应为参保人员提供电子票据" in x for x in lines if "照此办理" in x)


def test_a_fact_to_remember_goes_on_to_its_full_stop():
    from yibao.lessons.duties import _with_rest

    class U:
        sentences = [type("S", (), {"text": t})() for t in
                     ("21种试点药品的支付范围执行新目录的规定；", "其余18种试点药品继续沿用原支付标准。")]
        labels = ["", ""]
    assert _with_rest(U, 0, U.sentences[0].text).endswith("其余18种试点药品继续沿用原支付标准。")
    assert _with_rest(U, 1, U.sentences[1].text) == U.sentences[1].text


def test_a_rule_under_a_threshold_comes_with_the_rule_above_it_and_the_patient_asks_about_it(tmp_path):
    src = tmp_path / "zyjx.txt"
    src.write_text("基本医疗保险关系转移接续暂行办法\n\n各省医疗保障局：\n"
                   "第一条 参保人员跨统筹地区流动就业，中断缴费时间在3个月（含）以内的，自转入地参保缴费之月起按规定享受医保待遇，"
                   "不设待遇享受等待期。中断缴费时间超过3个月的，转入地可设置不超过6个月的待遇享受等待期。\n", encoding="utf-8")
    lesson = draft(tmp_path, "", "基本医疗保险关系转移接续暂行办法", "参保人", source=src)["insured"]
    line = next(a for a in lesson["actions"] if "第一条" in a)
    assert "不超过6个月的待遇享受等待期" in line          # not "no waiting period" alone
    assert "要付多少" not in lesson["scenario"]["text"]   # a waiting period is no question of what to pay


def test_the_insured_read_one_word_for_the_fund_and_a_direction_is_not_a_rule_to_settle_by(tmp_path):
    from yibao.lessons.rules_drafter import _plain
    terms = {"统筹基金": "医保报销资金", "起付线": "起付线（自己先付的金额）"}
    line = _plain("单位缴费全部计入统筹基金；退休人员个人账户由统筹基金划入，起付线不变，起付线以上报销。", terms, set())
    assert "统筹基金" not in line and line.count("医保报销资金") == 2 and line.count("（自己先付的金额）") == 1
    src = tmp_path / "mzgj.txt"
    src.write_text("关于门诊共济保障机制的指导意见\n\n各省医疗保障局：\n"
                   "一、逐步将多发病、常见病的普通门诊费用纳入统筹基金支付范围，参保人员自付比例不高于50%。\n", encoding="utf-8")
    lesson = draft(tmp_path, "", "关于门诊共济保障机制的指导意见", "收费员", source=src)["cashier"]
    assert not any(a.startswith("按此结算") and "逐步" in a for a in lesson["actions"])


def test_a_text_without_a_consequence_gets_a_situation_it_settles_as_its_case(tmp_path):
    src = tmp_path / "zyjx.txt"
    src.write_text("基本医疗保险关系转移接续暂行办法\n\n各省医疗保障局：\n"
                   "第一条 参保人员在转出地存在欠缴费用的，应当补缴后再办理转出手续；存在重复缴费的，可按规定申请退费。\n"
                   "第二条 新生儿出生后应及时参保，在规定时间内参保缴费的，自出生之日起享受居民医保待遇。\n", encoding="utf-8")
    case = draft(tmp_path, "", "基本医疗保险关系转移接续暂行办法", "参保人", source=src)["insured"]["case"]
    assert case["kind"] == "案例"
    assert case["text"] == "情况：参保人员在转出地存在欠缴费用。怎么办：按第一条，应当补缴后再办理转出手续。"


def test_what_the_bureau_watches_for_is_the_doctors_red_line(tmp_path):
    src = tmp_path / "drg.txt"
    src.write_text("关于DRG/DIP支付方式改革三年行动计划的通知\n\n各省医疗保障局：\n"
                   "一、建机制。聚焦医疗服务行为的变化，重点监控高套分组、分解住院、推诿患者、转移费用等违规行为。\n"
                   "二、打基础。医疗机构加强病案质量控制，提高病案首页填写质量，做到诊断准确、编码规范。\n"
                   "三、强监管。各地要严厉打击串换药品、虚开票据等违法违规行为。\n", encoding="utf-8")
    lesson = draft(tmp_path, "", "关于DRG/DIP支付方式改革三年行动计划的通知", "临床医生", source=src)["doctor"]
    assert any(a.startswith("守住红线（一）") and "分解住院" in a for a in lesson["actions"]), lesson["actions"]
    assert any(a.startswith("照此办理（二）") for a in lesson["actions"])
    pharmacy = draft(tmp_path, "", "关于DRG/DIP支付方式改革三年行动计划的通知", "药剂科", source=src)["pharmacy"]
    assert any(a.startswith("守住红线（三）") for a in pharmacy["actions"]), pharmacy["actions"]


def test_a_to_do_whose_dated_targets_have_passed_is_labelled_as_background():
    from yibao.lessons.duties import past_target
    line = "照此办理（一（二））：到2024年底，全国所有统筹地区全部开展改革；到2025年底实现全覆盖。"
    assert past_target(line, 2026).startswith("已到期的阶段目标（一（二））：到2024年底")
    assert past_target(line, 2025) == line                                   # 2025 is still ahead
    assert past_target("守住红线（第五条）：2020年起不得分解住院。", 2026).startswith("守住红线")   # a ban stands
    assert past_target("照此办理（第五条）：按月上传结算数据。", 2026).startswith("照此办理")       # no date


def test_a_side_note_never_leads_while_a_rule_is_there():
    from yibao.lessons.duties import Duty, lead_duty
    from yibao.lessons.selection import choose, teachable_units
    from yibao.document import parse_document
    text = ("某管理办法\n第一条 暂停医保支付资格，不影响相关人员依法开展执业活动。\n"
            "第二条 相关人员不得串换药品。\n")
    units = teachable_units(parse_document(text))
    chosen = choose(units, ("medical_staff",), (), 5)
    by_ref = {c.unit.ref: c for c in chosen}
    note = Duty("第一条", "obligation", units[0].sentences[0].text, True, False, 0, source=by_ref.get("第一条"))
    ban = Duty("第二条", "prohibition", units[1].sentences[0].text, True, False, 1, source=by_ref.get("第二条"))
    chosen.sort(key=lambda c: c.unit.order)   # the side note's provision comes first
    assert lead_duty(chosen, [note, ban]).ref == "第二条"
    assert lead_duty(chosen, [note]).ref == "第一条"   # …and leads when nothing else does


def draft_text(tmp_path, text: str, *roles: str) -> dict:
    """Lessons on a short text written in the test (its first line is its title)."""
    src = tmp_path / "t.txt"
    src.write_text(text, encoding="utf-8")
    return draft(tmp_path, "", text.split("\n", 1)[0], *roles, source=src)


LIANGBING = "关于完善两病门诊用药保障机制的指导意见\n\n各省医疗保障局：\n"


def test_what_a_notice_to_the_bureaus_lets_doctors_do_is_the_doctors_to_do(tmp_path):
    # "对…患者，可按规定适当延长处方用量": opens with 对 like a bureau's instruction, but 处方 is the doctor's work;
    # 需要 is no modal
    actions = draft_text(tmp_path, LIANGBING + "一、规范用药。定点医疗机构要严格执行诊疗规范和用药指南，合理选用药品。"
                         "对诊断明确、病情稳定、需要长期服药的患者，可按规定适当延长处方用量。\n", "doctor")["doctor"]["actions"]
    assert any(a.startswith("可以这样做（一）") and "延长处方用量" in a for a in actions), actions


def test_what_the_fund_pays_is_the_patients_benefit_and_a_may_stays_a_may(tmp_path):
    actions = draft_text(tmp_path, LIANGBING +
                         "一、保障水平。以二级及以下定点基层医疗机构为依托，对两病参保患者门诊发生的降血压药品费用由统筹基金支付，"
                         "政策范围内支付比例要达到50%以上。\n"
                         "二、规范用药。对诊断明确、病情稳定、需要长期服药的患者，可按规定适当延长处方用量。\n",
                         "insured")["insured"]["actions"]
    assert any(a.startswith("您的待遇（一）") for a in actions), actions
    assert not any(a.startswith(("医院须做到（二）", "您要做到（二）")) for a in actions), actions


def test_a_payment_rule_in_a_notice_to_the_bureaus_is_a_standard_the_regions_set(tmp_path):
    lessons = draft_text(tmp_path, "国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见\n\n各省、自治区、直辖市人民政府：\n"
                         "一、救助水平。对低保对象、特困人员符合规定的医疗费用由医疗救助基金支付，救助比例不低于70%。\n",
                         "cashier", "insured")
    assert not any(a.startswith("按此结算") for a in lessons["cashier"]["actions"]), lessons["cashier"]["actions"]
    assert any(a.startswith("政策标准（一）") for a in lessons["cashier"]["actions"])
    assert any(a.startswith("您的待遇（一）") for a in lessons["insured"]["actions"])
