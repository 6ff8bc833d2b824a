"""Turn one fetched article into a document version in the store.

A new version is created only when the normalised content or an attachment's
hash changes; a page that flips back to an earlier state (A/B/A) matches the
earlier version's content hash and creates nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.pipeline.identity import (
    canonical_doc_number, identity_key, normalise_title, title_similarity,
)
from yibao.store import Attachment, BlobStore, Document, Version
from yibao.workdays import training_deadline

log = logging.getLogger(__name__)

SAME_DOCUMENT_TITLE_SIMILARITY = 0.5


class StoredConcurrently(Exception):
    """A concurrent scrape stored this page's document after we looked for it: look again."""


@dataclass
class RecordResult:
    document_id: int
    version_id: int | None  # None: nothing new
    created: bool
    reason: str


@dataclass
class ExtractedAttachment:
    name: str
    url: str
    sha256: str | None
    kind: str
    status: str
    reason: str
    text: str
    rows: list[dict[str, Any]]


def normalise_body(text: str) -> str:
    """Whitespace-insensitive form of a body, used for the content hash."""
    return re.sub(r"[\s\u3000\xa0]+", "", text or "")


def content_hash(title: str, body: str, attachment_hashes: list[str]) -> str:
    h = hashlib.sha256()
    h.update(normalise_title(title).encode())
    h.update(b"\x00")
    h.update(normalise_body(body).encode())
    for sha in sorted(attachment_hashes):
        h.update(b"\x00" + sha.encode())
    return h.hexdigest()


def extract_attachments(fetched_attachments, blobs: BlobStore, known: dict[str, Attachment]) -> list[ExtractedAttachment]:
    """Store each downloaded attachment's bytes and extract its text, reusing known extractions."""
    from yibao.attachments import extract_bytes

    out: list[ExtractedAttachment] = []
    for fa in fetched_attachments:
        link = fa.link
        if fa.data is None and fa.status == "not_modified" and fa.sha256 in known:  # 304: the bytes we have
            prev = known[fa.sha256]
            out.append(ExtractedAttachment(link.name, link.url, fa.sha256, prev.kind, prev.status, prev.reason,
                                           prev.text, list(prev.rows or [])))
            continue
        if fa.data is None:
            out.append(ExtractedAttachment(link.name, link.url, None, "unknown", fa.status,
                                           fa.error or fa.status, "", []))
            continue
        sha = blobs.put(fa.data)
        if sha in known:  # unchanged bytes are not re-parsed
            prev = known[sha]
            out.append(ExtractedAttachment(link.name, link.url, sha, prev.kind, prev.status, prev.reason,
                                           prev.text, list(prev.rows or [])))
            continue
        result = extract_bytes(fa.data, attachment_filename(link))
        out.append(ExtractedAttachment(link.name, link.url, sha, result.kind, result.status, result.reason,
                                       result.text if result.status == "ok" else "",
                                       list(getattr(result, "rows", None) or [])))
    return out


def attachment_filename(link) -> str:
    """The name to extract an attachment by: its URL's last part when that has an extension, else the link text."""
    tail = re.split(r"[=/]", link.url)[-1]
    return tail if "." in tail else link.name


def combined_text(body: str, attachments: list[ExtractedAttachment]) -> str:
    parts = [body.strip()]
    for att in attachments:
        if att.text.strip():
            parts.append(f"【附件：{att.name}】\n{att.text.strip()}")
    return "\n\n".join(p for p in parts if p)


def find_document(session: Session, source_id: str, doc_number: str | None, url: str, title: str) -> Document | None:
    """The stored document this page belongs to, by 发文字号, then URL, then exact title."""
    number = canonical_doc_number(doc_number)
    if number:
        doc = session.scalar(select(Document).where(Document.source_id == source_id,
                                                    Document.identity_key == f"no:{number}"))
        if doc and title_similarity(doc.title, title) >= SAME_DOCUMENT_TITLE_SIMILARITY:
            return doc
    doc = session.scalar(select(Document).where(Document.source_id == source_id,
                                                Document.identity_key == identity_key(None, url)))
    if doc:
        return doc
    if number:  # known by URL under its number? (first seen without a number)
        doc = session.scalar(select(Document).where(Document.source_id == source_id, Document.url == url))
        if doc:
            return doc
    norm = normalise_title(title)
    if len(norm) >= 8:
        doc = session.scalar(select(Document).where(Document.source_id == source_id,
                                                    Document.norm_title == norm))
        # the same title under another 发文字号 is another document (yearly notices, re-issues)
        if doc is not None and not (number and doc.doc_number and doc.doc_number != number):
            return doc
    return None


