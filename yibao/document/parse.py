"""parse_document: text → Document (zones, annotated clause tree)."""
from __future__ import annotations

import datetime as dt
import re

from .annotate import (actors_of, is_directive, is_directive_document, modality_of, party_actors, split_sentences,
                       subjects_of, with_parties)
from .clauses import Clause, clause_ref, normalize_text, parse_clauses
from .enumerated import enumerated_points
from .facts import facts_of
from .head import find_title
from .textview import clean_lines
from .model import Document, Provision, Sentence, Zone, iter_provisions, strongest
from .zones import Line, ZoneScan, scan_zones

LEVEL_NAMES = {"编": "chapter", "章": "chapter", "节": "section", "条": "article", "一、": "item",
               "（一）": "item", "1.": "numbered", "（1）": "numbered", "para": "paragraph"}
_PURPOSE = re.compile(r"^(?:为了?|根据|依据|按照|依照)[^。]{0,160}?(?:制定本|制订本|特制定|现就|通知如下|如下意见|以下意见|"
                      r"意见如下|现将|提出如下|提出以下|制定|结合实际)"
                      # the guiding thought of a 总体要求: "以习近平新时代中国特色社会主义思想为指导，全面贯彻…"
                      r"|^(?:指导思想[。：:]?)?以[^。，]{2,40}为指导[，,]")
_LEAD_END = re.compile(r"[：:]$")
_HEADING_SENTENCE = 40


def _id_part(label: str) -> str:
    return label.rstrip("、.．") if not label.startswith("¶") else label


def _topic_classifier():
    """topics.yaml read once per document; a broken trainer override must not stop parsing (no topics then)."""
    try:
        from yibao.lessons.topics import text_classifier
        classify = text_classifier()
    except Exception:
        return lambda heading, text: None

    def topic(heading: str | None, text: str) -> str | None:
        found = classify(heading or "", text)
        return found[0] if found else None

    return topic


def _heading(clause: Clause, level: str, text: str) -> str | None:
    if level in ("chapter", "section"):
        return clause.title or text or None
    if clause.title:
        return clause.title
    if level in ("item", "numbered"):
        first = re.match(r"^([^。；：:]{2,%d})[。；]" % _HEADING_SENTENCE, text)
        if first and len(text) > len(first.group(0)) + 8:   # a lead phrase, then the item's own text
            return first.group(1)
    return None


def _sentences(text: str) -> list[Sentence]:
    out = []
    for s in split_sentences(text):
        facts = facts_of(s)
        modality = modality_of(s)
        if modality == "statement" and any(f.kind == "time_limit" for f in facts):
            modality = "obligation"   # "2025年12月底前，各地将…纳入": a deadline binds even without 应当
        out.append(Sentence(s, modality, actors_of(s), facts, subjects_of(s)))
    return out


def _provision(clause: Clause, pid: str, text: str, label: str | None = None, level: str | None = None) -> Provision:
    level = level or LEVEL_NAMES[clause.level]
    heading = _heading(clause, level, text) if label is None else None
    return Provision(id=pid, label=label or clause.label, level=level, heading=heading, text=text, sentences=[],
                     actors=(), modality="statement", facts=(), topic=None, children=[],
                     is_purpose=bool(_PURPOSE.match(text) or _PURPOSE.match(_after_heading(text, heading))), ref="")


def _after_heading(text: str, heading: str | None) -> str:
    """The body under a heading line ("总体要求\n以…为指导，…")."""
    return text[len(heading):].lstrip("。 \n") if heading and text.startswith(heading) else text


def _paragraph_children(parent: Provision, clause: Clause) -> None:
    """An article of several lines: the first is its text, the others its 款 (第二款, 第三款…)."""
    lines = [l.strip() for l in parent.text.split("\n") if l.strip()]
    if parent.level != "article" or len(lines) < 2:
        if parent.level in ("item", "numbered") and len(lines) > 1 and clause.title and lines[0] == clause.title:
            parent.heading, lines = clause.title, lines[1:]   # "一、目标任务" on its own line, then its text
        parent.text = " ".join(lines) if parent.level in ("chapter", "section") else "".join(lines)
        parent.sentences = _sentences(parent.text) if parent.level not in ("chapter", "section") else []
        return
    parent.text = lines[0]
    parent.sentences = _sentences(lines[0])
    for line in lines[1:]:
        _add_paragraph(parent, clause, line)


def _add_paragraph(article: Provision, clause: Clause, line: str) -> None:
    """Append the article's next 款 (第二款, 第三款…; its first paragraph is the article's own text)."""
    k = 2 + sum(1 for c in article.children if c.level == "paragraph")
    label = f"第{_CN_COUNT[k] if k < len(_CN_COUNT) else k}款"
    child = _provision(clause, f"{article.id}/{label}", line, label, "paragraph")
    child.sentences = _sentences(line)
    child.ref = article.ref + label
    article.children.append(child)


