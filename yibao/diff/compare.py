"""compare_texts: clause-aligned comparison of two versions of a policy text."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from yibao.document.lines import foot_line_starts
from yibao.document.clauses import HEADING_LEVELS, Clause, clause_ref, normalize_text, parse_clauses
from yibao.diff.align import Group, align
from yibao.diff.classify import Classification, classify_spans, classify_whole
from yibao.diff.inline import inline_spans
from yibao.diff.model import ClauseChange, DiffInputError, DiffResult, Span
from yibao.diff.tokens import wording_shadow

_TERMINATORS = set("。！？!?；;：:”’）)」』》….")
_TRUNC_MIN_LAST_LINE = 30
_SIGNOFF = re.compile(r"(?:[0-9〇零○一二三四五六七八九十]+日|(?:局|厅|委|部|院|中心|办公室|政府|委员会|公司)(?:制|印发)?)$")
_HEADING_LINE = re.compile(r"^(?:第[一二三四五六七八九十百零〇两]+[编章节]|附件\s*\d*|[一二三四五六七八九十]+、)")


@dataclass
class _Doc:
    text: str
    clauses: list[Clause]
    starts: list[int]  # slice start of clause i; clause i covers [starts[i], starts[i+1])

    @classmethod
    def build(cls, raw: str) -> "_Doc":
        text = normalize_text(raw)
        clauses = parse_clauses(text, breaks=foot_line_starts(text))
        starts = [c.start for c in clauses]
        if starts:
            starts[0] = 0
        return cls(text, clauses, starts)

    def span(self, first: int, last: int) -> tuple[int, int]:
        end = self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)
        return self.starts[first], end

    def marker_ranges(self, idxs: list[int], base: int) -> list[tuple[int, int]]:
        out = []
        for i in idxs:
            c = self.clauses[i]
            if c.level != "para":
                out.append((c.start - base, c.start - base + len(c.label)))
        return out


def looks_truncated(text: str) -> bool:
    """True when the (normalized) text stops mid-sentence, as excerpts cut after N PDF
    pages do.  A last line that is a date, a signature (…局/厅/委/中心), a heading or an attachment
    (【附件：…】, whose table rows end without punctuation) doesn't count."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] in _TERMINATORS:
        return False
    last_line = stripped.rsplit("\n", 1)[-1].strip()
    if _SIGNOFF.search(last_line) or _HEADING_LINE.match(last_line) or last_line.startswith("【附件："):
        return False   # an attachment (a table, a form) ends the text: no sentence to be cut
    return len(last_line) >= _TRUNC_MIN_LAST_LINE or stripped[-1] in "，、（《“的和及与或"  or \
        (len(last_line) >= 6 and bool(re.match(r"[\u4e00-\u9fff]", stripped[-1])))


_TAIL_FACTOR = 1.5        # a tail at least this many times longer "runs past" the other text's end
_TAIL_MIN_EXTRA = 500     # …and at least this many characters (about a page) longer


def _runs_past(tail: int, other_tail: int) -> bool:
    return tail >= _TAIL_FACTOR * other_tail and tail - other_tail >= _TAIL_MIN_EXTRA


def _headings_only(doc: _Doc, idxs: list[int]) -> bool:
    return all(doc.clauses[i].level in HEADING_LEVELS for i in idxs)


def _ref(doc: _Doc, idxs: list[int]) -> str | None:
    if not idxs:
        return None
    return "+".join(clause_ref(doc.clauses[i].path) for i in idxs)


def _path(doc: _Doc, idxs: list[int]) -> list[str]:
    return list(doc.clauses[idxs[0]].path) if idxs else []


def _mask_values(cls: Classification, spans: list[Span], old_mask: list[tuple[int, int]],
                 new_mask: list[tuple[int, int]]) -> Classification:
    """Re-classify without the clause markers, so 第十二条→第十三条 or （1）→（2） is not a 'number' change."""
    def strip(side_keep: str, mask: list[tuple[int, int]]) -> str:
        text = "".join(s.text for s in spans if s.op in ("equal", side_keep))
        chars = list(text)
        for s, e in mask:
            for k in range(max(s, 0), min(e, len(chars))):
                chars[k] = ""
        return "".join(chars)
    if not old_mask and not new_mask:
        return cls
    body_spans = inline_spans(strip("delete", old_mask), strip("insert", new_mask))
    return classify_spans(body_spans)


