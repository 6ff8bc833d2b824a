"""parse_document: text → Document (zones, annotated clause tree)."""
from __future__ import annotations

import re

from .annotate import actors_of, modality_of, split_sentences
from .clauses import Clause, clause_ref, normalize_text, parse_clauses
from .facts import facts_of
from .model import Document, Provision, Sentence, strongest
from .zones import Line, scan_zones

LEVEL_NAMES = {"编": "chapter", "章": "chapter", "节": "section", "条": "article", "一、": "item",
               "（一）": "item", "1.": "numbered", "（1）": "numbered", "para": "paragraph"}
_PURPOSE = re.compile(r"^(?:为了?|根据|依据|按照|依照)[^。]{0,160}?(?:制定本|制订本|特制定|现就|通知如下|如下意见|以下意见|"
                      r"意见如下|现将|提出如下|提出以下|制定|结合实际)")
_LEAD_END = re.compile(r"[：:]$")
_HEADING_SENTENCE = 24


def _id_part(label: str) -> str:
    return label.rstrip("、.．") if not label.startswith("¶") else label


def _topic(heading: str | None, text: str) -> str | None:
    try:
        from yibao.lessons.topics import classify_text
        found = classify_text(heading or "", text)
    except Exception:   # a broken trainer override of topics.yaml must not stop parsing
        return None
    return found[0] if found else None


def _heading(clause: Clause, level: str, text: str) -> str | None:
    if level in ("chapter", "section"):
        return clause.title or text or None
    if clause.title:
        return clause.title
    if level in ("item", "numbered"):
        first = re.match(r"^([^。；：:]{2,%d})[。；]" % _HEADING_SENTENCE, text)
        if first and len(text) > len(first.group(0)):
            return first.group(1)
    return None


def _sentences(text: str) -> list[Sentence]:
    return [Sentence(s, modality_of(s), actors_of(s), facts_of(s)) for s in split_sentences(text)]


def _provision(clause: Clause, pid: str, text: str, label: str | None = None, level: str | None = None) -> Provision:
    level = level or LEVEL_NAMES[clause.level]
    heading = _heading(clause, level, text) if label is None else None
    sents = _sentences(text)
    return Provision(id=pid, label=label or clause.label, level=level, heading=heading, text=text, sentences=sents,
                     actors=(), modality="statement", facts=(), topic=None, children=[],
                     is_purpose=bool(_PURPOSE.match(text)), ref="")


def _paragraph_children(parent: Provision, clause: Clause) -> None:
    """An article of several lines: the first is its text, the others its 款 (第二款, 第三款…)."""
    lines = [l.strip() for l in parent.text.split("\n") if l.strip()]
    if parent.level != "article" or len(lines) < 2:
        if parent.level in ("item", "numbered") and len(lines) > 1 and clause.title and lines[0] == clause.title:
            parent.heading, lines = clause.title, lines[1:]   # "一、目标任务" on its own line, then its text
        parent.text = " ".join(lines) if parent.level in ("chapter", "section") else "".join(lines)
        parent.sentences = _sentences(parent.text)
        return
    parent.text = lines[0]
    parent.sentences = _sentences(lines[0])
    cn = "一二三四五六七八九十"
    for k, line in enumerate(lines[1:], start=2):
        label = f"第{cn[k - 1] if k <= 10 else k}款"
        parent.children.append(_provision(clause, f"{parent.id}/{label}", line, label, "paragraph"))


def _tree(clauses: list[Clause], prefix: str) -> tuple[list[str], list[Provision]]:
    """(leading paragraphs before the first marker, top-level provisions)."""
    lead: list[str] = []
    top: list[Provision] = []
    by_path: dict[tuple[str, ...], Provision] = {}
    has_markers = any(c.level != "para" for c in clauses)
    for c in clauses:
        if c.level == "para" and len(c.path) == 1 and has_markers:
            lead.append(c.text)
            continue
        pid = prefix + "/".join(_id_part(l) for l in c.path)
        node = _provision(c, pid, c.text)
        node.ref = (prefix + clause_ref(c.path)) if c.level != "para" else pid
        _paragraph_children(node, c)
        parent = by_path.get(c.path[:-1])
        (parent.children if parent else top).append(node)
        by_path[c.path] = node
    if not has_markers and top and top[0].is_purpose:
        lead.append(top.pop(0).text)
    return lead, top


