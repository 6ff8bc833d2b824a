"""Points enumerated inside one provision's text: "…。一是…。二是…。三是…" or "第一，…第二，…".

Each point becomes a child provision (label "一是", "第二"), so a lesson quotes it whole and on its own;
the text before the first point stays the provision's own (its lead, e.g. "做好三方面重点工作。").
"""
from __future__ import annotations

import re

_CN = "一二三四五六七八九十"
# a point starts a sentence: at the text's start or after 。；：
_MARK = re.compile(rf"(?:^|(?<=[。；;：:]))(?P<mark>(?P<n>[{_CN}]{{1,2}})是|第(?P<m>[{_CN}]{{1,2}})[，,、])")


def _number(m: re.Match) -> int:
    cn = m["n"] or m["m"]
    if len(cn) == 1:
        return _CN.index(cn) + 1
    return 10 + (_CN.index(cn[1]) + 1 if cn[0] == "十" else 0)


def enumerated_points(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(lead, [(label, point text), …]) when the text enumerates at least two points 一, 二, … in order
    with one style (一是 or 第一，); None otherwise."""
    for style in ("是", "第"):
        marks = [m for m in _MARK.finditer(text) if (m["n"] is not None) == (style == "是")]
        run: list[re.Match] = []
        for m in marks:   # the run 1, 2, 3 … in order; a stray "第二，" elsewhere is not a point
            if _number(m) == len(run) + 1:
                run.append(m)
        if len(run) >= 2:
            ends = [m.start() for m in run[1:]] + [len(text)]
            points = [(m["mark"].rstrip("，,、"), text[m.start():end].strip()) for m, end in zip(run, ends)]
            return text[:run[0].start()].strip(), points
    return None
