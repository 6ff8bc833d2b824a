"""Where lesson "changes" come from: the diff helper's `compare_texts`, or, for a
new document, its key provisions (clauses with numbers, dates, obligations).

`fallback_compare` is a small clause-by-label comparison used only when
`yibao.diff` is not importable, so the CLI keeps working on plain files.
"""
from __future__ import annotations

import difflib
import re

from . import facts


def _parse(text: str):
    from yibao.document.clauses import normalize_text, parse_clauses
    return parse_clauses(normalize_text(text))


def _category(old: str, new: str) -> tuple[str, list[str]]:
    cats = []
    if set(facts.find_dates(old)) != set(facts.find_dates(new)):
        cats.append("date")
    if set(facts.find_numbers(old)) != set(facts.find_numbers(new)):
        cats.append("number")
    if facts.PENALTY_RE.findall(old) != facts.PENALTY_RE.findall(new):
        cats.append("penalty")
    if facts.OBLIGATION_RE.findall(old) != facts.OBLIGATION_RE.findall(new):
        cats.append("obligation")
    if not cats:
        cats.append("wording" if _similar(old, new) > 0.9 else "other")
    return cats[0], cats


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _spans(old: str, new: str) -> list[dict]:
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append({"op": "equal", "text": old[i1:i2]})
        else:
            if i2 > i1:
                out.append({"op": "delete", "text": old[i1:i2]})
            if j2 > j1:
                out.append({"op": "insert", "text": new[j1:j2]})
    return out


def _change(kind: str, oc, nc) -> dict:
    old_text = oc.text if oc else ""
    new_text = nc.text if nc else ""
    cat, cats = _category(old_text, new_text) if kind == "modified" else \
        ((_category("", new_text) if nc else _category(old_text, "")))
    if kind in ("added", "removed") and cats == ["wording"]:
        cat, cats = "other", ["other"]
    ov, nv = facts.values(old_text), facts.values(new_text)
    return {
        "kind": kind, "old_ref": oc.ref if oc else None, "new_ref": nc.ref if nc else None,
        "old_path": list(oc.path) if oc else None, "new_path": list(nc.path) if nc else None,
        "old_text": old_text, "new_text": new_text,
        "spans": _spans(old_text, new_text) if kind == "modified" else [],
        "category": cat, "categories": cats, "material": cat != "wording",
        "old_values": [v for v in ov if v not in nv], "new_values": [v for v in nv if v not in ov],
    }


def fallback_compare(old: str, new: str) -> dict:
    """Clause-by-label comparison (no move/merge detection). Same schema as yibao.diff."""
    old_cl = [c for c in _parse(old) if c.level != "para" and c.text]
    new_cl = [c for c in _parse(new) if c.level != "para" and c.text]
    old_by = {c.path: c for c in old_cl}
    new_by = {c.path: c for c in new_cl}
    changes = []
    hidden = 0
    for nc in new_cl:
        oc = old_by.get(nc.path)
        if oc is None:
            changes.append(_change("added", None, nc))
        elif oc.text != nc.text:
            ch = _change("modified", oc, nc)
            if ch["material"]:
                changes.append(ch)
            else:
                hidden += 1
    for oc in old_cl:
        if oc.path not in new_by:
            changes.append(_change("removed", oc, None))
    return {"changes": changes, "hidden_wording": hidden,
            "stats": {"engine": "yibao.lessons.diffsource.fallback_compare", "changes": len(changes)}}


def compare(old: str, new: str) -> dict:
    """The diff helper's compare_texts when available, else the fallback."""
    try:
        from yibao.diff import compare_texts  # type: ignore
    except ImportError:
        return fallback_compare(old, new)
    return compare_texts(old, new).to_dict()


