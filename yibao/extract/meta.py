"""extract_metadata: all document-level facts of one policy text."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from yibao.document import Document, head, parse_document
from .clauses_rules import add_years, find_effective_all, find_repeals_flat, find_validity, pick_effective
from yibao.document.dates import parse_cn_date
from yibao.document.docnumber import find_doc_numbers_flat
from yibao.document.textview import clean_lines, compact, flat

_PRINTED = re.compile(r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)印发")
_PUBLISH_BASES = ("发布", "公布", "颁布", "公告")


@dataclass
class DocumentMeta:
    title: str | None = None
    doc_number: str | None = None
    doc_numbers: list[str] = field(default_factory=list)   # all own numbers ("A / B" documents)
    doc_number_well_formed: bool | None = None
    issuer: str | None = None
    issuers: list[str] = field(default_factory=list)
    written_date: str | None = None      # 成文日期
    publish_date: str | None = None      # 发布日期 (from the page; not printed in the text)
    printed_date: str | None = None      # 印发日期 in the 版记
    effective_date: str | None = None
    effective_basis: str | None = None   # "印发之日" etc. when the text gives no date
    effective_text: str | None = None
    expiry: str | None = None            # last day of validity
    expiry_years: int | None = None
    repeals: list[dict] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    outline: list[dict] | None = None    # None when yibao.clauses is unavailable
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _hint_date(hints: dict, key: str) -> dt.date | None:
    value = hints.get(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_cn_date(str(value)) if value else None


def _outline(text: str, warnings: list[str]) -> list[dict] | None:
    try:
        from yibao.document.clauses import outline
    except ImportError:
        warnings.append("clause outline unavailable (yibao.clauses not installed)")
        return None
    return outline(text)


def _zone_numbers(doc: Document):
    """The 发文字号 the document model read off the head (in （…） under the title, …令第N号)."""
    out = []
    for zone in doc.zones:
        if zone.kind == "doc_number":
            out.extend(find_doc_numbers_flat(flat(zone.text)))
    return out


def extract_metadata(text: str, *, hints: dict | None = None) -> DocumentMeta:
    """Metadata of one policy text; ``hints`` are facts from the page around it.

    Hint keys: title, publish_date, doc_number, issuer, written_date. The
    page's publish_date is taken as is (the text never prints it); the others
    fill gaps and are cross-checked against the text (a mismatch is a warning).
    """
    if not isinstance(text, str):
        raise TypeError(f"extract_metadata needs str, got {type(text).__name__}")
    hints = dict(hints or {})
    meta = DocumentMeta()
    w = meta.warnings
    lines = clean_lines(text)
    text_flat = flat(text)
    doc = parse_document(text, title=(hints.get("title") or None))

    # title
    body_title = head.find_title(lines)
    hint_title = (hints.get("title") or "").strip() or None
    body_title = body_title or doc.title
    meta.title = body_title or hint_title
    if body_title and hint_title and compact(body_title) != compact(hint_title):
        w.append(f"title on the page differs from the printed title: {hint_title!r}")

    # 发文字号
    own = head.own_doc_numbers(text, lines) or _zone_numbers(doc)
    hint_nums = find_doc_numbers_flat(flat(str(hints.get("doc_number") or "")))
    if own:
        meta.doc_numbers = [n.canonical for n in own]
        meta.doc_number_well_formed = own[0].well_formed
        if hint_nums and hint_nums[0].canonical not in meta.doc_numbers:
            w.append(f"doc_number on the page ({hint_nums[0].canonical}) differs from the text ({own[0].canonical})")
    elif hint_nums:
        meta.doc_numbers = [n.canonical for n in hint_nums]
        meta.doc_number_well_formed = hint_nums[0].well_formed
    elif hints.get("doc_number"):
        w.append(f"doc_number hint not understood: {hints['doc_number']!r}")
    meta.doc_number = meta.doc_numbers[0] if meta.doc_numbers else None
    if meta.doc_number_well_formed is False:
        w.append(f"发文字号 not in GB/T 9704 form as printed; normalised to {meta.doc_number}")

    # dates and signature
    written, organ = head.find_written_date(lines)
    hint_written = _hint_date(hints, "written_date")
    if written and hint_written and written != hint_written:
        w.append(f"written_date on the page ({hint_written}) differs from the text ({written})")
    meta.written_date = _iso(written or hint_written)
    publish = _hint_date(hints, "publish_date")
    meta.publish_date = _iso(publish)
    printed = [m for m in _PRINTED.finditer(text_flat)]
    printed_date = parse_cn_date(printed[-1]["date"]) if printed else None
    meta.printed_date = _iso(printed_date)

    # issuer
    meta.issuer = (head.issuer_from_title(body_title) or " ".join(doc.issuers) or organ or head.cover_issuer(lines)
                   or (hints.get("issuer") or None) or head.issuer_from_title(hint_title))
    meta.issuers = head.split_issuers(meta.issuer)

    # effective date
    eff = pick_effective(find_effective_all(text_flat))
    if eff:
        meta.effective_text = eff.text
        if eff.basis:
            meta.effective_basis = eff.basis
            base = eff.basis[:-2]
            if base in _PUBLISH_BASES:
                order = [(publish, "publish_date"), (written, "written_date")]
            else:
                order = [(printed_date, "printed_date (版记)"), (written, "written_date"), (publish, "publish_date")]
            resolved = next(((d, name) for d, name in order if d), None)
            if resolved:
                meta.effective_date = _iso(resolved[0])
                w.append(f"effective date is relative ({eff.basis}); resolved to the {resolved[1]}")
            else:
                w.append(f"effective date is relative ({eff.basis}) and no date is known to resolve it")
        else:
            meta.effective_date = _iso(eff.date)

    # expiry
    validity = find_validity(text_flat)
    if validity:
        if validity.until:
            meta.expiry = _iso(validity.until)
        else:
            meta.expiry_years = validity.years
            start = dt.date.fromisoformat(meta.effective_date) if meta.effective_date else None
            if start:
                meta.expiry = _iso(add_years(start, validity.years) - dt.timedelta(days=1))
            else:
                w.append(f"{validity.text}: no effective date to count from")

    meta.repeals = find_repeals_flat(text_flat)
    meta.attachments = head.find_attachments(lines)
    meta.outline = _outline(text, w)
    return meta
