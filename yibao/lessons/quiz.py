"""Quiz items generated from the changes; answers come from the text.

Numbers → choice (distractors: old value, ±10/20 %, other numbers of the clause);
dates → choice (old date, shifted months); obligations → true/false with the
exact clause reference (a flipped modal verb makes a false statement).
"""
from __future__ import annotations

import datetime as dt
import math
import re

from . import facts
from .model import QuizItem


def _fmt_num(x: float, like: str) -> str:
    decimals = len(like.split(".")[1]) if "." in like else 0
    return f"{x:.{decimals}f}" if decimals else str(int(round(x)))


def number_distractors(answer: str, old: list[str], same_clause: list[str], k: int = 3) -> list[str]:
    num, unit = facts.split_value(answer)
    pool: list[str] = []
    same_unit = [o for o in old if facts.split_value(o)[1] == unit and facts.split_value(o)[0]]
    if num:  # the old value nearest in size is the one this answer replaced
        same_unit.sort(key=lambda o: abs(math.log(facts.split_value(o)[0] / num)))
    pool += same_unit[:1]
    if num is not None:
        raw = re.match(r"\d+(?:\.\d+)?", answer).group(0)
        for f in (1.2, 0.8, 1.1, 0.9, 1.5, 0.5):
            cand = _fmt_num(num * f, raw) + unit
            pool.append(cand)
        if num == int(num) and num < 10:  # small counts: neighbours read better than percentages
            pool = [o for o in old] + [f"{int(num) + d}{unit}" for d in (1, -1, 2) if num + d > 0] + pool
    pool += [v for v in same_clause if facts.split_value(v)[1] == unit]
    out: list[str] = []
    for cand in pool:
        if cand != answer and cand not in out and not cand.startswith("0") and cand != unit:
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
    return sentence if i < 0 else sentence[:i] + "（　　）" + sentence[i + len(value):]


def number_item(change: dict, value: str, doc_short: str) -> QuizItem | None:
    sent = facts.sentence_with(change.get("new_text") or "", value)
    if not sent:
        return None
    old_vals = [v for v in (change.get("old_values") or []) if facts.split_value(v)[0] is not None]
    same = [v for v in facts.find_numbers(change.get("new_text") or "") if v != value and v not in sent]
    distractors = number_distractors(value, old_vals, same)
    if len(distractors) < 2:
        return None
    stem = facts.shorten(_blank(sent, value), 120)
    return QuizItem("choice", f"根据《{doc_short}》{change['ref']}，填空：{stem}", value, distractors,
                    change["ref"], f"{change['ref']}原文：{facts.shorten(sent, 120)}")


def date_item(change: dict, value: str, doc_short: str) -> QuizItem | None:
    d = facts.parse_cn_date(value)
    sent = facts.sentence_with(change.get("new_text") or "", value)
    if d is None or not sent:
        return None
    old = [x for x in (facts.parse_cn_date(v) for v in change.get("old_values") or []) if x]
    stem = facts.shorten(_blank(sent, value), 120)
    return QuizItem("choice", f"根据《{doc_short}》{change['ref']}，填空：{stem}", facts.fmt_cn_date(d),
                    date_distractors(d, old), change["ref"], f"{change['ref']}原文：{facts.shorten(sent, 120)}")


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


def effective_item(effective: dt.date, doc_short: str, ref: str) -> QuizItem:
    return QuizItem("choice", f"《{doc_short}》自哪一天起施行（执行）？", facts.fmt_cn_date(effective),
                    date_distractors(effective, []), ref, f"{ref}：自{facts.fmt_cn_date(effective)}起执行。")


def build_quiz(changes: list[dict], doc_short: str, effective: dt.date | None, effective_ref: str,
               limit: int = 5) -> list[QuizItem]:
    """3–5 items: one per change where possible (numbers, dates, obligations), then the 施行 date."""
    items: list[QuizItem] = []
    used_values: set[str] = set()
    flip = False
    for ch in changes:
        if len(items) >= limit:
            break
        item = None
        for v in ch.get("quiz_values") or []:
            if v in used_values:
                continue
            item = date_item(ch, v, doc_short) if facts.parse_cn_date(v) and "年" in v else number_item(ch, v, doc_short)
            if item:
                used_values.add(v)
                break
        if item is None and ch.get("category") in ("obligation", "penalty", "scope", "other") or item is None:
            item = obligation_item(ch, doc_short, make_false=flip)
            if item:
                flip = not flip
        if item and all(item.question != q.question for q in items):
            items.append(item)
    if effective and len(items) < limit and not any(i.answer == facts.fmt_cn_date(effective) for i in items):
        items.append(effective_item(effective, doc_short, effective_ref))
    # second pass: more values or obligations from already used changes
    for ch in changes:
        if len(items) >= 3:
            break
        for v in ch.get("quiz_values") or []:
            if v in used_values or len(items) >= 3:
                continue
            item = number_item(ch, v, doc_short) if not facts.parse_cn_date(v) else date_item(ch, v, doc_short)
            if item:
                used_values.add(v)
                items.append(item)
        if len(items) < 3:
            extra = obligation_item(ch, doc_short, make_false=not flip)
            if extra and all(extra.question != q.question for q in items):
                items.append(extra)
    return items[:limit]
