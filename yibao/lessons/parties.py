"""An agreement's parties in the reader's words: in a 服务协议 "乙方" is this hospital, "甲方" the 医保经办机构.

    names = party_names(text, plain=False)   # {"乙方": "本院", "甲方": "医保经办机构"} or {}
    line = in_own_words(line, names)          # the to-do line with the parties named

Only the lesson's own lines (要点, to-dos, scene, warning) are rewritten; the quoted 条文 stay as printed.
"""
from __future__ import annotations

import re

from yibao.document.annotate import party_actors

_HOSPITAL = {"medical_institution"}
_BUREAU = {"agency", "admin_dept"}


def party_names(text: str, *, plain: bool = False) -> dict[str, str]:
    """Party label → what the reader calls it, for an agreement between a bureau and a hospital."""
    parties = party_actors(text or "")
    names: dict[str, str] = {}
    for label, actors in parties.items():
        if set(actors) & _HOSPITAL:
            names[label] = "医院" if plain else "本院"
        elif set(actors) & _BUREAU:
            names[label] = "医保经办机构"
    # a hospital reads an agreement with a 药店 as a third party's: nothing to rename
    return names if any(v in ("本院", "医院") for v in names.values()) else {}


def in_own_words(line: str, names: dict[str, str]) -> str:
    """"照此办理（第七条）：乙方应…" → "照此办理（第七条）：本院应…"; the label before "：" is kept."""
    if not names or not line:
        return line
    head, sep, body = line.partition("：") if re.match(r"^[^：]{1,30}（[^）]*）：", line) else ("", "", line)
    for label, name in names.items():
        body = body.replace(label, name)
    return f"{head}{sep}{body}"
