"""Frequencies, Chinese-numeral time limits, caps and bare-verb directives, on sentences written for the test."""
import pytest

from yibao.document import iter_provisions, parse_document
from yibao.document.annotate import is_directive, is_directive_document, modality_of
from yibao.document.facts import facts_of


def _kinds(sentence):
    return {(f.kind, f.text, f.value, f.unit) for f in facts_of(sentence)}


@pytest.mark.parametrize("sentence,fact", [
    ("医保支付标准原则上每年调整一次。", ("frequency", "每年调整一次", "1", "次/年")),
    ("病种分组方案每季度更新一次。", ("frequency", "每季度更新一次", "1", "次/季度")),
    ("协议履行情况每两年评估一次。", ("frequency", "每两年评估一次", "1", "次/2年")),
    ("经办机构每月对账2次。", ("frequency", "每月对账2次", "2", "次/月")),
])
def test_how_often_is_a_frequency_fact(sentence, fact):
    assert fact in _kinds(sentence)


@pytest.mark.parametrize("sentence,text,value,unit", [
    ("扣押的期限不得超过三十日。", "三十日", "30", "日"),
    ("审核时间最长不超过十五个工作日。", "十五个工作日", "15", "个工作日"),
    ("暂停期限不超过六个月。", "六个月", "6", "个月"),
    ("当事人应当自收到通知之日起十日内提出。", "十日内", "10", "日"),
    ("情况复杂的，可以延长至九十日。", "九十日", "90", "日"),
])
def test_chinese_numeral_time_limits(sentence, text, value, unit):
    assert ("time_limit", text, value, unit) in _kinds(sentence)


def test_a_plain_duration_stays_a_number():
    assert ("number", "6个月", "6", "个月") in _kinds("门诊处方用量一般为6个月的平均用量。")


@pytest.mark.parametrize("sentence", [
    "单独支付的病例数原则上不超过当年出院总人次的3%。",
    "自付比例控制在10%以内。",
    "集采药品使用比例不低于百分之八十。",
])
def test_a_cap_on_a_quantity_binds(sentence):
    assert modality_of(sentence) == "obligation"


@pytest.mark.parametrize("sentence,directive", [
    ("推进医保结算清单质控全覆盖。", True),
    ("一是加强异常费用监测。", True),
    ("将自查结果与年度考核挂钩。", True),
    ("建立健全内部稽核制度。", True),
    ("近年来改革取得明显成效。", False),
    ("定点医疗机构按协议结算费用。", False),
    ("将于明年起全面推开。", False),
])
def test_bare_verb_directives(sentence, directive):
    assert is_directive(sentence) is directive


@pytest.mark.parametrize("title,directive", [
    ("关于做好异地就医直接结算工作的通知", True),
    ("定点医疗机构医疗保障管理办法", True),
    ("关于深化改革的意见", True),
    ("医疗保障基金使用监督管理条例", False),
    ("中华人民共和国社会保险法", False),
    (None, True),
])
def test_which_documents_instruct_by_bare_verbs(title, directive):
    assert is_directive_document(title) is directive


NOTICE = """关于加强门诊费用管理的通知

各省、自治区、直辖市医疗保障局：
一、强化费用审核
推进智能审核全覆盖。将审核结果与年度考核挂钩。探索按月公布审核结果，暂不具备条件的可以按季度公布。
二、其他
本通知自印发之日起施行。
"""

STATUTE = """某某保障条例

第一条 为了规范管理，制定本条例。
第二条 实行统一的目录管理。
"""


def _sentence(doc, start):
    return next(s for p in iter_provisions(doc) for s in p.sentences if s.text.startswith(start))


def test_directives_are_obligations_in_a_notice_not_in_a_statute():
    notice = parse_document(NOTICE)
    s = _sentence(notice, "推进智能审核")
    assert (s.modality, s.directive) == ("obligation", True)
    assert _sentence(notice, "将审核结果").modality == "obligation"
    assert _sentence(notice, "探索按月").modality == "obligation"   # the instruction, with a fallback allowed
    statute = parse_document(STATUTE)
    assert _sentence(statute, "实行统一").modality == "statement"


@pytest.mark.parametrize("sentence", [
    "拒不整改的，按照协议处理。",
    "经办机构视情况采取相应处理措施。",
    "发现欺诈骗保行为的，依法依规处理。",
])
def test_handling_by_agreement_or_law_is_a_penalty(sentence):
    assert modality_of(sentence) == "penalty"
