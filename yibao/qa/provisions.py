"""The one adapter between a document's text and the passages the index holds.

It reads the document model (`yibao.document.parse_document`): the body's provisions become
passages, and a 令's order of promulgation when it gives the date it takes effect ("自…起施行");
the title block, 主送, signature, date, 附件 list and 版记 never do.  A passage is one provision: its citation, its heading path (章 title, 一、 / （一） lead
phrases of it and its parents: a question that matches the heading finds the clause), the
text to quote and the actors it binds (for the --role boost).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from yibao.document import parse_document
from yibao.document.model import Provision

QUOTE_LIMIT = 600          # characters of a quote (a provision with its items)
_LEAD_IN = re.compile(r"[：:]\s*$")
_HEADING_ONLY = ("chapter", "section")
PROMULGATION = "公布令"      # the clause name of a 令's order of promulgation
_IN_FORCE_FROM = re.compile(r"施行|执行")


@dataclass(frozen=True)
class Passage:
    clause: str                    # "第六条（一）", "三、（二）", "第五条第二款"
    heading: str                   # the heading path: 章 title, parents' and its own lead phrase
    quote: str                     # the provision's own words (a lead-in provision carries its items)
    actors: tuple[str, ...] = ()   # actor ids (config/actors.yaml)

    @property
    def context(self) -> str:      # the name the index used before the document model
        return self.heading


def passages_of(text: str, *, title: str | None = None) -> list[Passage]:
    doc = parse_document(text or "", title=title)
    out: list[Passage] = []
    for path in _paths(doc.provisions):
        p = path[-1]
        body = _bare_text(p)
        if p.level in _HEADING_ONLY or not body:
            continue   # a 章 title or a bare "一、总则" line: it lives on as its children's heading
        quote = body
        if _LEAD_IN.search(body):
            quote += "".join(k.label + _bare_text(k) for k in p.children)
        if len(quote) > QUOTE_LIMIT:
            quote = quote[:QUOTE_LIMIT] + "…"
        heading = " ".join(dict.fromkeys(h for h in (x.heading for x in path) if h))
        out.append(Passage(clause=p.ref or p.id, heading=heading, quote=quote, actors=tuple(p.actors)))
    # a 令's order "…现予公布，自2023年5月1日起施行" is the only place its start date is printed
    out.extend(Passage(clause=PROMULGATION, heading="", quote=z.text.strip()[:QUOTE_LIMIT])
               for z in doc.zones if z.kind == "promulgation" and _IN_FORCE_FROM.search(z.text))
    return out


def _bare_text(p: Provision) -> str:
    """The provision's text, or "" when it is only its heading ("二、强化即时结算机制建设")."""
    body = (p.text or "").strip()
    if p.heading and body.rstrip("。；;：: ") == p.heading.strip():
        return ""
    return body


def _paths(provisions: list[Provision], parents: tuple[Provision, ...] = ()):
    """Each provision with its ancestors, depth-first in reading order."""
    for p in provisions:
        yield parents + (p,)
        yield from _paths(p.children, parents + (p,))
