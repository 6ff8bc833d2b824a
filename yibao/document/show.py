"""What the document model made of a text, for people: JSON-ready dicts and an indented outline."""
from __future__ import annotations

from .model import Document, Provision, iter_provisions


def provision_dict(p: Provision) -> dict:
    return {"id": p.id, "ref": p.ref, "label": p.label, "level": p.level, "heading": p.heading, "text": p.text,
            "modality": p.modality, "subjects": list(p.subjects), "actors": list(p.actors), "topic": p.topic, "is_purpose": p.is_purpose,
            "facts": [{k: v for k, v in vars(f).items() if v not in (None, ())} for f in p.facts],
            "sentences": [{"text": s.text, "modality": s.modality, "subjects": list(s.subjects), "actors": list(s.actors),
                           "facts": [f.text for f in s.facts]} for s in p.sentences],
            "children": [provision_dict(c) for c in p.children]}


def document_dict(doc: Document) -> dict:
    d = doc.to_dict(provisions=False)
    d["provisions"] = [provision_dict(p) for p in doc.provisions]
    return d


def outline_lines(doc: Document) -> list[str]:
    """One line per zone, then one per provision:
    "  第三条 [obligation] medical_institution (+insured) · 6个月 | text…" (bound actors, then others mentioned)."""
    out = [f"[{z.kind}] lines {z.start_line + 1}-{z.end_line + 1}: {z.text[:60].replace(chr(10), ' / ')}"
           for z in doc.zones if z.kind != "body"]
    for p in iter_provisions(doc):
        depth = p.id.count("/") - p.id.startswith("附件")   # an attached document starts at the left again
        facts = "、".join(f.text for f in p.facts if f.kind != "list")[:40]
        bound = ",".join(p.subjects) or "-"
        others = ",".join(a for a in p.actors if a not in p.subjects)
        out.append(f"{'  ' * depth}{p.label} [{p.modality}] {bound}" + (f" (+{others})" if others else "")
                   + (f" · {facts}" if facts else "") + f" | {(p.heading or p.text)[:50]}")
    return out
