"""Facts of a sentence: numbers with unit and measure, dates, time limits, lists, 发文字号.

A number is never cut from its unit: "2个百分点", "6个月", "15个工作日内", "800元".
Spans are claimed in order (文号, dates, time limits, numbers) so a number inside
a date or a 文号 is not read again.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from .clauses import cn_to_int, ClauseParseError
from .dates import DATE_AR, DATE_CN, date_from_match
from .docnumber import find_doc_numbers_flat
from .model import Fact

# bounded runs: a long string of numerals must not make every start position scan to its end
_NUM = r"(?:\d{1,12}(?:[.．]\d{1,6})?|[一二三四五六七八九十百千万两〇零]{1,10}(?:点[一二三四五六七八九〇零]{1,4})?)"
# longest units first
UNITS = ("个百分点", "个工作日", "个自然日", "个日历日", "个月", "个季度", "个年度", "个统筹地区", "个品种", "个病种",
         "个批次", "万亿元", "亿元", "万元", "千元", "元/人", "元/日", "元/天", "元/次", "元", "%", "％", "‰", "倍",
         "工作日", "自然日", "周岁", "岁", "小时", "分钟", "天", "日", "周", "月", "年度", "年",
         "人次", "人", "名", "家", "所", "种", "项", "次", "类", "级", "例", "份", "张", "盒", "床日", "床", "分值", "分",
         "批", "组", "条", "章", "版", "位", "角", "分钱", "号", "个")
# one regex for every number+unit in yibao (the diff tokenizer uses it too), longest unit first
UNIT_PATTERN = "(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + ")"
_UNIT_RX = UNIT_PATTERN[3:-1]
NUMBER = re.compile(rf"(?<![\d.．A-Za-z第])(?P<num>{_NUM})(?P<unit>{_UNIT_RX})(?P<tail>以上|以下|以内|左右|内)?")
PERCENT_FIRST = re.compile(r"百分之(?P<num>[一二三四五六七八九十百零〇点]{1,8}|\d{1,6}(?:\.\d{1,4})?)")
TIME_LIMIT = re.compile(
    rf"(?:(?:(?:19|20)\d{{2}}|[一二三四五六七八九〇零]{{4}})年)?(?:(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})月)?"
    rf"(?:(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})日)?(?:年)?(?:底|末|中旬|上旬|下旬|前)+前?"
    rf"|(?P<dur>{_NUM})(?P<unit>个工作日|个自然日|个月|工作日|自然日|日|天|小时|年|周)(?:以)?内")
_MEASURE_STRIP_TAIL = re.compile(
    r"(?:原则上|分别|统一|一般|最高|最低|最多|最少|暂按|按照|按|为|是|达到|达|不超过|超过|不低于|低于|不少于|少于|不高于|高于|"
    r"不足|满|提高至|提高到|提高|降低至|降低到|降低|下调|上调|调整为|调整至|增加|减少|从|由|至|到|在|约|共|每|累计|连续|的|了|给予|控制在|"
    r"不得|应当|应|须|必须|可以|可|最长|最短|超过|不再)+$")
_MEASURE_STRIP_HEAD = re.compile(r"^(?:处(?!方)|其中|对于|对|将|把|凡|因|如|若|同时|并|且|和|及|或|是|原|现|各|等)+")
_MEASURE_CLAUSE_HEAD = re.compile(r"^.*(?:的|在|于|将|对|与|和|及|或|由|把|向|但是|但|并|且|如|若|当|从|自|经|按|据)")
_LIST_LEAD = re.compile(r"^.*(?:包括|如|含|对|将|把|的|为|是|在|开展|存在|实施|严禁|禁止|不得|重点|打击|查处|整治|遵守|遵循|应当|等|"
                        r"采取|锁定|通过|根据|结合|承担|实现|符合|注明|落实|完善|涉及|推进|加强|强化|做好|按照|依据|坚持|"
                        r"围绕|聚焦|由|从|起|必须|可|也|并|均|还)")
_LIST_ITEM_MAX = 12
_ZH_TO_DIGIT = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _value(num: str) -> str:
    num = num.translate(_ZH_TO_DIGIT)
    if re.fullmatch(r"\d+(?:\.\d+)?", num):
        return num
    whole, _, frac = num.partition("点")
    try:
        if "万" in whole:
            hi, _, lo = whole.partition("万")
            v = (cn_to_int(hi) if hi else 1) * 10000 + (cn_to_int(lo) if lo else 0)
        else:
            v = cn_to_int(whole)
    except ClauseParseError:
        return num
    if frac:
        return f"{v}." + "".join(str("〇一二三四五六七八九".index(c)) if c in "〇一二三四五六七八九" else "0" for c in frac)
    return str(v)


_DEADLINE = re.compile(r"^(?P<y>(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})年(?:(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})月)?"
                       r"(?:(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日)?")


def deadline_value(text: str) -> str | None:
    """The last day a deadline allows: "2025年底前" → 2025-12-31, "2026年6月底前" → 2026-06-30,
    "2026年3月1日前" → 2026-02-28 (the day before); None without a year."""
    m = _DEADLINE.match(text)
    if not m:
        return None
    y = m["y"] if m["y"].isdigit() else "".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in m["y"])
    year = int(y)
    month = int(_value(m["m"])) if m["m"] else 12
    if not 1 <= month <= 12:
        return None
    if m["d"]:
        try:
            day = dt.date(year, month, int(_value(m["d"])))
        except ValueError:
            return None
        return (day - dt.timedelta(days=1)).isoformat() if text[m.end():].startswith(("前", "以前", "之前")) else day.isoformat()
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def measure_before(sentence: str, start: int) -> str | None:
    """What a number measures: the noun phrase before it in its clause ("起付标准为800元" → "起付标准")."""
    seg = re.split(r"[，,。；;：:！？、（）()“”]", sentence[:start])[-1]
    pieces = [_MEASURE_STRIP_HEAD.sub("", _MEASURE_STRIP_TAIL.sub("", p))
              for p in re.split(r"[\d.]+|[一二三四五六七八九十]+(?=个|倍|元|%)", seg)]
    # "起付标准由800元降低至600元": 起付标准 (before the first number); "2026年底前…资金的80%": the words before this one
    seg = pieces[0] if len(pieces[0]) >= 2 else next((p for p in reversed(pieces) if len(p) >= 2), "")
    tail = _MEASURE_CLAUSE_HEAD.sub("", seg)   # "定点医疗机构在医保协议中止" → "医保协议中止"
    seg = tail if len(tail) >= 3 else seg
    seg = seg[-12:]
    return seg if len(seg) >= 2 else None


def _measure_after(sentence: str, end: int) -> str | None:
    m = re.match(r"(?:以上|以下|以内|内)?(?:的)?(?:将|把|对|向|由|要|应当?|须|必须)?([^，,。；;：:、（）()]{2,10})", sentence[end:])
    return m.group(1) if m else None


def facts_of(sentence: str) -> tuple[Fact, ...]:
    facts: list[tuple[int, Fact]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(a: int, b: int, fact: Fact) -> None:
        taken.append((a, b))
        facts.append((a, fact))

    if not re.search(r"[\d０-９一二三四五六七八九十百两〇零]", sentence):
        return _lists(sentence, facts, free, add)
    for n in (find_doc_numbers_flat(sentence) if "号" in sentence else ()):
        if n.start >= 0 and free(n.start, n.end):
            add(n.start, n.end, Fact("doc_number", sentence[n.start:n.end], n.canonical, None, None))
    for rx in (DATE_AR, DATE_CN) if "年" in sentence else ():
        for m in rx.finditer(sentence):
            d = date_from_match(m)
            if not d or not free(m.start(), m.end()):
                continue
            tail = re.match(r"起施行|起实施|起执行|起|前|以前|之前|底前", sentence[m.end():])
            end = m.end() + (len(tail.group(0)) if tail else 0)
            kind = "time_limit" if tail and "前" in tail.group(0) else "date"
            measure = "施行" if tail and tail.group(0).startswith("起") else measure_before(sentence, m.start())
            add(m.start(), end, Fact(kind, sentence[m.start():end], d.isoformat(), None, measure))
    for m in TIME_LIMIT.finditer(sentence) if ("前" in sentence or "内" in sentence) else ():
        text = m.group(0)
        if len(text) < 3 or not free(m.start(), m.end()) or not re.search(r"\d|[一二三四五六七八九十]", text):
            continue
        if m.group("dur"):
            value, unit = _value(m.group("dur")), m.group("unit")
        else:
            value, unit = deadline_value(text), None
        add(m.start(), m.end(), Fact("time_limit", text, value, unit, _measure_after(sentence, m.end())
                                     or measure_before(sentence, m.start())))
    for m in PERCENT_FIRST.finditer(sentence) if "百分之" in sentence else ():
        if free(m.start(), m.end()):
            add(m.start(), m.end(), Fact("number", m.group(0), _value(m.group("num")), "%",
                                         measure_before(sentence, m.start())))
    for m in NUMBER.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        num, unit = m.group("num"), m.group("unit")
        if not re.search(r"\d", num) and len(num) == 1 and (
                unit in ("次", "批", "分", "级", "类", "条", "章", "号", "位", "组", "份", "例", "版")
                or num in ("一", "两") and unit in ("项", "个", "种", "家", "名", "人")):
            continue   # "二次议价", "成熟一批", "一项", "两个": words, not quantities
        measure = measure_before(sentence, m.start()) or _measure_after(sentence, m.end())
        if unit in ("年", "年度") and re.fullmatch(r"(?:19|20)\d{2}", num):   # "2024年": a year, not 2024 years
            add(m.start(), m.end(), Fact("date", m.group(0), num, None, measure))
            continue
        add(m.start(), m.end(), Fact("number", m.group(0), _value(num), unit, measure))
    return _lists(sentence, facts, free, add)


_LIST_CHUNK = re.compile(r"[^，,。；;：:“”《》（）()\s]+")


def _lists(sentence: str, facts: list, free, add) -> tuple[Fact, ...]:
    """Runs of 、-separated items inside one clause (split by hand: a regex over thousands of items backtracks)."""
    for m in _LIST_CHUNK.finditer(sentence) if "、" in sentence else ():
        chunk = m.group(0)
        if chunk.count("、") < 2 or not free(m.start(), m.end()):
            continue
        items = chunk.split("、")
        items[0] = _LIST_LEAD.sub("", items[0]) or items[0]
        items[-1] = re.sub(r"等.*$", "", items[-1])
        items = [i for i in items if len(i) >= 2]
        if len(items) >= 3 and all(len(i) <= _LIST_ITEM_MAX and "的" not in i[1:] for i in items):
            add(m.start(), m.end(), Fact("list", "、".join(items), None, None, measure_before(sentence, m.start()),
                                         tuple(items)))
    return tuple(f for _, f in sorted(facts, key=lambda p: p[0]))