def _annotate(nodes: list[Provision], inherited_actors: tuple[str, ...], lead_modality: str | None) -> None:
    """Fill actors/modality/facts/topic; an item under a lead ("定点医疗机构应当：") takes the lead's subject
    and modality when its own sentences leave them implied; a provision without actors takes its parent's."""
    for p in nodes:
        for s in p.sentences:
            if not s.actors and inherited_actors:
                s.actors = inherited_actors
            if s.modality == "statement" and lead_modality:
                s.modality = lead_modality
        p.actors = tuple(dict.fromkeys(a for s in p.sentences for a in s.actors)) or inherited_actors
        p.modality = strongest(s.modality for s in p.sentences) if p.sentences else (lead_modality or "statement")
        p.facts = tuple(f for s in p.sentences for f in s.facts)
        p.topic = _topic(p.heading, p.text)
        child_lead = None
        child_actors = p.actors if p.level not in ("chapter", "section") or p.actors else inherited_actors
        if p.sentences and _LEAD_END.search(p.sentences[-1].text):
            lead = p.sentences[-1]
            child_lead = lead.modality if lead.modality != "statement" else None
            child_actors = lead.actors or child_actors
        _annotate(p.children, child_actors, child_lead)


_SHORT_HEADING = re.compile(r"^(?:第[一二三四五六七八九十百零〇]+[编章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
                            r"[^。；：:，,！？]{1,20}$")


def _segment_text(lines: list[Line]) -> str:
    """Body lines; a short marker line ("一、目标任务") stands alone, so its text is not glued to the heading."""
    out = []
    for l in lines:
        out.append(l.text)
        if _SHORT_HEADING.match(l.text):
            out.append("")
    return "\n".join(out)


def parse_document(text: str, *, title: str | None = None) -> Document:
    """Parse a 公文 (notice, 办法, 条例, 令, agreement, catalogue notes) into zones and an annotated clause tree."""
    if not isinstance(text, str):
        raise TypeError(f"parse_document expects str, got {type(text).__name__}")
    scan = scan_zones(text)
    preamble: list[str] = []
    provisions: list[Provision] = []
    parsed = []
    for seg_title, lines in scan.segments:
        body = normalize_text(_segment_text(lines))
        lead, top = _tree(parse_clauses(body), "")
        parsed.append((seg_title, lead, top))
    main_found = False
    any_markers = any(lead for _, lead, _ in parsed) or any(p.level != "paragraph" for _, _, top in parsed for p in top)
    for k, (seg_title, lead, top) in enumerate(parsed):
        preamble.extend(lead)
        if top and any_markers and all(p.level == "paragraph" for p in top):
            preamble.extend(p.text for p in top)   # a 印发 cover before the issued document: its text is preamble
            continue
        if not top:
            continue
        prefix = "" if not main_found else f"附件{k}/"
        if prefix:
            for p in _walk(top):
                p.id = prefix + p.id
                p.ref = prefix + p.ref
        provisions.extend(top)
        main_found = True
    _annotate(provisions, (), None)
    issuers: list[str] = []
    signed = None
    for organs, d in scan.signatures:
        if organs and not issuers:
            issuers = organs
        if d and signed is None:
            signed = d
    if not issuers:
        for n in scan.doc_numbers:
            m = re.match(r"^(.+?)令第", n)
            if m and not m.group(1).endswith("国务院"):
                issuers = [m.group(1)]
            elif m:
                issuers = ["国务院"]
    from .zones import Zone  # noqa: F401  (zones carry their own type)
    zones = list(scan.zones)
    for seg_title, lines in scan.segments:
        if lines:
            zones.append(_body_zone(lines))
    zones.sort(key=lambda z: (z.start_line, z.kind != "body"))
    return Document(title=(scan.titles[0] if scan.titles else None) or title, doc_numbers=list(scan.doc_numbers),
                    addressees=list(scan.addressees), preamble=preamble, promulgation=scan.promulgation,
                    provisions=provisions, issuers=issuers, signed_date=signed, attachments=list(scan.attachments),
                    colophon=dict(scan.colophon), zones=zones)


def _body_zone(lines: list[Line]):
    from .model import Zone
    return Zone("body", _segment_text(lines), lines[0].no, lines[-1].no)


def _walk(nodes: list[Provision]):
    for p in nodes:
        yield p
        yield from _walk(p.children)