def record_article(session: Session, source_id: str, fetched, *, blobs: BlobStore | None = None,
                   now: dt.datetime | None = None) -> RecordResult:
    """Store a fetched article (page + attachments) as a new version if its content is new.

    Only content counts: the body is hashed without page furniture (counters, share widgets,
    the anti-fraud footer); meta such as Maketime/PubDate never enters the hash.
    """
    from scrapers.base import strip_furniture

    blobs = blobs or BlobStore()
    page = fetched.page
    page.body_text = strip_furniture(page.body_text)
    raw_sha = blobs.put(fetched.raw)
    doc = find_document(session, source_id, page.doc_number, page.url, page.title)

    if doc is not None:
        latest = doc.versions[-1] if doc.versions else None
        if latest is not None and latest.raw_sha256 == raw_sha and not fetched.attachments:
            return RecordResult(doc.id, None, False, "raw bytes unchanged")

    known = _known_attachments(session, doc)
    attachments = extract_attachments(fetched.attachments, blobs, known)
    text = combined_text(page.body_text, attachments)
    chash = content_hash(page.title, page.body_text, [a.sha256 for a in attachments if a.sha256])

    if doc is not None:
        existing = session.scalar(select(Version).where(Version.document_id == doc.id,
                                                        Version.content_hash == chash))
        if existing is not None:
            reason = "same as latest version" if existing is doc.versions[-1] else \
                f"content returned to version {existing.seq} (A/B/A flip): not a new change"
            return RecordResult(doc.id, None, False, reason)

    meta = _metadata(text, page)
    if doc is None:
        doc = _new_document(session, source_id, page, meta, now)
    _refresh_document(doc, page, meta)

    version = Version(document_id=doc.id, seq=len(doc.versions) + 1, content_hash=chash, raw_sha256=raw_sha,
                      url=page.url, title=page.title, text=text, meta=meta)
    session.add(version)
    session.flush()
    for att in attachments:
        session.add(Attachment(version_id=version.id, name=att.name, url=att.url, sha256=att.sha256,
                               kind=att.kind, status=att.status, reason=att.reason, text=att.text,
                               rows=att.rows))
    session.flush()
    return RecordResult(doc.id, version.id, True, "new document" if version.seq == 1 else "revised")


def _known_attachments(session: Session, doc: Document | None) -> dict[str, Attachment]:
    if doc is None:
        return {}
    rows = session.scalars(select(Attachment).join(Version).where(Version.document_id == doc.id,
                                                                  Attachment.sha256.is_not(None)))
    return {a.sha256: a for a in rows}


def _metadata(text: str, page) -> dict[str, Any]:
    hints = {k: getattr(page, k, None) for k in
             ("title", "publish_date", "doc_number", "issuer", "written_date")}
    hints = {k: v for k, v in hints.items() if v}
    meta: dict[str, Any] = {"page": {**hints, "validity": getattr(page, "validity", None),
                                     "index_no": getattr(page, "index_no", None),
                                     "meta": getattr(page, "meta", {}) or {}}}
    try:
        from yibao.extract import extract_metadata

        meta["extracted"] = extract_metadata(text, hints=hints).to_dict()
    except Exception as exc:  # extraction problems are recorded, never fatal
        log.warning("metadata extraction failed for %s: %s", page.url, exc)
        meta["extracted"] = {"warnings": [f"extraction failed: {exc}"]}
    return meta


def _new_document(session: Session, source_id: str, page, meta: dict[str, Any], now) -> Document:
    doc_number = page.doc_number or meta["extracted"].get("doc_number")
    key = identity_key(doc_number, page.url)
    if session.scalar(select(Document.id).where(Document.source_id == source_id, Document.identity_key == key)):
        stored = find_document(session, source_id, page.doc_number, page.url, page.title)
        if stored is not None:   # it missed a moment ago: a concurrent scrape has committed this page since
            raise StoredConcurrently(f"{page.url} was stored as document {stored.id} meanwhile")
        key = identity_key(None, page.url)  # same 发文字号, different document (e.g. its 解读 page)
    doc = Document(source_id=source_id, identity_key=key,
                   doc_number=canonical_doc_number(doc_number), title=page.title,
                   norm_title=normalise_title(page.title), url=page.url,
                   first_seen_at=(now or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None))
    session.add(doc)
    session.flush()
    return doc


def _refresh_document(doc: Document, page, meta: dict[str, Any]) -> None:
    extracted = meta.get("extracted", {})
    doc.title, doc.norm_title, doc.url = page.title, normalise_title(page.title), page.url
    doc.doc_number = canonical_doc_number(page.doc_number or extracted.get("doc_number")) or doc.doc_number
    doc.issuer = page.issuer or extracted.get("issuer") or doc.issuer
    doc.validity = getattr(page, "validity", None) or doc.validity
    publish = _date(page.publish_date) or _date(extracted.get("publish_date"))
    doc.publish_date = publish or doc.publish_date
    doc.effective_date = _date(extracted.get("effective_date")) or doc.effective_date
    anchor = doc.publish_date or (doc.first_seen_at + dt.timedelta(hours=8)).date()
    deadline = training_deadline(anchor)
    doc.deadline, doc.deadline_provisional = deadline.date, deadline.provisional


def _date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
