"""Rule-based categories of a clause change (number, date, obligation, scope, penalty, wording)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from yibao.diff.inline import edit_ranges, side_text
from yibao.diff.model import Span
from yibao.diff.tokens import value_matches, wording_shadow

# order = precedence of the primary category
PRIMARY_ORDER = ("number", "date", "obligation", "penalty", "scope", "other")
PENALTY_RE = re.compile(
    r"处罚|罚款|违约金|违约责任|暂停|中止|终止|解除|追回|扣除|扣减|拒付|不予支付|约谈|通报|责令|整改|"
    r"移交|移送|没收|黑名单|信用|处理|处分|违规|违法|欺诈|骗保|取消")
SCOPE_RE = re.compile(
    r"适用|范围|对象|参保人|职工|居民|城乡|人员|患者|定点|医疗机构|药店|统筹地区|统筹区|异地|跨省|"
    r"门诊|住院|病种|险种|生育保险|工伤保险|长期护理|限于|仅限|除外|包括|不包括|含|以外")


@dataclass
class Classification:
    category: str
    categories: list[str]
    old_values: list[str]
    new_values: list[str]


def _overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in ranges)


def _values_in(text: str, ranges: list[tuple[int, int]]) -> list[tuple[str, str]]:
    return [(value, kind) for s, e, value, kind in value_matches(text) if _overlaps(s, e, ranges)]


def classify_spans(spans: list[Span]) -> Classification:
    """Categories from what the delete/insert spans touch."""
    old, new = side_text(spans, "old"), side_text(spans, "new")
    if wording_shadow(old) == wording_shadow(new):
        return Classification("wording", ["wording"], [], [])
    dels, ins = edit_ranges(spans)
    old_vals = _values_in(old, dels)
    new_vals = _values_in(new, ins)
    cats: set[str] = {kind for _, kind in old_vals + new_vals}
    # an obligation word counts only when the set of obligation words really changed
    if "obligation" in cats:
        o = sorted(v for v, k in old_vals if k == "obligation")
        n = sorted(v for v, k in new_vals if k == "obligation")
        if o == n:
            cats.discard("obligation")
    edited = "".join(s.text for s in spans if s.op != "equal")
    context = edited + "".join(_context_around(spans))
    if PENALTY_RE.search(edited) or (PENALTY_RE.search(context) and cats & {"number", "date"}):
        cats.add("penalty")
    if SCOPE_RE.search(edited):
        cats.add("scope")
    if not cats:
        cats.add("other")
    ordered = [c for c in PRIMARY_ORDER if c in cats]
    return Classification(ordered[0], ordered, [v for v, _ in old_vals], [v for v, _ in new_vals])


def _context_around(spans: list[Span], width: int = 12) -> list[str]:
    out = []
    for i, s in enumerate(spans):
        if s.op != "equal":
            continue
        if i + 1 < len(spans) and spans[i + 1].op != "equal":
            out.append(s.text[-width:])
        if i > 0 and spans[i - 1].op != "equal":
            out.append(s.text[:width])
    return out


def classify_whole(text: str) -> Classification:
    """Categories of an added or removed clause, from its whole text."""
    vals = value_matches(text)
    cats = {k for _, _, _, k in vals}
    if PENALTY_RE.search(text):
        cats.add("penalty")
    if SCOPE_RE.search(text):
        cats.add("scope")
    if not cats:
        cats.add("other")
    ordered = [c for c in PRIMARY_ORDER if c in cats]
    return Classification(ordered[0], ordered, [v for _, _, v, _ in vals], [])