def provisions_diff(text: str, limit: int = 30) -> dict:
    """A new document as pseudo-changes: one per sentence carrying numbers, dates or
    obligations (the 施行 sentence and 抄送/印发 lines excluded), cited by its clause."""
    changes = []
    for c in _parse(text):
        if c.level in ("编", "章", "节") or not c.text:
            continue
        for sent in facts.sentences(c.text):
            body = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]", "", sent)
            if len(body) < 10 or facts.is_boilerplate(sent) or facts.EFFECTIVE_RE.search(sent):
                continue
            pairs = facts.from_to_pairs(sent)
            cats = []
            if facts.find_numbers(sent):
                cats.append("number")
            if facts.PENALTY_RE.search(sent):
                cats.append("penalty")
            if facts.OBLIGATION_RE.search(sent):
                cats.append("obligation")
            if facts.find_dates(sent):
                cats.append("date")
            if facts.SCOPE_RE.search(sent):
                cats.append("scope")
            if not cats:
                continue
            changes.append({
                "kind": "added", "old_ref": None, "new_ref": c.ref, "old_path": None, "new_path": list(c.path),
                "old_text": "", "new_text": sent, "spans": [], "category": cats[0], "categories": cats,
                "material": True, "old_values": [a for a, _ in pairs],
                "new_values": facts.prefer_new_values(sent, facts.values(sent)), "provision": True,
            })
            if len(changes) >= limit:
                break
    return {"changes": changes, "hidden_wording": 0, "stats": {"engine": "provisions", "changes": len(changes)}}


def _cell(v) -> str:
    return "" if v is None else str(v).strip()


def _row_label(key) -> str:
    if isinstance(key, (list, tuple)):
        return "／".join(_cell(k) for k in key)
    if isinstance(key, dict):
        return "／".join(_cell(v) for v in key.values())
    return _cell(key)


def table_changes(diff: dict | None, per_kind: int = 15) -> list[dict]:
    """Changed, added and removed rows of attachment tables (diff['tables']) as lesson changes."""
    out: list[dict] = []
    for ti, table in enumerate((diff or {}).get("tables") or []):
        if not isinstance(table, dict):
            continue
        name = table.get("name") or table.get("title") or f"附表{ti + 1}"
        keys = table.get("key") or []
        for rc in (table.get("changed") or [])[:per_kind]:
            label = _row_label(rc.get("key"))
            cols = rc.get("columns") or {}
            parts = [f"{col}由{_cell(ov) or '空'}调整为{_cell(nv) or '空'}" for col, (ov, nv) in cols.items()]
            old_vals = [_cell(ov) for ov, _ in cols.values() if re.search(r"\d", _cell(ov))]
            new_vals = [_cell(nv) for _, nv in cols.values() if re.search(r"\d", _cell(nv))]
            text = f"{name}「{label}」：" + "，".join(parts) + "。"
            out.append({"kind": "modified", "old_ref": f"{name}「{label}」", "new_ref": f"{name}「{label}」",
                        "old_path": None, "new_path": None,
                        "old_text": f"{name}「{label}」：" + "，".join(f"{c}为{_cell(o)}" for c, (o, _) in cols.items()) + "。",
                        "new_text": text, "spans": [], "category": "number" if new_vals else "other",
                        "categories": ["number"] if new_vals else ["other"], "material": True,
                        "old_values": old_vals, "new_values": new_vals, "table": True})
        for kind, rows in (("added", table.get("added") or []), ("removed", table.get("removed") or [])):
            for row in rows[:per_kind]:
                if not isinstance(row, dict):
                    continue
                label = _row_label([row.get(k) for k in keys]) if keys else _row_label(list(row.values())[:2])
                cells = "，".join(f"{k}：{_cell(v)}" for k, v in list(row.items())[:5] if _cell(v))
                verb = "新增" if kind == "added" else "删除"
                text = f"{name}{verb}「{label}」（{cells}）。"
                out.append({"kind": kind, "old_ref": None if kind == "added" else f"{name}「{label}」",
                            "new_ref": f"{name}「{label}」" if kind == "added" else None,
                            "old_path": None, "new_path": None,
                            "old_text": text if kind == "removed" else "", "new_text": text if kind == "added" else "",
                            "spans": [], "category": "scope", "categories": ["scope"], "material": True,
                            "old_values": [], "new_values": [], "table": True})
    return out


def with_table_changes(diff: dict) -> dict:
    extra = table_changes(diff)
    return {**diff, "changes": list(diff.get("changes") or []) + extra} if extra else diff
