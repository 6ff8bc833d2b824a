"""Short Markdown summary of a DiffResult."""
from __future__ import annotations

from collections import Counter

from yibao.diff.model import ClauseChange, DiffResult

CATEGORY_ZH = {"number": "数值", "date": "日期", "obligation": "义务用语", "scope": "适用范围",
               "penalty": "处罚/责任", "wording": "文字表述", "other": "其他"}
KIND_ZH = {"modified": "修改", "added": "新增", "removed": "删除", "renumbered": "序号调整",
           "moved": "移动", "merged": "合并", "split": "拆分"}


def _snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _values(values: list[str], limit: int = 6) -> str:
    if not values:
        return "—"
    shown = "、".join(values[:limit])
    return shown + (f"…（共{len(values)}项）" if len(values) > limit else "")


def refs(ch: ClauseChange) -> str:
    if ch.old_ref and ch.new_ref and ch.old_ref != ch.new_ref:
        return f"{ch.old_ref} → {ch.new_ref}"
    return ch.new_ref or ch.old_ref or "?"


def change_line(ch: ClauseChange) -> str:
    """One Markdown line: "- 第十二条 → 第十三条: 50% → 60% (number; 修改)"."""
    return f"- {refs(ch)}: {change_what(ch)} ({ch.category}; {KIND_ZH.get(ch.kind, ch.kind)})"


def change_what(ch: ClauseChange) -> str:
    """What changed in one clause, in a few words: "50% → 60%", "新增：……"."""
    if ch.old_values or ch.new_values:
        what = f"{_values(ch.old_values)} → {_values(ch.new_values)}"
        if ch.kind == "added":
            what = f"新增：{_snippet(ch.new_text)}"
        elif ch.kind == "removed":
            what = f"删除：{_snippet(ch.old_text)}"
    elif ch.kind == "added":
        what = f"新增：{_snippet(ch.new_text)}"
    elif ch.kind == "removed":
        what = f"删除：{_snippet(ch.old_text)}"
    else:
        dels = "".join(s.text for s in ch.spans if s.op == "delete")
        ins = "".join(s.text for s in ch.spans if s.op == "insert")
        what = f"“{_snippet(dels, 30)}” → “{_snippet(ins, 30)}”" if dels and ins else \
            (f"增加“{_snippet(ins, 40)}”" if ins else f"删去“{_snippet(dels, 40)}”")
    return what


def summary_sentences(result: DiffResult) -> list[str]:
    """The plain sentences of the summary: counts, hidden wording, renumbering, truncation."""
    material = [c for c in result.changes if c.material]
    cats = Counter(c.category for c in material)
    renumbered = [c for c in result.changes if c.kind == "renumbered"]
    moved_plain = [c for c in result.changes if not c.material and c.kind != "renumbered"]
    lines = []
    if not result.changes:
        lines.append("两个版本无实质性差异。")
    else:
        counts = "，".join(f"{CATEGORY_ZH[k]} {v}" for k, v in sorted(cats.items(), key=lambda kv: -kv[1]))
        lines.append(f"实质性变化 {len(material)} 处" + (f"（{counts}）" if counts else "") + "。")
    if result.hidden_wording:
        lines.append(f"另有 {result.hidden_wording} 处仅文字/标点/排版调整，已隐藏。")
    if renumbered:
        sample = "，".join(f"{c.old_ref}→{c.new_ref}" for c in renumbered[:3])
        lines.append(f"条款序号调整 {len(renumbered)} 处（{sample}{'…' if len(renumbered) > 3 else ''}），内容未变。")
    if moved_plain:
        lines.append(f"内容未变但位置调整/合并/拆分 {len(moved_plain)} 处。")
    if result.stats.get("truncated_old") or result.stats.get("truncated_new"):
        lines.append("注意：至少一个版本为节选（末尾截断），仅比较双方共同覆盖的部分。")
    return lines


def render_markdown(result: DiffResult) -> str:
    material = [c for c in result.changes if c.material]
    lines = ["## 条款对照摘要", "", *summary_sentences(result)]
    if material:
        lines += ["", "### 实质性变化", ""] + [change_line(c) for c in material]
    return "\n".join(lines) + "\n"
