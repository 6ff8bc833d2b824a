"""The document model: one 公文 parsed into zones and an annotated clause tree.

Only `Document.provisions` (the body) is policy content; header, 主送, 公布 block,
signature and date lines, 附件 list and 版记 live in their own fields and zones.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Iterator, Literal

Modality = Literal["prohibition", "obligation", "penalty", "permission", "statement"]
# strongest first: a provision's modality is the strongest of its sentences
MODALITY_RANK: dict[str, int] = {"prohibition": 4, "penalty": 3, "obligation": 2, "permission": 1, "statement": 0}


def strongest(modalities) -> str:
    return max(modalities, key=lambda m: MODALITY_RANK[m], default="statement")


@dataclass
class Fact:
    kind: str            # "number" | "date" | "time_limit" | "frequency" | "list" | "doc_number"
    text: str            # as printed, whole: "6个月", "12月底前", "2个百分点", "医保发〔2021〕27号"
    value: str | None    # "6", "2025-12-31", ... (frequency: times per period, "1")
    unit: str | None     # "个月", "个工作日", "个百分点", "元", "%", ... (frequency: "次/年", "次/季度")
    measure: str | None  # what it measures, from the sentence: "起付标准", "备案有效期"
    items: tuple[str, ...] = ()   # kind == "list": the items


@dataclass
class Sentence:
    text: str
    modality: Modality
    actors: tuple[str, ...]
    facts: tuple[Fact, ...]
    subjects: tuple[str, ...] = ()   # the actors named before the modal word: who is bound, not just mentioned
    directive: bool = False   # a bare-verb instruction ("推进智能审核全覆盖。") read as an obligation
    parties: tuple = ()   # an agreement's party labels it names, and whom they stand for: (("乙方", ("medical_institution",)),)


@dataclass
class Provision:
    id: str                 # stable path: "第十五条", "三/（二）", "第三条/第二款/（一）"
    label: str              # as printed: "第十五条", "（二）", "3."
    level: str              # "chapter" | "section" | "article" | "paragraph" | "item" | "numbered"
    heading: str | None     # 章/节 title or an item's lead phrase
    text: str               # own text, without children
    sentences: list[Sentence]
    actors: tuple[str, ...]
    modality: Modality
    facts: tuple[Fact, ...]
    topic: str | None
    children: list["Provision"] = field(default_factory=list)
    is_purpose: bool = False
    ref: str = ""           # short citation: "第四条（二）" (innermost 条 down), or the id
    subjects: tuple[str, ...] = ()   # union of the sentences' subjects (inherited from a lead "…应当：")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Zone:
    kind: str   # "title" | "doc_number" | "addressee" | "preamble" | "promulgation" | "body" | "signature" |
                # "date" | "attachment_list" | "colophon"; also "closing" (特此通知), "attachment" (an attached
                # table or list after the signature: data, not provisions) and "other" (stray text of a
                # neighbouring document, a "附件" label)
    text: str
    start_line: int   # 0-based line numbers in the input text, inclusive
    end_line: int


@dataclass
class Document:
    title: str | None
    doc_numbers: list[str]
    addressees: list[str]
    preamble: list[str]
    promulgation: str | None
    provisions: list[Provision]
    issuers: list[str]
    signed_date: dt.date | None
    attachments: list[str]
    colophon: dict[str, str]
    zones: list[Zone]

    def to_dict(self, *, provisions: bool = True) -> dict:
        d = asdict(self)
        d["signed_date"] = self.signed_date.isoformat() if self.signed_date else None
        if not provisions:
            d.pop("provisions")
        return d


def iter_provisions(doc_or_list) -> Iterator[Provision]:
    """Every provision, depth-first in reading order."""
    stack = list(reversed(doc_or_list.provisions if isinstance(doc_or_list, Document) else doc_or_list))
    while stack:
        p = stack.pop()
        yield p
        stack.extend(reversed(p.children))
