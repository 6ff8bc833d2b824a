"""What kind of answer a question wants, and whether a provision has that kind of content.

"什么情况下…" wants a list of conditions (下列情形之一); "多久/几天/什么时候" wants a time limit or
a date; "多少/几个/比例" wants a number.  A provision that holds what is asked for ranks higher.
"""
from __future__ import annotations

import re

_CN = "[0-9０-９一二三四五六七八九十百千两半]+"
INTENTS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "conditions": (re.compile(r"(?:什么|哪些|哪种|哪几种|何种)(?:情况|情形|条件|行为|原因)|什么时候会|怎样才|要满足"),
                   re.compile(r"下列情[形况]|以下情[形况]|情[形况]之一|下列行为|以下行为|以下条件|下列条件|符合以下|具备以下|同时具备")),
    "definition": (re.compile(r"什么意思|是什么|什么是|指什么|指的是|怎么理解|含义"),
                   re.compile(r"是指|指的是|所称|是[^。；]{1,80}?的(?:基准|依据|统称|简称|总称|标准)")),
    "list": (re.compile(r"哪些|有什么要求|包括什么|包括哪|都有什么|要交什么|要准备什么"),
             re.compile(r"下列|以下|包括[：:]|[：:]（一）|[：:]\(1\)|一是")),
    # "清单里具体都有哪些药 / 那4种药是哪几种": the members of a list, not a provision saying the list exists
    # ("将梳理…药品清单", "品种4种"): it must name at least three (A、B、C; （一）…; 一是…二是)
    "members": (re.compile(r"具体(?:都)?(?:有|是|包括|指)?(?:哪些|哪几)|(?:都|分别)(?:有|是|包括)哪些"
                           r"|(?:是|有)哪几(?:种|个|类|样|家|项)|哪几(?:种|样)(?:药|药品)"),
                re.compile(r"、[^、。；;，,]{1,30}、|（[一1]）[^（]*（[二2]）|一是[^。]*二是|[：:]\s*1[\.．、]")),
    "time": (re.compile(r"多久|多长时间|多少天|几天|几个月|几年|期限|什么时候|哪天|何时|最长|最晚|截止|时限|多少个工作日"),
             re.compile(rf"{_CN}(?:个)?(?:工作日|日|天|个月|月|年|小时)|\d{{4}}年\d{{1,2}}月|[年月]底前|期满前|之日起")),
    # "多久内 / 几天内 / 多久能批下来": a time limit is the answer itself (not "一般要多久" small talk)
    "time_limit": (re.compile(r"(?:多久|多长时间)(?:之内|以内|内|能|才能|可以)|(?:几|多少)个?(?:天|日|工作日|个月|月)(?:之内|以内|内)"),
                   # a span of time ("15个工作日", "3个月"), not a date ("2024年10月1日") or a year
                   re.compile(r"(?<![\d０-９年月])(?:[0-9０-９]{1,3}|[一二三四五六七八九十百千两半]+)(?:个)?"
                              r"(?:工作日|日|天|个月|月|年|小时)|[年月]底前|期满前")),
    "number": (re.compile(r"多少|几个|几名|几人|几次|比例|标准是|几分|几项"),
               re.compile(rf"{_CN}(?:名|人|次|分|项|种|家|元|万元|%|％|个百分点|倍)|\d+(?:\.\d+)?[%％]|百分之")),
    "date": (re.compile(r"哪一天|哪天|几号|几月几[日号]|(?:最晚|截止到?|最迟)(?:到|在)?什么时候"
                        r"|(?:什么时候|何时)(?:开始|起)?(?:执行|施行|实施|生效)"),
             re.compile(rf"{_CN}月{_CN}[日号]|{_CN}[日号](?:前|之前|起|以前)|[年月季]底前|次月|之日起")),
    "procedure": (re.compile(r"(?:怎么|如何|怎样|要怎么)(?:办理|申请|补办)|(?:在|去|到)哪(?:里|儿)?(?:办|申请|补办|报|交)"
                             r"|找谁(?:申请|办)"),
                  re.compile(r"申请|办理|提交|提出|报送|备案|登记|补办|向[^。；]{1,30}(?:提出|申请|报送|提交|报告)")),
    "calculation": (re.compile(r"怎么算|如何算|怎样算|怎么计算|如何计算|怎样计算|算出来|计算方法|算法"),
                    re.compile(r"计算|乘以|除以|公式|折算|核算")),
    "frequency": (re.compile(r"(?:多久|多长时间|几年|几个月|几天)[^，。？?]{0,6}一次|(?:一年|每年|每月|一个月)[^，。？?]{0,4}几次|多少次"),
                  re.compile(rf"每(?:年|月|季度|季|周|日|天|{_CN}(?:年|个月|月|日|天))|{_CN}次|一年一")),
    "materials": (re.compile(r"(?:什么|哪些|哪几[样种份个类]?|啥)(?:材料|资料|手续|证件|证明|表格?)|要带什么|要交什么"),
                  # papers to bring or hand in, not any mention ("不得出具虚假认定资料" lists none)
                  re.compile(r"(?:提供|提交|携带|出示|递交|报送|准备|需要|凭|持|应有|须有|需有|要有)[^。；]{0,20}?(?<!虚假)"
                             r"(?:材料|资料|证件|证明|证据|手续)|(?:材料|资料|证件|证明|证据)(?:需|须|应|要)"
                             r"|(?:以下|下列)(?:材料|资料|证件)|(?:材料|资料)[：:]|申请表|登记表|复印件|身份证|凭证|手续")),
    "ratio": (re.compile(r"比例|百分之几|百分之多少|几成|费率|比率|占比|百分比|几个(?:百分)?点"),
              re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之[零一二三四五六七八九十百]+|[一二三四五六七八九]成")),
    "money": (re.compile(r"多少钱|多少元|几元|几块钱|多少万|金额是多少|补贴多少|补助多少|报多少钱"
                         r"|多少(?:奖金|奖励|补贴|补助|工资|报酬|费用)"
                         r"|(?:奖金|奖励金|补贴|补助|工资|报酬)[^，。；？?]{0,6}(?:多少|几)"),
              re.compile(rf"{_CN}(?:元|万元|块)|\d+(?:\.\d+)?(?:元|万元)")),
}
# kinds of answer without which a provision cannot answer at all: "护士执业证多久注册一次" is not
# answered by a provision that mentions 护士 执业 注册 but no frequency
REQUIRED = ("frequency", "ratio", "money", "materials", "date", "procedure", "time_limit", "members")
# "几天 / 几个月 / 几名": a provision without a number of that unit does not answer (飞检查几天 is
# not answered by the provision defining 飞行检查); "前几天 / 好几家" name no number to answer,
# but "提前多少天 / 以后几天内" do
_UNIT_ASKED = re.compile(r"(?:(?<![好这那头前后])几|(?<=以[前后])几|(?<=提前)几|多少)个?(工作日|小时|个月|天|日|月|年|名|人|次|盒|项|家|倍|元|块钱|分)(?!钟)")
_UNIT_ANSWERS = {unit: re.compile(rf"{_CN}\s*(?:个)?(?:{answers})") for unit, answers in {
    "工作日": "工作日|日|天", "天": "工作日|日|天", "日": "工作日|日|天", "小时": "小时|日|天",
    "个月": "个月|月|年", "月": "个月|月|年", "年": "年", "名": "名|人", "人": "名|人",
    "次": "次", "盒": "盒", "项": "项", "家": "家", "倍": "倍", "元": "元|万元", "块钱": "元|万元", "分": "分"}.items()}