_CN_COUNT = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]


def _split_points(nodes: list[Provision]) -> None:
    """A provision enumerating "一是…二是…" gets each point as a child (see enumerated.py)."""
    for p in nodes:
        _split_points(p.children)
        if p.level in ("chapter", "section"):
            continue
        found = enumerated_points(p.text)
        if not found:
            continue
        lead, points = found
        p.text, p.sentences = lead, _sentences(lead)
        kids, run = [], 0
        for label, text in points:
            if label == "一是" or label == "第一":
                run += 1
            # a second enumeration in one text keeps its points apart: "一是", then "2/一是"; text between
            # two enumerations is a paragraph of the provision (it leads the next points)
            key = (label if run <= 1 else f"{run}/{label}") if label else f"{run}/段"
            level = "numbered" if label else "paragraph"
            child = Provision(id=f"{p.id}/{key}", label=label, level=level,
                              heading=_point_heading(label, text) if label else None,
                              text=text, sentences=_sentences(text), actors=(), modality="statement", facts=(),
                              topic=None, children=[], is_purpose=False, ref=p.ref + label)
            kids.append(child)
        p.children = kids + p.children


def _point_heading(label: str, text: str) -> str | None:
    """"一是加强数据筛查分析。构建…" → "加强数据筛查分析"."""
    first = re.match(r"^([^。；：:]{2,%d})[。；]" % _HEADING_SENTENCE, text[len(label):].lstrip("，,、"))
    return first.group(1) if first and len(text) > len(first.group(0)) + len(label) + 8 else None


def _tree(clauses: list[Clause]) -> tuple[list[str], list[Provision]]:
    """(leading paragraphs before the first marker, top-level provisions)."""
    lead: list[str] = []
    top: list[Provision] = []
    by_path: dict[tuple[str, ...], Provision] = {}
    has_markers = any(c.level != "para" for c in clauses)
    for c in clauses:
        if c.level == "para" and len(c.path) == 1 and has_markers:
            lead.append(c.text)
            continue
        pid = "/".join(_id_part(l) for l in c.path)
        parent = by_path.get(c.path[:-1])
        text, later_paragraphs = c.text, []
        if parent is not None and parent.level == "article" and LEVEL_NAMES[c.level] in ("item", "numbered"):
            # "第五条 …：（一）…；（二）…。\n互联网医院可…": a line after an article's item is the article's next 款
            first, *later_paragraphs = [l for l in c.text.split("\n") if l.strip()] or [""]
            text = first
        node = _provision(c, pid, text)
        node.ref = clause_ref(c.path) if c.level != "para" else pid
        _paragraph_children(node, c)
        for child in node.children:
            child.ref = node.ref + child.label
        (parent.children if parent else top).append(node)
        by_path[c.path] = node
        for line in later_paragraphs:
            _add_paragraph(parent, c, line.strip())
    if not has_markers and top and top[0].is_purpose:
        lead.append(top.pop(0).text)
    return lead, top


