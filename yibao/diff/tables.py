"""compare_tables: row-keyed diff of attachment tables (drug catalogues, price items)."""
from __future__ import annotations

import re
from typing import Any

from yibao.diff.model import DiffInputError, RowChange, TableDiff

# preferred key columns, most specific first
KEY_CANDIDATES = ("药品代码", "医保代码", "国家医保代码", "医保药品代码", "项目编码", "医保项目编码",
                  "耗材代码", "编码", "编号", "代码", "药品编号", "序号", "药品名称", "项目名称", "通用名", "名称")


class TableKeyError(DiffInputError):
    """Raised when no usable key column exists or the key is not unique."""


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        return re.sub(r"\s+", " ", v).strip()
    return v


def _columns(rows: list[dict]) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        for k in r:
            cols.setdefault(k, None)
    return list(cols)


def detect_key(old_rows: list[dict], new_rows: list[dict]) -> list[str]:
    """First candidate column (exact name, then containing the name) that is unique and filled on both sides.
    序号 is used only as a last resort, since row numbers shift when rows are inserted."""
    cols = [c for c in _columns(old_rows) if c in set(_columns(new_rows))]
    def usable(col: str) -> bool:
        for rows in (old_rows, new_rows):
            vals = [_cell(r.get(col)) for r in rows]
            if any(v in (None, "") for v in vals) or len(set(vals)) != len(vals):
                return False
        return True
    ordered = [c for cand in KEY_CANDIDATES if cand != "序号" for c in cols if c == cand]
    ordered += [c for cand in KEY_CANDIDATES if cand != "序号" for c in cols if cand in c and c not in ordered]
    ordered += [c for c in cols if c == "序号"]
    for col in ordered:
        if usable(col):
            return [col]
    for a in ordered:  # two columns together (e.g. 名称 + 剂型)
        for b in cols:
            if b != a and _unique_pair(old_rows, a, b) and _unique_pair(new_rows, a, b):
                return [a, b]
    raise TableKeyError(f"no unique key column found among {cols!r}; pass key=")


def _unique_pair(rows: list[dict], a: str, b: str) -> bool:
    vals = [(_cell(r.get(a)), _cell(r.get(b))) for r in rows]
    return all(x not in (None, "") for x, _ in vals) and len(set(vals)) == len(vals)


def _index(rows: list[dict], key: list[str], side: str) -> dict[Any, dict]:
    out: dict[Any, dict] = {}
    for n, r in enumerate(rows):
        if not isinstance(r, dict):
            raise DiffInputError(f"{side} row {n} is {type(r).__name__}, expected dict")
        try:
            k = tuple(_cell(r[c]) for c in key)
        except KeyError as exc:
            raise TableKeyError(f"{side} row {n} lacks key column {exc}") from None
        k = k[0] if len(k) == 1 else k
        if k in out:
            raise TableKeyError(f"{side} key {k!r} is not unique (row {n})")
        out[k] = r
    return out


def compare_tables(old_rows: list[dict], new_rows: list[dict], *, key: str | list[str] | None = None) -> TableDiff:
    """Rows added, removed and changed (with the changed columns), matched by key.
    Cells are compared after collapsing whitespace; new/old-only columns count as changes."""
    if not isinstance(old_rows, list) or not isinstance(new_rows, list):
        raise DiffInputError("compare_tables expects two lists of dict rows")
    keys = [key] if isinstance(key, str) else list(key) if key else detect_key(old_rows, new_rows)
    old_idx, new_idx = _index(old_rows, keys, "old"), _index(new_rows, keys, "new")
    added = [r for k, r in new_idx.items() if k not in old_idx]
    removed = [r for k, r in old_idx.items() if k not in new_idx]
    changed: list[RowChange] = []
    for k, new_r in new_idx.items():
        old_r = old_idx.get(k)
        if old_r is None or old_r == new_r:
            continue
        cols = {}
        for c in dict.fromkeys([*old_r, *new_r]):
            a, b = _cell(old_r.get(c)), _cell(new_r.get(c))
            if a != b:
                cols[c] = [old_r.get(c), new_r.get(c)]
        if cols:
            changed.append(RowChange(k if not isinstance(k, tuple) else list(k), cols))
    col_counts: dict[str, int] = {}
    for rc in changed:
        for c in rc.columns:
            col_counts[c] = col_counts.get(c, 0) + 1
    stats = {"old_rows": len(old_rows), "new_rows": len(new_rows), "added": len(added),
             "removed": len(removed), "changed": len(changed), "changed_columns": col_counts}
    return TableDiff(key=keys, added=added, removed=removed, changed=changed, stats=stats)
