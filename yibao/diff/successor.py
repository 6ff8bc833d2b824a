"""A successor document against the earlier one: what is new or different, provision by provision.

A later notice on the same topic that does not repeal the earlier one is not a new version of it: its
clauses are not renumbered copies.  So provisions are paired by content (character-bigram similarity with
numbers masked, whatever their labels or position), and the result says, per provision:
  - new obligations (and other new provisions),
  - changed numbers, both values with their unit and what they measure ("起付标准：800元 → 600元"),
  - a changed modality (可以 → 应当),
  - provisions the new document no longer has.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from yibao.diff.tokens import bigrams
from yibao.document import Document, Fact, Provision, iter_provisions

PAIR_THRESHOLD = 0.45      # similarity to take two provisions as the same provision
SAME_TEXT = 0.97           # above this (numbers masked), only numbers or wording changed
_BINDING = ("prohibition", "penalty", "obligation")
_MODAL_CN = {"prohibition": "禁止", "penalty": "处罚", "obligation": "应当", "permission": "可以", "statement": "陈述"}
_NUMBER_MASK = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九十百千万两]+(?=个|倍|元|%|年|月|日|天|人|项|种|家|名|次)")


@dataclass
class NumberChange:
    measure: str | None
    old: Fact | None
    new: Fact | None

    @property
    def line(self) -> str:
        what = f"{self.measure}：" if self.measure else ""
        old = self.old.text if self.old else "（原通知未规定）"
        new = self.new.text if self.new else "（新通知不再规定）"
        return f"{what}{old} → {new}"


@dataclass
class SuccessorItem:
    kind: str                  # "new_obligation" | "new" | "changed" | "dropped"
    old: Provision | None
    new: Provision | None
    numbers: list[NumberChange] = field(default_factory=list)
    modality_change: tuple[str, str] | None = None
    similarity: float = 0.0
    folded: list[Provision] = field(default_factory=list)   # sub-provisions new/dropped along with this one

    @property
    def ref(self) -> str:
        p = self.new or self.old
        return p.ref or p.id

    def to_dict(self) -> dict:
        return {"kind": self.kind, "old_ref": self.old.ref if self.old else None,
                "new_ref": self.new.ref if self.new else None,
                "old_text": self.old.text if self.old else None, "new_text": self.new.text if self.new else None,
                "modality": (self.new or self.old).modality,
                "modality_change": list(self.modality_change) if self.modality_change else None,
                "numbers": [n.line for n in self.numbers], "similarity": round(self.similarity, 3),
                "folded": [p.ref or p.id for p in self.folded]}


@dataclass
class SuccessorComparison:
    old_title: str | None
    new_title: str | None
    items: list[SuccessorItem]
    unchanged: int

    def of_kind(self, *kinds: str) -> list[SuccessorItem]:
        return [i for i in self.items if i.kind in kinds]

    def to_dict(self) -> dict:
        return {"old_title": self.old_title, "new_title": self.new_title, "unchanged": self.unchanged,
                "items": [i.to_dict() for i in self.items]}


def _units(doc: Document) -> list[Provision]:
    """Provisions that say something: not bare chapter headings, not the purpose paragraph."""
    out = []
    for p in iter_provisions(doc):
        if p.level in ("chapter", "section") or p.is_purpose or len(p.text) < 6:
            continue
        out.append(p)
    return out


def _grams(p: Provision) -> frozenset[str]:
    return bigrams(_NUMBER_MASK.sub("#", (p.heading or "") + p.text))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _pair(old: list[Provision], new: list[Provision]) -> list[tuple[int, int, float]]:
    """Best pairs by content, greedy on similarity (labels and positions do not count)."""
    og, ng = [_grams(p) for p in old], [_grams(p) for p in new]
    cands = []
    for i, a in enumerate(og):
        for j, b in enumerate(ng):
            if not a or not b or min(len(a), len(b)) / max(len(a), len(b)) < 0.2:
                continue
            s = _dice(a, b)
            if s >= PAIR_THRESHOLD:
                cands.append((s, i, j))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_o, used_n, pairs = set(), set(), []
    for s, i, j in cands:
        if i in used_o or j in used_n:
            continue
        used_o.add(i)
        used_n.add(j)
        pairs.append((i, j, s))
    return pairs


def _number_key(f: Fact) -> str:
    return f"{f.measure or ''}|{f.unit or f.kind}"


def number_changes(old: Provision, new: Provision) -> list[NumberChange]:
    """Numbers, dates and time limits whose value changed, paired by measure and unit."""
    kinds = ("number", "time_limit", "date")
    olds = [f for f in old.facts if f.kind in kinds]
    news = [f for f in new.facts if f.kind in kinds]
    old_texts, new_texts = {f.text for f in olds}, {f.text for f in news}
    olds = [f for f in olds if f.text not in new_texts]
    news = [f for f in news if f.text not in old_texts]
    out: list[NumberChange] = []
    for f in list(olds):
        match = next((g for g in news if _number_key(g) == _number_key(f)), None) \
            or next((g for g in news if g.unit == f.unit and g.kind == f.kind), None)
        if match:
            news.remove(match)
            olds.remove(f)
            out.append(NumberChange(match.measure or f.measure, f, match))
    out += [NumberChange(f.measure, f, None) for f in olds]
    out += [NumberChange(f.measure, None, f) for f in news]
    return out


def _fold(items: list[SuccessorItem], kind_side: str) -> list[SuccessorItem]:
    """A new (or dropped) provision carries its new (dropped) sub-provisions: one item, not one per item."""
    kept: list[SuccessorItem] = []
    by_id: dict[str, SuccessorItem] = {}
    for it in items:
        p = it.new if kind_side == "new" else it.old
        parent_id = p.id.rsplit("/", 1)[0] if "/" in p.id else None
        host = None
        while parent_id:
            host = by_id.get(parent_id)
            if host:
                break
            parent_id = parent_id.rsplit("/", 1)[0] if "/" in parent_id else None
        if host:
            host.folded.append(p)
            if kind_side == "new" and p.modality in _BINDING:
                host.kind = "new_obligation"
            by_id[p.id] = host
            continue
        by_id[p.id] = it
        kept.append(it)
    return kept


def compare_successor(old_doc: Document, new_doc: Document) -> SuccessorComparison:
    old_units, new_units = _units(old_doc), _units(new_doc)
    pairs = _pair(old_units, new_units)
    paired_old = {i for i, _, _ in pairs}
    paired_new = {j for _, j, _ in pairs}
    changed: list[SuccessorItem] = []
    unchanged = 0
    for i, j, s in sorted(pairs, key=lambda p: p[1]):
        o, n = old_units[i], new_units[j]
        nums = number_changes(o, n)
        modal = (o.modality, n.modality) if o.modality != n.modality else None
        if not nums and not modal and s >= SAME_TEXT:
            unchanged += 1
            continue
        changed.append(SuccessorItem("changed", o, n, nums, modal, s))
    new_items = _fold([SuccessorItem("new_obligation" if new_units[j].modality in _BINDING else "new", None,
                                     new_units[j]) for j in range(len(new_units)) if j not in paired_new], "new")
    dropped = _fold([SuccessorItem("dropped", old_units[i], None) for i in range(len(old_units))
                     if i not in paired_old], "old")
    order = {p.id: k for k, p in enumerate(new_units)}
    items = sorted(new_items + changed, key=lambda it: order.get(it.new.id, 0)) + dropped
    return SuccessorComparison(old_doc.title, new_doc.title, items, unchanged)


# --------------------------------------------------------------------------- rendering

_HEADINGS = (("new_obligation", "新增的义务、禁止和罚则"), ("changed", "有变化的规定"), ("new", "其他新增内容"),
             ("dropped", "新通知不再写入的规定"))


def _quote(p: Provision, limit: int = 160) -> str:
    """The provision's first whole sentences up to about `limit` characters (never cut inside a sentence)."""
    out = ""
    for s in p.sentences or []:
        if out and len(out) + len(s.text) > limit:
            break
        out += s.text
    return out or p.text


