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


def _runs(text: str, style: str) -> list[list[re.Match]]:
    """Runs 1, 2, 3 … of one style; a new 一是 after a run starts the next enumeration."""
    runs: list[list[re.Match]] = []
    for m in _MARK.finditer(text):
        if (m["n"] is not None) != (style == "是"):
            continue
        n = _number(m)
        if n == 1:
            runs.append([m])
        elif runs and n == len(runs[-1]) + 1:
            runs[-1].append(m)
    return [r for r in runs if len(r) >= 2]


def _point_end(text: str, start: int, limit: int) -> int:
    """The last point of a run that another run follows ends with its sentence (at 。 before `limit`)."""
    stop = text.find("。", start, limit)
    return stop + 1 if stop >= 0 else limit


def enumerated_points(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(lead, [(label, text), …]) when the text enumerates at least two points 一, 二, … in order with one style
    (一是 or 第一，). Text between two enumerations ("…。紧盯三种重点：") comes as a piece with label ""."""
    for style in ("是", "第"):
        runs = _runs(text, style)
        if not runs:
            continue
        pieces: list[tuple[str, str]] = []
        for k, run in enumerate(runs):
            limit = runs[k + 1][0].start() if k + 1 < len(runs) else len(text)
            ends = [m.start() for m in run[1:]] + [_point_end(text, run[-1].start(), limit) if k + 1 < len(runs)
                                                   else limit]
            pieces += [(m["mark"].rstrip("，,、"), text[m.start():end].strip()) for m, end in zip(run, ends)]
            between = text[ends[-1]:limit].strip()
            if between:
                pieces.append(("", between))
        return text[:runs[0][0].start()].strip(), pieces
    return None
