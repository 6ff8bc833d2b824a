"""The document model: one parse of a 公文 that extraction, the diff and the lessons share.

    from yibao.document import parse_document, iter_provisions
    doc = parse_document(text)
    for p in iter_provisions(doc):
        print(p.id, p.modality, p.actors, [f.text for f in p.facts])

Zones (标题, 发文字号, 主送, 公布 block, 落款, 成文日期, 附件, 版记) are found line by line
(`zones.py`); the body goes through the clause parser (`clauses.py`) and each provision's
sentences are annotated (`annotate.py`, `facts.py`).
"""
from .model import Document, Fact, Modality, Provision, Sentence, Zone, iter_provisions
from .parse import parse_document

__all__ = ["Document", "Fact", "Modality", "Provision", "Sentence", "Zone", "iter_provisions", "parse_document"]
