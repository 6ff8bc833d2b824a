"""Staff words → the words policy texts use for the same thing.

Questions are asked in plain words ("提前通知", "报销", "药店"); 公文 say "预先告知", "支付",
"零售药店".  Each question term is searched together with its policy-language equivalents and
counts as covered when any of them is in the provision.  General vocabulary only — nothing
here names a particular document.
"""
from __future__ import annotations

GROUPS: tuple[tuple[str, ...], ...] = (
    ("提前", "预先", "事先"), ("通知", "告知", "告诉"), ("医院", "医疗机构", "定点医疗机构"),
    ("药店", "零售药店", "定点零售药店"), ("报销", "支付", "结算", "报账"), ("看病", "就医", "就诊"),
    ("跨省", "异地", "省外"), ("备案", "登记"), ("罚款", "罚", "处罚", "罚没"), ("多久", "期限", "时限", "日内", "工作日"),
    ("钱", "费用", "金额", "基金"), ("退回", "追回", "返还", "退还"), ("病人", "患者", "参保人员", "参保人"),
    ("医生", "医师", "医务人员"), ("开药", "处方", "开具"), ("药", "药品"), ("取消", "解除", "终止"),
    ("暂停", "中止"), ("检查", "稽核", "核查"), ("举报", "投诉"), ("奖励", "奖金"), ("违规", "违法", "违约"),
    ("扣分", "记分"), ("单位", "用人单位", "参保单位"), ("价格", "价钱", "收费标准"), ("涨价", "提价", "调价"),
    ("公开", "公示"), ("上传", "传送", "报送", "上报"), ("材料", "资料"), ("新药", "新增药品"), ("目录", "药品目录"),
    ("资格", "资质"), ("拒绝", "不予"), ("听证", "陈述", "申辩"), ("签协议", "协议", "签订"),
    ("证据", "取证"), ("多开", "超量"), ("耗材", "医用耗材"), ("分组", "病组"), ("按病种", "病种"),
)

_BY_WORD: dict[str, tuple[str, ...]] = {}
for _group in GROUPS:
    for _word in _group:
        _BY_WORD[_word] = tuple(dict.fromkeys(_BY_WORD.get(_word, ()) + _group))


def equivalents(term: str) -> tuple[str, ...]:
    """The term first, then the words that mean the same in policy texts."""
    return tuple(dict.fromkeys((term,) + _BY_WORD.get(term, ())))
