"""Scenes built from one of the role's duties (yibao/lessons/scenes.py), drafted through the CLI on texts
written for these tests (tests/yibao/lessons/texts/)."""
import json
from pathlib import Path

from yibao.cli import draft_cmd
from yibao.lessons.scenes import occasion, setting

TEXTS = Path(__file__).parent / "texts"


def drafts(tmp_path, name: str, title: str) -> dict:
    out = tmp_path / "d.json"
    assert draft_cmd.main(["--new", str(TEXTS / name), "--title", title, "--format", "json", "-o", str(out)]) == 0
    return {d["role"]: d for d in json.loads(out.read_text(encoding="utf-8"))}


def test_the_occasion_is_the_duty_s_own_condition():
    assert occasion("定点医疗机构请求解除医保协议的，应提前2个月向经办机构提出申请。", "yibaoban") == "本院请求解除医保协议"
    assert occasion("除急诊、抢救等特殊情形外，提供医疗保障基金支付范围以外的医药服务的，应当经参保人员同意。",
                    "doctor") == "您要提供医疗保障基金支付范围以外的医药服务（急诊、抢救等特殊情形除外）"
    assert occasion("对情节严重的，可约谈相关经营者。", "yibaoban") is None   # what a bureau acts on
    assert occasion("定点医疗机构应当制定内部管理措施。", "doctor") is None


def test_settings_fit_the_role():
    assert setting("doctor", "不得分解处方、超量开药") == "开具处方时"
    assert setting("finance", "不设起付线，按住院政策报付") == "月度医保对账时"
    assert "患者" not in setting("finance", "参保人员自费结算")
    assert setting("insured", "按住院政策报付") == "在医院结算时"


def test_scenes_are_situations_of_the_role_s_work_never_the_old_template(tmp_path):
    d = drafts(tmp_path, "dingdian_banfa.txt", "某某医疗机构医保定点管理办法")
    for role, lesson in d.items():
        text = lesson["scenario"].get("text", "")
        assert "管到的事" not in text and "请说出您要做的第一步" not in text, role
    doctor = d["doctor"]["scenario"]["text"]
    assert "分解住院" in doctor and "原文（第三条）" in doctor
    # the forbidden act the scene puts to the window is a billing one
    assert "重复收费" in d["cashier"]["scenario"]["text"]


def test_a_payment_rule_is_a_question_at_the_window_and_a_check_at_finance(tmp_path):
    d = drafts(tmp_path, "day_surgery_notice.txt", "某类手术医保支付政策的通知")
    assert "患者" in d["cashier"]["scenario"]["text"] and "在收费结算窗口" in d["cashier"]["scenario"]["text"]
    if d.get("finance", {}).get("scenario"):
        assert "患者问" not in d["finance"]["scenario"]["text"]


def test_an_act_whose_object_came_before_is_not_proposed():
    from yibao.lessons.scenes import _acts
    assert _acts("经办机构不予支付的费用，定点医疗机构不得作为医保欠费处理。") == []
    assert _acts("定点医疗机构不得分解住院、挂床住院，不得重复收费。") == ["分解住院、挂床住院", "重复收费"]


def test_a_proposal_keeps_what_the_ban_depends_on_and_an_outcome_is_never_proposed():
    from yibao.lessons.scenes import _acts, _with_condition
    text = "未作出服务承诺的相关人员，不得开展涉及医保基金使用的医药服务。"
    assert _with_condition(text, _acts(text)[0]) == "让未作出服务承诺的相关人员开展涉及医保基金使用的医药服务"
    text = "人证不符的，不得进行医保结算。"
    assert _with_condition(text, _acts(text)[0]) == "人证不符的，照常进行医保结算"
    assert _with_condition("定点医疗机构不得重复收费。", "重复收费") == "重复收费"
    assert _acts("定点医药机构要妥善做好工作交接，不得影响参保人员正常就医。") == []
