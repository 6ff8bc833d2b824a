"""Staff words → the words policy texts use for the same thing.

Questions are asked in plain words ("提前通知", "报销", "药店"); 公文 say "预先告知", "支付",
"零售药店".  Each question term is searched together with its policy-language equivalents and
counts as covered when any of them is in the provision.  General vocabulary only — nothing
here names a particular document.
"""
from __future__ import annotations

import re

GROUPS: tuple[tuple[str, ...], ...] = (
    ("提前", "预先", "事先"), ("通知", "告知", "告诉"), ("医院", "医疗机构", "定点医疗机构"),
    ("药店", "零售药店", "定点零售药店"), ("报销", "支付", "结算", "报账"), ("看病", "就医", "就诊"),
    ("跨省", "异地", "省外"), ("备案", "登记"), ("罚款", "罚", "处罚", "罚没"),
    ("钱", "费用", "金额", "基金"), ("退回", "追回", "返还", "退还"), ("病人", "患者", "参保人员", "参保人"),
    ("医生", "医师", "医务人员"), ("开药", "处方", "开具"), ("药", "药品"), ("取消", "解除", "终止"),
    ("暂停", "中止"), ("检查", "稽核", "核查"), ("举报", "投诉"), ("奖励", "奖金"), ("违规", "违法", "违约", "违反"),
    ("扣分", "记分"), ("单位", "用人单位", "参保单位"), ("价格", "价钱", "收费标准"), ("涨价", "提价", "调价"),
    ("公开", "公示"), ("上传", "传送", "报送", "上报"), ("材料", "资料"), ("新药", "新增药品"), ("目录", "药品目录"),
    ("资格", "资质"), ("拒绝", "不予"), ("听证", "陈述", "申辩"), ("签协议", "协议", "签订"),
    ("证据", "取证"), ("多开", "超量"), ("耗材", "医用耗材"), ("分组", "病组"), ("按病种", "病种"),
    ("开业", "运营", "经营", "营业"), ("门口", "显著位置"), ("牌子", "标牌", "标识"), ("不留名字", "匿名"), ("匿名", "实名"),
    ("名字", "姓名", "名称"), ("后果", "责任", "处理"), ("执法证", "执法证件"), ("封", "封存"),
    ("最长", "不得超过", "期限"), ("法人代表", "法定代表人"), ("法人", "法定代表人"), ("换", "变更"), ("变", "变更"),
    ("调到", "变更", "执业机构"), ("不服", "申诉", "异议", "复核"), ("退", "退回"), ("意见", "陈述", "申辩", "反馈"),
    ("自费", "自费结算", "转嫁"), ("收回", "追回"), ("分期", "分期缴纳", "暂缓"), ("延期", "延期缴纳", "暂缓"),
    ("结果", "处理结果", "告知"), ("刷卡", "结算", "医保凭证"), ("日用品", "其他商品", "非医保药品"),
    ("不配合", "拒绝", "阻挠"), ("美容", "医疗美容"), ("生孩子", "生育"), ("孩子", "生育", "分娩"),
    ("医保局", "医疗保障行政部门", "医疗保障部门", "医保部门"), ("医保部门", "医疗保障部门", "医疗保障行政部门"),
    ("买", "购", "购买", "购药"), ("代买", "代购"), ("留", "保留", "保存", "留存"), ("证件", "身份证", "身份凭证", "证照"),
    # everyday words of hospital staff and patients → the words of 医保 texts
    ("家属", "近亲属", "亲属", "监护人", "他人", "家庭"), ("家里人", "家庭", "家庭成员", "近亲属", "家庭共济"),
    ("家人", "家庭", "近亲属", "家庭共济"), ("委托", "代为", "代购", "受托", "委托人"), ("拖欠", "应付未付", "欠款"),
    ("欠", "应付未付", "拖欠"), ("拨下来", "拨付", "结算资金"), ("回款", "拨付", "结算资金"), ("到账", "拨付", "拨付到位"),
    ("人流", "人工流产"), ("上环", "放置节育器", "节育器"), ("取环", "取出节育器", "节育器"), ("顺产", "分娩", "生育"),
    ("剖宫产", "分娩", "生育"), ("不报", "支付范围以外", "自费", "不予支付"), ("签字", "签字同意", "签字确认", "确认"),
    ("清理", "清算", "清理"), ("医保卡", "医保凭证", "医疗保障凭证", "电子凭证"), ("社保卡", "医保凭证", "医疗保障凭证"),
    ("押金", "预交金"), ("发票", "票据", "收费票据"), ("报销比例", "支付比例"), ("自付", "个人负担", "个人自付"),
    ("慢病", "门诊慢特病", "慢性病", "特殊疾病"), ("慢性病", "门诊慢特病", "慢性病"), ("特殊病", "门诊慢特病", "特殊疾病"),
    ("外地", "异地"), ("外省", "异地", "跨省"), ("转院", "转诊转院", "转诊"), ("扣钱", "扣减", "拒付", "不予支付", "追回"),
    ("扣款", "扣减", "拒付", "不予支付"), ("集采", "集中带量采购", "带量采购", "中选"), ("医保科", "医保管理部门", "医保办"),
    ("家庭", "家庭共济"), ("账户", "个人账户"), ("住院费", "住院费用"), ("门诊费", "门诊费用"), ("结账", "结算"),
    ("记满", "累计"), ("飞检", "飞行检查"), ("飞检组", "飞行检查组"), ("停", "暂停", "中止", "终止"),
    ("调到", "调动", "执业机构", "发生变化", "变更"), ("变化", "变更", "发生变化"), ("交齐", "补充", "不全"), ("一年", "自然年度", "年度"), ("几年", "二年", "年内"), ("续签", "续签协议", "期满"),
)

_BY_WORD: dict[str, tuple[str, ...]] = {}
for _group in GROUPS:
    for _word in _group:
        _BY_WORD[_word] = tuple(dict.fromkeys(_BY_WORD.get(_word, ()) + _group))


# A question that says "not" looks for the provisions that say it (不予受理, 不得, 不再给予…).
NEGATION_ASKED = re.compile(r"不会|不能|不可以|不用|不给|不算|不再|不予|不准|不让|不行|不得|不属于|不纳入|不报")
NEGATION_WORDS = ("不予", "不再", "不纳入", "不属于", "不支付", "不计入", "不列入", "不能", "禁止", "严禁")


def phrases_in(question: str) -> list[str]:
    """Staff phrases of GROUPS found in the question on jieba word boundaries ("处方" is not
    taken out of "非处方药"), longest first, not overlapping."""
    from yibao.qa.segment import word_bounds
    bounds = word_bounds(question)
    found: list[str] = []
    taken = question
    from yibao.qa.segment import STOPWORDS
    for word in sorted(_BY_WORD, key=len, reverse=True):
        start = taken.find(word) if len(word) >= 2 and word not in STOPWORDS else -1
        while start >= 0:
            if start in bounds and start + len(word) in bounds:
                found.append(word)
                taken = taken[:start] + "　" * len(word) + taken[start + len(word):]
                break
            start = taken.find(word, start + 1)
    return found


def equivalents(term: str) -> tuple[str, ...]:
    """The term first, then the words that mean the same in policy texts."""
    return tuple(dict.fromkeys((term,) + _BY_WORD.get(term, ())))