def _renumber_only(od: _Doc, nd: _Doc, g: Group, old_full: str, new_full: str) -> list[Span] | None:
    """Spans for a 1-1 pair whose text after the marker is identical, else None."""
    if len(g.old) != 1 or len(g.new) != 1:
        return None
    oc, nc = od.clauses[g.old[0]], nd.clauses[g.new[0]]
    if oc.level == "para" or nc.level == "para":
        return None
    ol = oc.start - od.starts[g.old[0]] + len(oc.label)
    nl = nc.start - nd.starts[g.new[0]] + len(nc.label)
    if old_full[ol:] != new_full[nl:]:
        return None
    spans = inline_spans(old_full[:ol], new_full[:nl])
    if spans and spans[-1].op == "equal":
        spans[-1] = Span("equal", spans[-1].text + old_full[ol:])
    elif old_full[ol:]:
        spans.append(Span("equal", old_full[ol:]))
    return spans


def _trim_tail(spans: list[Span]) -> list[Span]:
    """Drop the edits at the very end (whitespace-only equalities don't stop the trim)."""
    spans = list(spans)
    while spans and (spans[-1].op != "equal" or not spans[-1].text.strip()):
        spans.pop()
    return spans


def compare_texts(old: str, new: str, *, show_wording: bool = False,
                  truncated_tail: bool | None = None) -> DiffResult:
    """Clause-aligned comparison of two versions.

    Both texts go through `normalize_text`; spans/offsets refer to the normalized
    texts.  Wording-only changes (equal after removing spaces/punctuation and
    unifying full/half width) are counted in `hidden_wording` and left out
    unless `show_wording`.  `truncated_tail`: True = one or both texts are
    excerpts cut at the end, so unmatched clauses after the last aligned pair
    and the cut-off tail of that pair are not reported; None = auto-detect
    (a text whose last, long line stops without 。；：！？ etc.); False = never.
    """
    for name, val in (("old", old), ("new", new)):
        if not isinstance(val, str):
            raise DiffInputError(f"compare_texts: {name} must be str, got {type(val).__name__}")
    od, nd = _Doc.build(old), _Doc.build(new)
    groups = align(od.clauses, nd.clauses)
    old_cut = looks_truncated(od.text) if truncated_tail is None else bool(truncated_tail)
    new_cut = looks_truncated(nd.text) if truncated_tail is None else bool(truncated_tail)
    truncated = old_cut or new_cut
    matched_old = {i for g in groups for i in g.old}
    matched_new = {j for g in groups for j in g.new}
    old_limit, new_limit = len(od.clauses), len(nd.clauses)
    last_group: Group | None = None
    if truncated and groups:
        in_order = [g for g in groups if g.in_order and not g.weak] or [g for g in groups if g.in_order]
        last_group = max(in_order or groups, key=lambda g: (g.new[-1], g.old[-1]))
        old_limit, new_limit = last_group.old[-1] + 1, last_group.new[-1] + 1
        old_tail = len(od.text) - od.span(last_group.old[0], last_group.old[-1])[1]
        new_tail = len(nd.text) - nd.span(last_group.new[0], last_group.new[-1])[1]
        # a reordered rewrite: the last in-order pair can sit well before both ends.  When one
        # text runs on much further past it, the other's tail lies inside its coverage, so the
        # shorter tail's unmatched clauses are real additions/removals, not truncation.
        if _runs_past(old_tail, new_tail):
            new_limit = len(nd.clauses)
        elif _runs_past(new_tail, old_tail):
            old_limit = len(od.clauses)

    # anchor in old coordinates for everything placed after new clause j
    anchor_after: dict[int, int] = {}
    pos = 0
    owner = {j: g for g in groups for j in g.new}
    for j in range(len(nd.clauses)):
        g = owner.get(j)
        if g is not None and g.in_order and j == g.new[-1]:
            pos = od.span(g.old[0], g.old[-1])[1]
        anchor_after[j] = pos

    changes: list[ClauseChange] = []
    hidden = 0
    for g in groups:
        os_, oe = od.span(g.old[0], g.old[-1])
        ns, ne = nd.span(g.new[0], g.new[-1])
        old_full, new_full = od.text[os_:oe], nd.text[ns:ne]
        if old_full == new_full and g.in_order:
            continue
        labels_equal = [od.clauses[i].label for i in g.old] == [nd.clauses[j].label for j in g.new]
        fast = _renumber_only(od, nd, g, old_full, new_full)
        if fast is not None:  # same body, only the marker differs: no inline diff needed
            changes.append(ClauseChange(
                kind="renumbered" if g.in_order else "moved", old_ref=_ref(od, g.old), new_ref=_ref(nd, g.new),
                old_path=_path(od, g.old), new_path=_path(nd, g.new), old_text=old_full, new_text=new_full,
                spans=fast, category="other", categories=[], material=False,
                old_span=[os_, oe], new_span=[ns, ne],
                at=os_ if g.in_order else (anchor_after.get(g.new[0] - 1, 0) if g.new[0] > 0 else 0)))
            continue
        spans = inline_spans(old_full, new_full)
        is_last = g is last_group and ((old_cut and g.old[-1] == len(od.clauses) - 1)
                                       or (new_cut and g.new[-1] == len(nd.clauses) - 1))
        if is_last:
            trimmed = _trim_tail(spans)
            if all(s.op == "equal" for s in trimmed):
                continue
            cls = classify_spans(trimmed)
            if not labels_equal:
                cls = _mask_values(cls, trimmed, od.marker_ranges(g.old, os_), nd.marker_ranges(g.new, ns))
        else:
            cls = classify_spans(spans)
            if not labels_equal:
                cls = _mask_values(cls, spans, od.marker_ranges(g.old, os_), nd.marker_ranges(g.new, ns))
        body_equal = wording_shadow("".join(od.clauses[i].text for i in g.old)) == \
            wording_shadow("".join(nd.clauses[j].text for j in g.new))
        if len(g.old) > 1:
            kind = "merged"
        elif len(g.new) > 1:
            kind = "split"
        elif not g.in_order:
            kind = "moved"
        elif body_equal and not labels_equal:
            kind = "renumbered"
        else:
            kind = "modified"
        wording_only = body_equal and kind == "modified"
        if wording_only:
            cls = Classification("wording", ["wording"], [], [])
        elif body_equal:  # renumbered / moved / merged with identical text: no content change
            cls = Classification("other", [], [], [])
        # a chapter/section title binds nobody: its clauses carry the substance and are reported
        material = not body_equal and not _headings_only(od, g.old)
        at = os_ if g.in_order else anchor_after.get(g.new[0] - 1, 0) if g.new[0] > 0 else 0
        change = ClauseChange(
            kind=kind, old_ref=_ref(od, g.old), new_ref=_ref(nd, g.new), old_path=_path(od, g.old),
            new_path=_path(nd, g.new), old_text=old_full, new_text=new_full, spans=spans,
            category=cls.category, categories=cls.categories, material=material,
            old_values=cls.old_values, new_values=cls.new_values,
            old_span=[os_, oe], new_span=[ns, ne], at=at)
        if wording_only and not show_wording:
            hidden += 1
            continue
        changes.append(change)

    for i, c in enumerate(od.clauses):
        if i in matched_old or i >= old_limit:
            continue
        s, e = od.span(i, i)
        cls = classify_whole(c.text)
        changes.append(ClauseChange(
            kind="removed", old_ref=_ref(od, [i]), new_ref=None, old_path=list(c.path), new_path=[],
            old_text=od.text[s:e], new_text="", spans=[Span("delete", od.text[s:e])],
            category=cls.category, categories=cls.categories, material=c.level not in HEADING_LEVELS,
            old_values=cls.old_values, new_values=[], old_span=[s, e], new_span=[0, 0], at=s))
    for j, c in enumerate(nd.clauses):
        if j in matched_new or j >= new_limit:
            continue
        s, e = nd.span(j, j)
        cls = classify_whole(c.text)
        changes.append(ClauseChange(
            kind="added", old_ref=None, new_ref=_ref(nd, [j]), old_path=[], new_path=list(c.path),
            old_text="", new_text=nd.text[s:e], spans=[Span("insert", nd.text[s:e])],
            category=cls.category, categories=cls.categories, material=c.level not in HEADING_LEVELS,
            old_values=[], new_values=cls.old_values, old_span=[0, 0], new_span=[s, e],
            at=anchor_after.get(j - 1, 0) if j > 0 else 0))
    for ch in changes:  # removed clauses: position in new text for display ordering
        if ch.kind == "removed":
            ch.new_span = [_new_pos_for_old(ch.old_span[0], groups, od, nd)] * 2
    changes.sort(key=lambda ch: (ch.new_span[0], ch.old_span[0], ch.kind != "removed"))
    stats = {
        "old_clauses": len(od.clauses), "new_clauses": len(nd.clauses),
        "by_kind": dict(Counter(c.kind for c in changes)),
        "by_category": dict(Counter(c.category for c in changes)),
        "material": sum(c.material for c in changes),
        "truncated_old": old_cut, "truncated_new": new_cut,
        "show_wording": show_wording,
    }
    return DiffResult(changes=changes, hidden_wording=hidden, stats=stats)


def _new_pos_for_old(old_pos: int, groups: list[Group], od: _Doc, nd: _Doc) -> int:
    best = 0
    for g in groups:
        if g.in_order and od.span(g.old[0], g.old[-1])[1] <= old_pos:
            best = max(best, nd.span(g.new[0], g.new[-1])[1])
    return best

