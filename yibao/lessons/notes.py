"""Trainer regenerate notes: simple directives the rule drafter honours.

Supported (anywhere in the note, several at once, separated by ，。；;换行):
  只保留第X条[、第Y条]   keep only changes whose clause reference starts with these labels
  删除/去掉/不要第X条     drop those changes
  删除/去掉“某句话”        drop the changes quoting those words
  强调/突出…              put matching changes first and state the emphasis in the actions
Each clause (，。；) is one directive: "突出罚款条款，删掉“…”这句" is an emphasis and a removal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_LABEL = r"第[一二三四五六七八九十百零〇0-9]+[条章]"


@dataclass
class Directives:
    keep: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    emphasis: list[str] = field(default_factory=list)
    drop_text: list[str] = field(default_factory=list)   # quoted words whose changes go
    raw: str = ""


def parse_notes(notes: str | None) -> Directives:
    d = Directives(raw=(notes or "").strip())
    if not d.raw:
        return d
    for part in re.split(r"[。；;，,\n]", d.raw):
        part = part.strip()
        if not part:
            continue
        if re.search(r"只保留|仅保留|只讲", part):
            d.keep += re.findall(_LABEL, part)
        elif re.search(r"删除|删掉|去掉|不要|删去|不讲", part):
            d.drop += re.findall(_LABEL, part)
            d.drop_text += [q for q in re.findall(r"[“\"「『]([^”\"」』]{2,})[”\"」』]", part)]
            continue
        m = re.search(r"(?:强调|重点讲|突出)[：:]?\s*(.+)", part)
        if m:
            d.emphasis.append(m.group(1).strip("，, 的"))
    return d


def _matches(ref: str, labels: list[str]) -> bool:
    return any((ref or "").startswith(lbl) or lbl in (ref or "") for lbl in labels)


def apply(changes: list[dict], d: Directives) -> list[dict]:
    out = [c for c in changes if not d.keep or _matches(c.get("ref", ""), d.keep)]
    out = [c for c in out if not _matches(c.get("ref", ""), d.drop)]
    if d.drop_text:
        out = [c for c in out if not any(t in f"{c.get('text')}{c.get('new')}{c.get('full_text', '')}"
                                         for t in d.drop_text)]
    if d.emphasis:
        def hit(c: dict) -> bool:
            blob = f"{c.get('ref')}{c.get('text')}{c.get('new')}{c.get('full_text', '')}"
            return any(e in blob or any(w and w in blob for w in re.split(r"[，,、和及与]", e)) for e in d.emphasis)
        out = sorted(out, key=lambda c: not hit(c))
    return out
