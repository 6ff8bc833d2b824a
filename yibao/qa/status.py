"""Is a cited version in force?  And what replaced it?

A version is not in force when a newer version of the same document exists (revised in
place) or when another document supersedes its document (repeal sentence, 征求意见稿 → final,
暂行 → 办法, the next year's edition: `yibao.pipeline.successors` sets `supersedes_id`), or
when its validity period (有效期) has run out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yibao.store import Change, Document, Version


@dataclass
class VersionStatus:
    in_force: bool
    note: str                     # "现行有效" | "已被修订（新版本）" | "已被废止/替代：…" | "已过有效期"
    successor_title: str | None
    successor_url: str | None
    successor_document_id: int | None


def statuses(session: Session, version_ids: set[int], today: dt.date | None = None) -> dict[int, VersionStatus]:
    today = today or dt.date.today()
    if not version_ids:
        return {}
    rows = session.execute(select(Version.id, Version.meta, Document)
                           .join(Document, Document.id == Version.document_id).where(Version.id.in_(version_ids)))
    versions = {vid: (meta, doc) for vid, meta, doc in rows}
    doc_ids = {doc.id for _, doc in versions.values()}
    latest = {d: v for d, v in session.execute(select(Version.document_id, func.max(Version.id))
                                  .where(Version.document_id.in_(doc_ids)).group_by(Version.document_id))}
    successors: dict[int, Document] = {}
    for d in session.scalars(select(Document).where(Document.supersedes_id.in_(doc_ids)).order_by(Document.id)):
        successors.setdefault(d.supersedes_id, d)
    out: dict[int, VersionStatus] = {}
    for vid, (meta, doc) in versions.items():
        if doc.id in successors:
            s = successors[doc.id]
            out[vid] = VersionStatus(False, "已废止或被替代", s.title, s.url, s.id)
        elif latest.get(doc.id) != vid:
            out[vid] = VersionStatus(False, "已被修订（有新版本）", doc.title, doc.url, doc.id)
        elif _expired(meta, today):
            out[vid] = VersionStatus(False, "已过有效期", None, None, None)
        else:
            out[vid] = VersionStatus(True, "现行有效", None, None, None)
    return out


def _expired(meta: dict | None, today: dt.date) -> bool:
    expiry = ((meta or {}).get("extracted") or {}).get("expiry")
    try:
        return bool(expiry) and dt.date.fromisoformat(str(expiry)) < today
    except ValueError:
        return False


def change_ids(session: Session, version_ids: set[int]) -> dict[int, int]:
    """version id → the id of the change (对照表) that introduced it, where one exists."""
    if not version_ids:
        return {}
    return {v: c for v, c in session.execute(select(Change.new_version_id, Change.id)
                                .where(Change.new_version_id.in_(version_ids)))}