def render_successor_markdown(cmp: SuccessorComparison) -> str:
    lines = [f"# 与前一通知相比：新增与变化", "",
             f"- 前一通知：{cmp.old_title or '（无标题）'}", f"- 新通知：{cmp.new_title or '（无标题）'}",
             f"- 新增义务 {len(cmp.of_kind('new_obligation'))} 条，变化 {len(cmp.of_kind('changed'))} 条，"
             f"其他新增 {len(cmp.of_kind('new'))} 条，不再写入 {len(cmp.of_kind('dropped'))} 条，"
             f"内容相同 {cmp.unchanged} 条", ""]
    for kind, heading in _HEADINGS:
        group = cmp.of_kind(kind)
        if not group:
            continue
        lines += [f"## {heading}", ""]
        for it in group:
            if kind == "changed":
                lines.append(f"- **{it.new.ref or it.new.id}**（原 {it.old.ref or it.old.id}）：{_quote(it.new)}")
                for n in it.numbers:
                    lines.append(f"  - 数值：{n.line}")
                if it.modality_change:
                    a, b = it.modality_change
                    lines.append(f"  - 约束：{_MODAL_CN[a]} → {_MODAL_CN[b]}")
                if not it.numbers and not it.modality_change:
                    lines.append(f"  - 原文：{_quote(it.old)}")
            else:
                p = it.new or it.old
                extra = f"（含 {len(it.folded)} 项）" if it.folded else ""
                lines.append(f"- **{p.ref or p.id}**{extra}：{_quote(p)}")
        lines.append("")
    return "\n".join(lines)


def render_successor_html(cmp: SuccessorComparison) -> str:
    e = html.escape
    parts = ["<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>与前一通知相比</title>",
             "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}li{margin:.4rem 0}"
             ".num{color:#a40}.ref{font-weight:bold}</style></head><body>",
             f"<h1>与前一通知相比：新增与变化</h1><p>前一通知：{e(cmp.old_title or '')}<br>新通知：{e(cmp.new_title or '')}</p>"]
    for kind, heading in _HEADINGS:
        group = cmp.of_kind(kind)
        if not group:
            continue
        parts.append(f"<h2>{e(heading)}</h2><ul>")
        for it in group:
            p = it.new or it.old
            parts.append(f"<li><span class='ref'>{e(p.ref or p.id)}</span> {e(_quote(p))}")
            if it.numbers:
                parts.append("<ul>" + "".join(f"<li class='num'>{e(n.line)}</li>" for n in it.numbers) + "</ul>")
            if it.modality_change:
                a, b = it.modality_change
                parts.append(f"<div>约束：{e(_MODAL_CN[a])} → {e(_MODAL_CN[b])}</div>")
            parts.append("</li>")
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "".join(parts)
