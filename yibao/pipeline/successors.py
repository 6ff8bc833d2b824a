"""Link a new document to the one it supersedes.

Evidence, strongest first:
  1. its own repeal sentences (同时废止 / 不再执行 / 原…停止执行), matched by 发文字号 or title;
  2. 征求意见稿 → final text, and 暂行/试行办法 → 办法 (same series, draft/interim mark dropped);
  3. the same title series with a different year (the yearly catalogue notice, its 凡例).
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.pipeline.identity import canonical_doc_number, normalise_title, title_series, title_similarity
from yibao.store import Document

SERIES_SIMILARITY = 0.9
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DRAFT = re.compile(r"征求意见稿|送审稿|草案")
_INTERIM = re.compile(r"暂行|试行")


def find_predecessor(session: Session, doc: Document, repeals: list[dict]) -> tuple[Document, str] | None:
    others = [d for d in session.scalars(select(Document).where(Document.id != doc.id))
              if d.first_seen_at <= doc.first_seen_at or d.id < doc.id]
    for rep in repeals or []:
        number = canonical_doc_number(rep.get("doc_number"))
        title = rep.get("title") or ""
        for other in others:
            if number and other.doc_number == number:
                return other, f"repealed by this document ({number})"
        for other in others:
            if title and (normalise_title(title) in other.norm_title or title_similarity(title, other.title) > 0.85):
                return other, f"repealed by this document (《{title}》)"
    series = title_series(doc.title)
    if len(series) < 6:
        return None
    best: tuple[int, Document, str] | None = None
    for other in others:
        if title_similarity(title_series(other.title), series) < SERIES_SIMILARITY and \
                title_series(other.title) != series:
            continue
        reason, rank = _series_reason(other.title, doc.title)
        if reason and (best is None or (rank, other.id) > (best[0], best[1].id)):
            best = (rank, other, reason)
    return (best[1], best[2]) if best else None


def _series_reason(old_title: str, new_title: str) -> tuple[str | None, int]:
    if _DRAFT.search(old_title) and not _DRAFT.search(new_title):
        return "征求意见稿 → final text", 3
    if _INTERIM.search(old_title) and not _INTERIM.search(new_title):
        return "暂行/试行 → final 办法", 2
    old_years, new_years = _YEAR.findall(old_title), _YEAR.findall(new_title)
    if old_years and new_years and max(new_years) > max(old_years):
        return f"same series, {max(old_years)} → {max(new_years)}", 1
    return None, 0
