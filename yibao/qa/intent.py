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
    "time": (re.compile(r"多久|多长时间|多少天|几天|几个月|几年|期限|什么时候|哪天|何时|最长|最晚|截止|时限|多少个工作日"),
             re.compile(rf"{_CN}(?:个)?(?:工作日|日|天|个月|月|年|小时)|\d{{4}}年\d{{1,2}}月|[年月]底前|期满前|之日起")),
    "number": (re.compile(r"多少|几个|几名|几人|几次|比例|标准是|几分|几项"),
               re.compile(rf"{_CN}(?:名|人|次|分|项|种|家|元|万元|%|％|个百分点|倍)|\d+(?:\.\d+)?[%％]|百分之")),
    "calculation": (re.compile(r"怎么算|如何算|怎样算|怎么计算|如何计算|怎样计算|算出来|计算方法|算法"),
                    re.compile(r"计算|乘以|除以|公式|折算|核算")),
    "frequency": (re.compile(r"(?:多久|多长时间|几年|几个月|几天)[^，。？?]{0,6}一次|(?:一年|每年|每月|一个月)[^，。？?]{0,4}几次|多少次"),
                  re.compile(rf"每(?:年|月|季度|季|周|日|天|{_CN}(?:年|个月|月|日|天))|{_CN}次|一年一")),
}
# kinds of answer without which a provision cannot answer at all: "护士执业证多久注册一次" is not
# answered by a provision that mentions 护士 执业 注册 but no frequency
REQUIRED = ("frequency",)


def wanted(question: str) -> tuple[str, ...]:
    return tuple(name for name, (ask, _) in INTENTS.items() if ask.search(question))


def holds(kind: str, text: str) -> bool:
    return bool(INTENTS[kind][1].search(text))