# "比例由谁定 / 罚款归哪个部门管": who is asked, not the number the question names
_WHO_ASKED = re.compile(r"谁|哪个部门|哪个单位|哪一级|哪级|哪个机构|什么部门|什么机构"
                        r"|(?:定|管|批|规定|制定)的?[，,]?\s*还是")   # "国家统一定的，还是各地自己定"
_NUMBER_KINDS = ("number", "ratio", "money", "time", "time_limit", "frequency", "date")


# "多开几个月的药，医保会不会拦": in a yes/no question 几 means "a few", it asks no number
_YES_NO = re.compile(r"吗|(?:会|能|可|是|算|要|有|行|让|给)不(?:会|能|可以|可|是|算|要|有|行|让|给)|有没有")


def unit_asked(question: str) -> re.Pattern | None:
    """The number-with-unit a provision must hold to answer "几天 / 几个月 / 几名 …", or None."""
    m = next((m for m in _UNIT_ASKED.finditer(question) if not _indefinite(question, m)), None)
    if m and _WHO_ASKED.search(question, m.end()):
        return None   # "罚款多少元由谁定" asks who
    return _UNIT_ANSWERS[m.group(1)] if m else None


# "借给别的店用几天，会有什么后果": a few days of doing something, said in passing before the question
_FOR_A_FEW = re.compile(r"(?:用|借|住|停|放|待|呆|玩|歇|休息|请假)$")


def _indefinite(question: str, m: re.Match) -> bool:
    """A 几 in a sentence that asks yes or no, or after a verb in a clause that asks nothing."""
    if not m.group(0).startswith("几"):
        return False
    clause_end = min((i for i in (question.find(c, m.end()) for c in "，,。？?！!") if i >= 0), default=len(question))
    if _FOR_A_FEW.search(question[:m.start()]) and question[clause_end:clause_end + 1] not in ("？", "?", ""):
        return True
    start = max(question.rfind(c, 0, m.start()) for c in "？?。！!") + 1
    ends = [i for i in (question.find(c, m.end()) for c in "？?。！!") if i >= 0]
    return bool(_YES_NO.search(question, start, min(ends, default=len(question))))


def wanted(question: str) -> tuple[str, ...]:
    kinds = {name: ask.search(question) for name, (ask, _) in INTENTS.items()}
    who = _WHO_ASKED.search(question)
    if who:   # "乙类药自付比例由谁定": the number named before "谁" is the subject, not the answer
        kinds = {k: m for k, m in kinds.items() if not (m and k in _NUMBER_KINDS and m.end() <= who.start())}
    return tuple(name for name, m in kinds.items() if m)


def holds(kind: str, text: str) -> bool:
    return bool(INTENTS[kind][1].search(text))
