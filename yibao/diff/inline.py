"""Inline (within one clause pair) diff on tokens with semantic clean-up."""
from __future__ import annotations

from difflib import SequenceMatcher

from yibao.diff.model import Span
from yibao.diff.tokens import tokenize

# an equality this short (in characters) between two edits is chaff: fold it into the edit
CHAFF_MAX = 2


def _raw_spans(old: str, new: str) -> list[Span]:
    a, b = tokenize(old), tokenize(new)
    sm = SequenceMatcher(None, a, b, autojunk=False)
    spans: list[Span] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            spans.append(Span("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            spans.append(Span("delete", "".join(a[i1:i2])))
        if j2 > j1:
            spans.append(Span("insert", "".join(b[j1:j2])))
    return spans


def _coalesce(spans: list[Span]) -> list[Span]:
    """Merge neighbours: equal runs together; each edit run as one delete then one insert."""
    out: list[Span] = []
    i = 0
    while i < len(spans):
        if spans[i].op == "equal":
            text = ""
            while i < len(spans) and spans[i].op == "equal":
                text += spans[i].text
                i += 1
            if text:
                out.append(Span("equal", text))
            continue
        deleted, inserted = "", ""
        while i < len(spans) and spans[i].op != "equal":
            if spans[i].op == "delete":
                deleted += spans[i].text
            else:
                inserted += spans[i].text
            i += 1
        if deleted:
            out.append(Span("delete", deleted))
        if inserted:
            out.append(Span("insert", inserted))
    return out


def semantic_cleanup(spans: list[Span]) -> list[Span]:
    """Fold short equalities sandwiched between edits into the edits (diff-match-patch style)."""
    spans = _coalesce(spans)
    changed = True
    while changed:
        changed = False
        out: list[Span] = []
        for idx, s in enumerate(spans):
            inner = 0 < idx < len(spans) - 1
            if s.op == "equal" and inner and len(s.text.strip()) <= CHAFF_MAX \
                    and spans[idx - 1].op != "equal" and spans[idx + 1].op != "equal":
                out.append(Span("delete", s.text))
                out.append(Span("insert", s.text))
                changed = True
            else:
                out.append(s)
        spans = _coalesce(out)
    return spans


def inline_spans(old: str, new: str) -> list[Span]:
    """Spans such that equal+delete texts rebuild `old` and equal+insert texts rebuild `new`."""
    if old == new:
        return [Span("equal", old)] if old else []
    return semantic_cleanup(_raw_spans(old, new))


def side_text(spans: list[Span], side: str) -> str:
    keep = "delete" if side == "old" else "insert"
    return "".join(s.text for s in spans if s.op in ("equal", keep))


def edit_ranges(spans: list[Span]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges of deletions in old and insertions in new."""
    old_pos = new_pos = 0
    dels: list[tuple[int, int]] = []
    ins: list[tuple[int, int]] = []
    for s in spans:
        n = len(s.text)
        if s.op == "equal":
            old_pos += n
            new_pos += n
        elif s.op == "delete":
            dels.append((old_pos, old_pos + n))
            old_pos += n
        else:
            ins.append((new_pos, new_pos + n))
            new_pos += n
    return dels, ins
