"""apply_changes: rebuild the (normalized) new text from the old text and a change list.

Holds for a DiffResult computed with show_wording=True and truncated_tail=False;
it is the contract the property tests check."""
from __future__ import annotations

from yibao.document.clauses import normalize_text
from yibao.diff.model import DiffResult


class ApplyError(ValueError):
    """Raised when a change list does not fit the text it is applied to."""


def apply_changes(old: str, result: DiffResult) -> str:
    text = normalize_text(old)
    deletions: list[tuple[int, int]] = []
    inserts: list[tuple[int, int, str]] = []  # (at, order in new, text)
    for ch in result.changes:
        s, e = ch.old_span
        if ch.kind != "added":
            if text[s:e] != ch.old_text:
                raise ApplyError(f"old text at {s}:{e} does not match change {ch.old_ref!r}")
            deletions.append((s, e))
        if ch.kind != "removed":
            inserts.append((ch.at, ch.new_span[0], ch.new_text))
    deletions.sort()
    inserts.sort()
    out: list[str] = []
    pos = 0
    ins_i = 0
    points = sorted({0, len(text)} | {s for s, _ in deletions} | {e for _, e in deletions} | {a for a, _, _ in inserts})
    deleted = _covered(deletions)
    for p, q in zip(points, points[1:] + [None]):
        while ins_i < len(inserts) and inserts[ins_i][0] == p:
            out.append(inserts[ins_i][2])
            ins_i += 1
        if q is not None and not deleted(p):
            out.append(text[p:q])
        pos = q if q is not None else pos
    while ins_i < len(inserts):
        out.append(inserts[ins_i][2])
        ins_i += 1
    return "".join(out)


def _covered(intervals: list[tuple[int, int]]):
    def is_deleted(p: int) -> bool:
        return any(s <= p < e for s, e in intervals)
    return is_deleted
