"""Load policy texts (the shared corpus layout: `<id>.txt` + `<id>.json` labels) into the store.

Used by the QA benchmark, its tests and `yibao ask --load DIR` to try questions on texts that
did not come through a scrape.  Each text becomes a document with one version.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from sqlalchemy.orm import Session

from yibao.store import Document, Source, Version

LOCAL_SOURCE = "local_texts"


def ensure_source(session: Session, source_id: str = LOCAL_SOURCE) -> str:
    if session.get(Source, source_id) is None:
        session.add(Source(id=source_id, name="本地政策文本", family="local", base_url="file://"))
        session.flush()
    return source_id


def store_text(session: Session, *, title: str, text: str, doc_number: str | None = None,
               url: str = "", date: str | None = None, source_id: str = LOCAL_SOURCE,
               supersedes: Document | None = None, identity: str | None = None) -> Version:
    """A new document with one version holding `text` (or a new version of the same identity)."""
    ensure_source(session, source_id)
    key = f"no:{doc_number}" if doc_number else f"id:{identity}" if identity else f"title:{title}"
    doc = session.query(Document).filter_by(source_id=source_id, identity_key=key).one_or_none()
    if doc is None:
        doc = Document(source_id=source_id, identity_key=key, doc_number=doc_number, title=title,
                       norm_title=title, url=url or f"file://{key}",
                       publish_date=dt.date.fromisoformat(date) if date else None,
                       supersedes_id=supersedes.id if supersedes else None,
                       supersedes_reason="repealed by this document" if supersedes else None)
        session.add(doc)
        session.flush()
    digest = hashlib.sha256(text.encode()).hexdigest()
    stored = next((v for v in doc.versions if v.content_hash == digest), None)
    if stored is not None:
        return stored   # the same text again (a second --load): nothing new
    version = Version(document_id=doc.id, seq=len(doc.versions) + 1, content_hash=digest, raw_sha256=digest,
                      url=doc.url, title=title, text=text, meta={})
    session.add(version)
    session.flush()
    return version


class LabelError(ValueError):
    """A label file that cannot be read: its path and why."""


def load_folder(session: Session, folder: Path, *, with_ids: bool = False, skipped: list | None = None) -> list:
    """Every `<id>.txt` with an `<id>.json` label file beside it (normalized text preferred).
    Labels without a title or a text are left out, each noted in `skipped` as (file name, reason)."""
    out, identity = [], {}
    for label in sorted(Path(folder).glob("*.json")):
        stem = label.stem
        if stem.endswith(".lessons"):
            continue
        try:
            meta = json.loads(label.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise LabelError(f"{label}: not a valid JSON label file ({exc})") from None
        if not isinstance(meta, dict):
            raise LabelError(f"{label}: a label file holds a JSON object (title, doc_number, …)")
        root = identity.get(meta.get("pair_with"), stem)   # versions of one document share the first's identity
        identity[stem] = root
        text_path = next((p for p in (label.with_name(f"{stem}.normalized.txt"), label.with_name(f"{stem}.txt"))
                          if p.exists()), None)
        if text_path is None or not meta.get("title"):
            if skipped is not None:
                skipped.append((label.name, f"no {stem}.txt beside it" if text_path is None else "no title in it"))
            continue
        version = (store_text(session, title=meta["title"], text=text_path.read_text(encoding="utf-8"),
                              doc_number=meta.get("doc_number"), identity=root, url=meta.get("url") or f"file://{text_path}",
                              date=meta.get("written_date") or meta.get("publish_date")))
        out.append((stem, version) if with_ids else version)
    return out
