"""Quiz items generated from the changes; answers come from the text.

Numbers → choice (distractors: old value, ±10/20 %, other numbers of the clause);
dates → choice (old date, shifted months); obligations → true/false with the
exact clause reference (a flipped modal verb makes a false statement).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import zlib

from . import facts
from .model import QuizItem


def _fmt_num(x: float, like: str) -> str:
    decimals = len(like.split(".")[1]) if "." in like else 0
    return f"{x:.{decimals}f}" if decimals else str(int(round(x)))


def number_distractors(answer: str, old: list[str], same_clause: list[str], k: int = 3,
                       paired: list[str] | None = None) -> list[str]:
    """`paired`: the value this answer replaced, when the text says so; it goes first."""
    num, unit = facts.split_value(answer)
    pool: list[str] = list(paired or [])
    same_unit = [o for o in old if facts.split_value(o)[1] == unit and facts.split_value(o)[0]]
    if num:  # the old value nearest in size is the one this answer replaced
        same_unit.sort(key=lambda o: abs(math.log(facts.split_value(o)[0] / num)))
    pool += same_unit[:1]
    if num is not None and unit.startswith("年") and 1900 < num < 2100:  # a year ("2021年底前"): neighbours
        pool += [f"{int(num) + d}{unit}" for d in (-1, 1, 2)]
    elif num is not None:
        # made-up values: how many lie below the answer varies with the answer, so that the answer is not
        # always the second smallest option (a trainer's review: "48 among 58/38/53小时")
        below_first = zlib.crc32(answer.encode()) % 4
        raw = re.match(r"\d+(?:\.\d+)?", answer).group(0)
        below = [_fmt_num(num * f, raw) + unit for f in (0.8, 0.5, 0.6)]
        above = [_fmt_num(num * f, raw) + unit for f in (1.2, 1.5, 2.0)]
        pool += below[:below_first] + above[:3 - below_first] + above + below
        if num == int(num) and num < 10:  # small counts: neighbours read better than percentages
            below = [f"{int(num) - d}{unit}" for d in (1, 2, 3) if num - d > 0]
            above = [f"{int(num) + d}{unit}" for d in (1, 2, 3)]
            pool = [o for o in old] + below[:below_first] + above[:3 - below_first] + above + below + pool
    pool += [v for v in same_clause if facts.split_value(v)[1] == unit]
    out: list[str] = []
    for cand in pool:
        val = facts.split_value(cand)[0]
        if cand != answer and cand not in out and val is not None and val > 0:
            out.append(cand)
    return out[:k]


def _shift_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return dt.date(year, month, day)


def date_distractors(answer: dt.date, old: list[dt.date], k: int = 3) -> list[str]:
    pool = [o for o in old if o != answer] + [_shift_months(answer, s) for s in (1, -1, 3, -3, 6, 12)]
    out: list[str] = []
    for d in pool:
        s = facts.fmt_cn_date(d)
        if d != answer and s not in out:
            out.append(s)
    return out[:k]


def _blank(sentence: str, value: str) -> str:
    i = sentence.find(value)
    return sentence if i < 0 else sentence[:i] + "（\u3000\u3000）" + sentence[i + len(value):]


def number_item(change: dict, value: str, doc_short: str) -> QuizItem | None:
    sent = facts.sentence_with(change.get("new_text") or "", value)
    if not sent:
        return None
    old_vals = [v for v in (change.get("old_values") or []) if facts.split_value(v)[0] is not None]
    same = [v for v in facts.find_numbers(change.get("new_text") or "") if v != value and v not in sent]
    paired = [a for a, b in facts.from_to_pairs(sent) if b == value]  # "从300元提高至520元"
    distractors = number_distractors(value, old_vals, same, paired=paired)
    if len(distractors) < 2:
        return None
    stem = facts.shorten(_blank(sent, value), 120)
    return QuizItem("choice", f"根据《{doc_short}》{change['ref']}，填空：{stem}", value, distractors,
                    change["ref"], f"{change['ref']}原文：{facts.shorten(sent, 120)}")


def date_item(change: dict, value: str, doc_short: str) -> QuizItem | None:
    m = facts.DATE_RE.search(value)
    d = facts.parse_cn_date(value)
    sent = facts.sentence_with(change.get("new_text") or "", value)
    if d is None or not sent or not m:
        return None
    stem = facts.shorten(_blank(sent, value), 120)
    if m["d"]:
        old = [x for x in (facts.parse_cn_date(v) for v in change.get("old_values") or []) if x]
        answer, distractors = facts.fmt_cn_date(d), date_distractors(d, old)
    else:  # "2023年12月底": keep the text's own form
        suffix = value.split("月", 1)[1]
        answer = value
        distractors = []
        for shift in (1, -1, 3):
            x = _shift_months(d, shift)
            cand = f"{x.year}年{x.month}月{suffix}"
            if cand != answer and cand not in distractors:
                distractors.append(cand)
    return QuizItem("choice", f"根据《{doc_short}》{change['ref']}，填空：{stem}", answer, distractors,
                    change["ref"], f"{change['ref']}原文：{facts.shorten(sent, 120)}")


def obligation_item(change: dict, doc_short: str, make_false: bool) -> QuizItem | None:
    sents = facts.obligation_sentences(change.get("new_text") or "")
    if not sents:
        return None
    sent = sents[0]
    statement, answer = sent, "正确"
    if make_false:
        flipped = facts.flip_obligation(sent)
        if flipped:
            statement, answer = flipped, "错误"
    return QuizItem("truefalse", f"判断：根据《{doc_short}》{change['ref']}，“{facts.shorten(statement, 110)}”",
                    answer, ["错误" if answer == "正确" else "正确"], change["ref"],
                    f"{change['ref']}原文：{facts.shorten(sent, 120)}")


def old_wording_item(change: dict, doc_short: str) -> QuizItem | None:
    """A modified clause: its old wording, presented as the new rule, is false."""
    old, new = change.get("old_text") or "", change.get("new_text") or ""
    if change.get("kind") != "modified" or not old or not new:
        return None
    new_sents = set(facts.sentences(new))
    old_only = [x for x in facts.sentences(old) if x not in new_sents and 8 <= len(x) <= 120]
    if not old_only:
        return None
    new_first = next((x for x in facts.sentences(new) if x not in set(facts.sentences(old))), new)
    return QuizItem("truefalse", f"判断：修订后《{doc_short}》{change['ref']}规定：“{facts.shorten(old_only[0], 110)}”",
                    "错误", ["正确"], change["ref"],
                    f"这是修订前的表述。{change['ref']}现为：{facts.shorten(new_first, 120)}")


def statement_item(change: dict, doc_short: str) -> QuizItem | None:
    """A provision of a new document, stated as it is: true."""
    sents = [x for x in facts.sentences(change.get("new_text") or "") if 8 <= len(x) <= 120]
    if not sents:
        return None
    return QuizItem("truefalse", f"判断：根据《{doc_short}》{change['ref']}，“{sents[0]}”", "正确", ["错误"],
                    change["ref"], f"{change['ref']}原文如此。")


def changed_clause_item(change: dict, doc_short: str) -> QuizItem:
    verb = {"added": "新增了", "removed": "删除了"}.get(change.get("kind"), "调整了")
    return QuizItem("truefalse", f"判断：本次《{doc_short}》{verb}{change['ref']}的内容。", "正确", ["错误"],
                    change["ref"], f"{change['ref']}：{facts.shorten(change.get('text') or '', 100)}")


def unchanged_clause_item(ref: str, doc_short: str) -> QuizItem:
    return QuizItem("truefalse", f"判断：本次《{doc_short}》对{ref}作了实质性修改。", "错误", ["正确"], ref,
                    f"{ref}本次没有实质变化。")


def effective_item(effective: dt.date, doc_short: str, ref: str) -> QuizItem:
    return QuizItem("choice", f"《{doc_short}》自哪一天起施行（执行）？", facts.fmt_cn_date(effective),
                    date_distractors(effective, []), ref, f"{ref}：自{facts.fmt_cn_date(effective)}起执行。")


def _candidates(ch: dict, doc_short: str, flip: list[bool]) -> list[QuizItem]:
    out: list[QuizItem] = []
    for v in ch.get("quiz_values") or []:
        full_date = facts.DATE_RE.fullmatch(v)
        item = date_item(ch, v, doc_short) if full_date else number_item(ch, v, doc_short)
        if item:
            out.append(item)
    ob = obligation_item(ch, doc_short, make_false=flip[0])
    if ob:
        flip[0] = not flip[0]
        out.append(ob)
    ow = old_wording_item(ch, doc_short)
    if ow:
        out.append(ow)
    if ch.get("provision"):
        st = statement_item(ch, doc_short)
        if st:
            out.append(st)
    else:
        out.append(changed_clause_item(ch, doc_short))
    return out


def build_quiz(changes: list[dict], doc_short: str, effective: dt.date | None, effective_ref: str,
               limit: int = 5, unchanged_refs: list[str] | None = None,
               background: list[dict] | None = None) -> list[QuizItem]:
    """3–5 items, one per change first (values, obligations, old wording), then more per change,
    the 施行 date; if still short, items from the document's other changes (`background`) and
    yes/no on clauses that did not change."""
    flip = [False]
    per_change = [_candidates(ch, doc_short, flip) for ch in changes]
    items: list[QuizItem] = []
    seen: set[str] = set()

    def add(item: QuizItem) -> None:
        if len(items) < limit and item.question not in seen:
            seen.add(item.question)
            items.append(item)

    for cands in per_change:
        if cands:
            add(cands[0])
    if effective and not any(i.answer == facts.fmt_cn_date(effective) for i in items):
        if len(items) >= limit:
            items.pop()
        add(effective_item(effective, doc_short, effective_ref))
    depth = 1
    while len(items) < limit and any(len(c) > depth for c in per_change):
        for cands in per_change:
            if len(cands) > depth:
                add(cands[depth])
        depth += 1
    for ch in background or []:
        if len(items) >= 3:
            break
        for cand in _candidates(ch, doc_short, flip)[:1]:
            add(cand)
    for ref in unchanged_refs or []:
        if len(items) >= 3:
            break
        add(unchanged_clause_item(ref, doc_short))
    return items
