"""Align the clauses of two versions: identical, renumbered, modified, moved, merged, split.

1. identical bodies in order (SequenceMatcher over body hashes, number-agnostic);
2. identical bodies out of order → moves;
3. inside each gap between in-order anchors, a weighted-LCS dynamic programme on
   character-bigram similarity (same structural level only);
4. left-overs anywhere: best similar pair → moved-and-modified;
5. an unmatched clause largely contained in a neighbour's partner → merged / split;
6. the longest increasing chain of pairs is "in order"; the other pairs are moves.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher

from yibao.document.clauses import HEADING_LEVELS, Clause
from yibao.diff.tokens import bigrams, shadow

GAP_THRESHOLD = 0.4     # similarity to pair clauses inside a gap
MOVE_THRESHOLD = 0.6    # similarity to pair clauses far apart
CONTAIN_THRESHOLD = 0.6  # share of an unmatched clause found in a neighbour's partner
REWRITE_THRESHOLD = 0.35  # mutual best partners this similar: one clause rewritten (and moved)
MAX_DP_CELLS = 400_000


@dataclass
class Group:
    old: list[int]
    new: list[int]
    in_order: bool = True
    weak: bool = False  # paired only as mutual best rewrite: not evidence of where a cut text ends


class _Side:
    def __init__(self, clauses: list[Clause]):
        self.clauses = clauses
        self.keys = [(c.level, shadow(c.text)) for c in clauses]
        self._grams: dict[int, frozenset[str]] = {}

    def grams(self, i: int) -> frozenset[str]:
        g = self._grams.get(i)
        if g is None:
            g = self._grams[i] = bigrams(self.clauses[i].text)
        return g


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similarity(o: _Side, i: int, n: _Side, j: int) -> float:
    if o.clauses[i].level != n.clauses[j].level:
        return 0.0
    la, lb = len(o.keys[i][1]), len(n.keys[j][1])
    if max(la, lb) and min(la, lb) / max(la, lb) < 0.25:
        return 0.0
    return _dice(o.grams(i), n.grams(j))


def _gap_dp(o: _Side, n: _Side, olds: list[int], news: list[int]) -> list[tuple[int, int]]:
    """Weighted LCS: order-preserving pairs maximizing total similarity."""
    a, b = len(olds), len(news)
    if not a or not b:
        return []
    if a * b > MAX_DP_CELLS:  # huge rewrite: keep it linear-ish, pair by equal label then give up
        by_label = {n.clauses[j].label: j for j in news}
        return [(i, by_label[o.clauses[i].label]) for i in olds
                if o.clauses[i].label in by_label
                and similarity(o, i, n, by_label[o.clauses[i].label]) >= GAP_THRESHOLD]
    score = [[0.0] * (b + 1) for _ in range(a + 1)]
    for x in range(a - 1, -1, -1):
        row, below = score[x], score[x + 1]
        for y in range(b - 1, -1, -1):
            best = max(below[y], row[y + 1])
            s = similarity(o, olds[x], n, news[y])
            if s >= GAP_THRESHOLD and below[y + 1] + s > best:
                best = below[y + 1] + s
            row[y] = best
    pairs, x, y = [], 0, 0
    while x < a and y < b:
        s = similarity(o, olds[x], n, news[y])
        if s >= GAP_THRESHOLD and abs(score[x][y] - (score[x + 1][y + 1] + s)) < 1e-9:
            pairs.append((olds[x], news[y]))
            x, y = x + 1, y + 1
        elif abs(score[x][y] - score[x + 1][y]) < 1e-9:
            x += 1
        else:
            y += 1
    return pairs


def _longest_increasing(groups: list[Group]) -> None:
    """Mark the longest chain increasing on both sides as in order; the rest are moves."""
    order = sorted(range(len(groups)), key=lambda g: groups[g].old[0])
    tails: list[int] = []
    tail_idx: list[int] = []
    parent = [-1] * len(groups)
    for g in order:
        v = groups[g].new[0]
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_idx.append(g)
        else:
            tails[k] = v
            tail_idx[k] = g
        parent[g] = tail_idx[k - 1] if k else -1
    keep = set()
    g = tail_idx[-1] if tail_idx else -1
    while g != -1:
        keep.add(g)
        g = parent[g]
    for i, grp in enumerate(groups):
        grp.in_order = i in keep


def align(old: list[Clause], new: list[Clause]) -> list[Group]:
    """Matched groups (1-1, 2-1 merge, 1-2 split). Unmatched clauses are in none."""
    o, n = _Side(old), _Side(new)
    pair_of_old: dict[int, int] = {}
    sm = SequenceMatcher(None, o.keys, n.keys, autojunk=False)
    for blk in sm.get_matching_blocks():
        for k in range(blk.size):
            pair_of_old[blk.a + k] = blk.b + k
    matched_new = set(pair_of_old.values())
    # identical bodies out of order → moves (only when unambiguous)
    free_old: dict[tuple, list[int]] = {}
    free_new: dict[tuple, list[int]] = {}
    for i, k in enumerate(o.keys):
        if i not in pair_of_old and k[1]:
            free_old.setdefault(k, []).append(i)
    for j, k in enumerate(n.keys):
        if j not in matched_new and k[1]:
            free_new.setdefault(k, []).append(j)
    for k, ois in free_old.items():
        njs = free_new.get(k, [])
        if len(ois) == 1 and len(njs) == 1:
            pair_of_old[ois[0]] = njs[0]
            matched_new.add(njs[0])
    # gaps between in-order anchors
    anchors = sorted(pair_of_old.items())
    chain = [(i, j) for i, j in anchors]
    # only anchors that are increasing on both sides delimit gaps
    inc: list[tuple[int, int]] = []
    for i, j in chain:
        if not inc or j > inc[-1][1]:
            inc.append((i, j))
    bounds = [(-1, -1)] + inc + [(len(old), len(new))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        olds = [i for i in range(i0 + 1, i1) if i not in pair_of_old]
        news = [j for j in range(j0 + 1, j1) if j not in matched_new]
        for i, j in _gap_dp(o, n, olds, news):
            pair_of_old[i] = j
            matched_new.add(j)
    # left-overs anywhere: moved and modified
    rest_old = [i for i in range(len(old)) if i not in pair_of_old]
    rest_new = [j for j in range(len(new)) if j not in matched_new]
    if rest_old and rest_new and len(rest_old) * len(rest_new) <= MAX_DP_CELLS:
        cands = sorted(((similarity(o, i, n, j), i, j) for i in rest_old for j in rest_new), reverse=True)
        for s, i, j in cands:
            if s < MOVE_THRESHOLD:
                break
            if i in pair_of_old or j in matched_new:
                continue
            pair_of_old[i] = j
            matched_new.add(j)
        weak = _pair_rewritten(o, n, cands, pair_of_old, matched_new)
    else:
        weak = set()
    groups = {i: Group([i], [j], weak=i in weak) for i, j in pair_of_old.items()}
    new_owner = {j: i for i, j in pair_of_old.items()}
    _merge_split(o, n, groups, new_owner)
    result = list({id(g): g for g in groups.values()}.values())
    _longest_increasing(result)
    return sorted(result, key=lambda g: (g.new[0], g.old[0]))


def _parent_index(clauses: list[Clause]) -> list[int | None]:
    by_path = {tuple(c.path): k for k, c in enumerate(clauses)}
    return [by_path.get(tuple(c.path[:-1])) if len(c.path) > 1 else None for c in clauses]


def _pair_rewritten(o: _Side, n: _Side, cands: list[tuple[float, int, int]],
                    pair_of_old: dict[int, int], matched_new: set[int]) -> set[int]:
    """Pair left-overs that are each other's most similar left-over (≥ REWRITE_THRESHOLD):
    a clause rewritten so much that it fell below the move threshold is still one change,
    not a removal plus an addition.  Items （一）/1. pair only under paired parents, so a
    rewritten list item is not matched into an unrelated list."""
    best_new: dict[int, tuple[float, int]] = {}
    best_old: dict[int, tuple[float, int]] = {}
    for s, i, j in cands:
        if s < REWRITE_THRESHOLD:
            break
        if i in pair_of_old or j in matched_new:
            continue
        if s > best_new.get(i, (-1.0, -1))[0]:
            best_new[i] = (s, j)
        if s > best_old.get(j, (-1.0, -1))[0]:
            best_old[j] = (s, i)
    paired: set[int] = set()
    if not best_new:
        return paired
    o_parent, n_parent = _parent_index(o.clauses), _parent_index(n.clauses)
    for i, (_, j) in sorted(best_new.items()):
        if best_old[j][1] != i:
            continue
        if o.clauses[i].level not in ("条",) + tuple(HEADING_LEVELS):
            po, pn = o_parent[i], n_parent[j]
            if po is None or pn is None or pair_of_old.get(po) != pn:
                continue
        pair_of_old[i] = j
        matched_new.add(j)
        paired.add(i)
    return paired


def _contained(small: frozenset[str], big: frozenset[str]) -> float:
    return len(small & big) / len(small) if small else 0.0


def _merge_split(o: _Side, n: _Side, groups: dict[int, Group], new_owner: dict[int, int]) -> None:
    """Attach an unmatched clause to its neighbour's group when the partner contains it."""
    unmatched_old = [i for i in range(len(o.clauses)) if i not in groups]
    for u in unmatched_old:
        for nb in (u - 1, u + 1):
            g = groups.get(nb)
            if g is None or len(g.new) != 1 or len(g.old) > 2 or o.clauses[u].level != o.clauses[nb].level:
                continue
            partner = n.grams(g.new[0])
            if _contained(o.grams(u), partner) < CONTAIN_THRESHOLD:
                continue
            merged = frozenset().union(*(o.grams(i) for i in g.old + [u]))
            if _dice(merged, partner) <= max(_dice(o.grams(i), partner) for i in g.old):
                continue
            g.old = sorted(g.old + [u])
            groups[u] = g
            break
    unmatched_new = [j for j in range(len(n.clauses)) if j not in new_owner]
    for u in unmatched_new:
        for nb in (u - 1, u + 1):
            if nb not in new_owner:
                continue
            g = groups[new_owner[nb]]
            if len(g.old) != 1 or len(g.new) > 2 or n.clauses[u].level != n.clauses[nb].level:
                continue
            partner = o.grams(g.old[0])
            if _contained(n.grams(u), partner) < CONTAIN_THRESHOLD:
                continue
            split = frozenset().union(*(n.grams(j) for j in g.new + [u]))
            if _dice(split, partner) <= max(_dice(n.grams(j), partner) for j in g.new):
                continue
            g.new = sorted(g.new + [u])
            new_owner[u] = g.old[0]
            break