def _annotate(nodes: list[Provision], inherited_actors: tuple[str, ...], lead_modality: str | None,
              lead_actors: tuple[str, ...] = (), topic=None, inherited_subjects: tuple[str, ...] = ()) -> None:
    """Fill actors/modality/facts/topic; an item under a lead ("定点医疗机构应当：") takes the lead's subject
    and modality when its own sentences leave them implied; a provision without actors takes its parent's."""
    for p in nodes:
        for s in p.sentences:
            if lead_actors:   # the lead's subject is the subject of every item under it
                s.actors = tuple(dict.fromkeys(lead_actors + s.actors))
                s.subjects = s.subjects or lead_actors
            elif not s.actors and inherited_actors:
                s.actors = inherited_actors
            if not s.subjects and inherited_subjects and s.modality != "statement":
                s.subjects = inherited_subjects   # "发现…的，应当及时报告": the subject is implied
            if s.modality == "statement" and lead_modality:
                s.modality = lead_modality
        if p.level in ("chapter", "section"):
            p.actors = actors_of(p.heading or p.text)   # "定点医疗机构运行管理": the subject of its articles
        else:
            p.actors = tuple(dict.fromkeys(a for s in p.sentences for a in s.actors)) or inherited_actors
        p.subjects = tuple(dict.fromkeys(a for s in p.sentences for a in s.subjects))
        p.modality = strongest(s.modality for s in p.sentences) if p.sentences else (lead_modality or "statement")
        p.facts = tuple(f for s in p.sentences for f in s.facts)
        p.topic = topic(p.heading, p.text) if topic else None
        child_lead, child_lead_actors = None, ()
        child_actors = p.actors if p.level not in ("chapter", "section") or p.actors else inherited_actors
        if p.sentences and _LEAD_END.search(p.sentences[-1].text):
            lead = p.sentences[-1]
            child_lead = lead.modality if lead.modality in ("prohibition", "penalty", "obligation") else None
            child_actors = lead.actors or child_actors
            child_lead_actors = lead.subjects or lead.actors
        _annotate(p.children, child_actors, child_lead, child_lead_actors, topic, p.subjects or inherited_subjects)


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
    """Parse a 公文 (notice, 办法, 条例, 令, agreement, catalogue notes) into zones and an annotated clause tree.

    `title` (e.g. from the web page) is used when the text prints none."""
    if not isinstance(text, str):
        raise TypeError(f"parse_document expects str, got {type(text).__name__}")
    scan = scan_zones(text)
    preamble, provisions, attachment_zones = _body(scan)
    _split_points(provisions)
    printed_title = scan.titles[0] if scan.titles else find_title(clean_lines(text))   # a page-per-line PDF text
    if is_directive_document(printed_title or title):   # "推进…", "加强…" instruct the addressees
        for p in iter_provisions(provisions):
            for s in p.sentences:
                if s.modality in ("statement", "permission") and is_directive(s.text):
                    s.modality, s.directive = "obligation", True
    parties = party_actors(text[:6000])
    if parties:   # "乙方应当…" in an agreement binds the party it defines
        for p in iter_provisions(provisions):
            for s in p.sentences:
                s.actors = with_parties(s.actors, s.text, parties)
                s.parties = tuple((label, actors) for label, actors in parties.items()
                                  if label in s.text or "甲乙双方" in s.text)
                s.subjects = subjects_of(s.text, parties)
    _annotate(provisions, (), None, (), _topic_classifier())
    issuers, signed = _issuers_and_date(scan)
    zones = list(scan.zones) + attachment_zones
    attached = {(z.start_line, z.end_line) for z in attachment_zones}
    for seg in scan.segments:
        if seg.lines and (seg.lines[0].no, seg.lines[-1].no) not in attached:
            zones.append(Zone("body", _segment_text(seg.lines), seg.lines[0].no, seg.lines[-1].no))
    zones.sort(key=lambda z: (z.start_line, z.kind != "body"))
    return Document(title=printed_title or title, doc_numbers=list(scan.doc_numbers),
                    addressees=list(scan.addressees), preamble=preamble, promulgation=scan.promulgation,
                    provisions=provisions, issuers=issuers, signed_date=signed, attachments=list(scan.attachments),
                    colophon=dict(scan.colophon), zones=zones)


def _body(scan: ZoneScan) -> tuple[list[str], list[Provision], list[Zone]]:
    """(preamble, provisions, attachment zones) from the body segments.

    A 印发 cover without numbered clauses before the issued document is preamble; an unnumbered segment
    after a signature (an attached table or list) is an attachment zone; a second numbered segment (an
    attached document) keeps its provisions under ids "附件N/…"."""
    parsed = [_tree(parse_clauses(normalize_text(_segment_text(seg.lines)))) for seg in scan.segments]
    any_markers = any(p.level != "paragraph" for _, top in parsed for p in top)
    preamble: list[str] = []
    provisions: list[Provision] = []
    attachments: list[Zone] = []
    for k, (lead, top) in enumerate(parsed):
        if top and any_markers and all(p.level == "paragraph" for p in top):
            if k == 0:
                preamble.extend(lead + [p.text for p in top])
            else:
                lines = scan.segments[k].lines
                attachments.append(Zone("attachment", _segment_text(lines), lines[0].no, lines[-1].no))
            continue
        preamble.extend(lead)
        if top and provisions:
            prefix = scan.segments[k].label or f"附件{k}"
            for p in iter_provisions(top):
                p.id, p.ref = f"{prefix}/{p.id}", f"{prefix}/{p.ref}"
        provisions.extend(top)
    return preamble, provisions, attachments


def _issuers_and_date(scan: ZoneScan) -> tuple[list[str], dt.date | None]:
    """落款 bodies and 成文日期: the first signature with bodies, the first date; a 令 without a signing
    body is issued by the body of its number ("国家医疗保障局令第2号" → 国家医疗保障局)."""
    issuers = next((organs for organs, _ in scan.signatures if organs), [])
    signed = next((d for _, d in scan.signatures if d), None)
    if not issuers:
        for number in scan.doc_numbers:
            m = re.match(r"^(.+?)令第", number)
            if m:
                issuers = ["国务院"] if m.group(1).endswith("国务院") else [m.group(1)]
                break
    return issuers, signed
