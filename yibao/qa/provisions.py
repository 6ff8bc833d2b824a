"""The one adapter between a document's text and the passages the index holds.

Today it uses `yibao.clauses`; when `yibao.document.parse_document` lands, only
`passages_of` changes.  A passage is one provision: its citation label, the words that
give it context (chapter / parent lead-in) and the text to quote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from yibao.clauses import normalize_text, parse_clauses

QUOTE_LIMIT = 600          # characters of a quote (a provision with its items)
_LEAD_IN = re.compile(r"[：:]\s*$")
_SIGNATURE = re.compile(r"^(?:局长|主任|部长)[：:]|^\S{0,30}\d{4}年\d{1,2}月\d{1,2}日$")


_FRAME = re.compile(r"(?:通知|意见|规定|报告)如下[：:]?$|^各省、自治区|^附件[：:]?")


def _bare(s: str) -> str:
    return re.sub(r"\s+|《|》", "", s)


@dataclass(frozen=True)
class Passage:
    clause: str      # "第六条（一）", "三（二）", "¶4"
    context: str     # chapter title and the parent's lead-in, for retrieval only
    quote: str       # the provision's own words (a lead-in provision carries its items)


def passages_of(text: str, *, title: str | None = None) -> list[Passage]:
    clauses = parse_clauses(normalize_text(text or ""))
    by_path = {c.path: c for c in clauses}
    children: dict[tuple, list] = {}
    for c in clauses:
        children.setdefault(c.path[:-1], []).append(c)
    out: list[Passage] = []
    for c in clauses:
        body = c.text.strip()
        if not body or c.level in ("编", "章", "节") or _SIGNATURE.search(body):
            continue
        if c.level == "para" and (_FRAME.search(body) or (title and _bare(title) in _bare(body) and len(body) < len(title) + 120)):
            continue  # the heading block, "现将有关事项通知如下：" and similar frame sentences
        context = [by_path[c.path[:i]].title or by_path[c.path[:i]].text[:80]
                   for i in range(1, len(c.path)) if c.path[:i] in by_path]
        quote = body
        if _LEAD_IN.search(body):
            quote += "".join(k.label + k.text.strip() for k in children.get(c.path, []))
        if len(quote) > QUOTE_LIMIT:
            quote = quote[:QUOTE_LIMIT] + "…"
        out.append(Passage(clause=c.ref if not c.label.startswith("¶") else f"第{c.label[1:]}段",
                           context=" ".join(x for x in context if x), quote=quote))
    return out
