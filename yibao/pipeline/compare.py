"""Compare each new version with its prior version, or with the document it supersedes."""
from __future__ import annotations

import logging
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.pipeline.successors import find_predecessor
from yibao.store import Change, Version

log = logging.getLogger(__name__)


def diff_versions(session: Session, version_ids: list[int]) -> list[int]:
    """One Change per new version (idempotent: an existing Change is returned as is)."""
    change_ids: list[int] = []
    for version_id in version_ids:
        existing = session.scalar(select(Change).where(Change.new_version_id == version_id))
        if existing is not None:
            change_ids.append(existing.id)
            continue
        version = session.get(Version, version_id)
        if version is None:
            raise LookupError(f"version {version_id} is not in the store")
        change = compare_version(session, version)
        session.add(change)
        session.flush()
        change_ids.append(change.id)
    return change_ids


def announceable(session: Session, change_ids: list[int]) -> list[int]:
    """Changes that need training: wording-only revisions are stored but not announced."""
    keep = []
    for change_id in change_ids:
        change = session.get(Change, change_id)
        if change.kind != "revised" or change.material_count > 0:
            keep.append(change_id)
    return keep


def compare_version(session: Session, version: Version) -> Change:
    doc = version.document
    prior = [v for v in doc.versions if v.seq < version.seq]
    old, kind = (prior[-1], "revised") if prior else (None, "new")
    if old is None:
        repeals = (version.meta.get("extracted") or {}).get("repeals") or []
        found = find_predecessor(session, doc, repeals)
        if found is not None:
            predecessor, reason = found
            doc.supersedes_id, doc.supersedes_reason = predecessor.id, reason
            if predecessor.versions:
                old, kind = predecessor.versions[-1], "supersedes"
    successor = kind == "supersedes" and not (doc.supersedes_reason or "").startswith("repealed")
    diff, summary = compute_diff(old, version, successor=successor)
    material = sum(1 for c in diff.get("changes", []) if c.get("material"))
    material += sum(len(t.get("added", [])) + len(t.get("removed", [])) + len(t.get("changed", []))
                    for t in diff.get("tables", []))
    return Change(document_id=doc.id, old_version_id=old.id if old else None, new_version_id=version.id,
                  kind=kind, diff=diff, summary_md=summary, material_count=material)


def compute_diff(old: Version | None, new: Version, *, successor: bool = False) -> tuple[dict, str]:
    """The 对照表 of two versions; for a successor document (a later notice that does not repeal the
    earlier one) also diff["successor"], what is new or different provision by provision, which is
    then the summary."""
    from yibao.diff import compare_tables, compare_texts, render_markdown

    if old is None:
        return {"changes": [], "hidden_wording": 0, "stats": {"new_document": True}, "tables": []}, ""
    result = compare_texts(old.text, new.text)
    diff = result.to_dict()
    diff["tables"] = [t for t in _table_diffs(old, new, compare_tables) if _has_rows(t)]
    if successor:
        from yibao.diff.successor import compare_successor, render_successor_markdown
        from yibao.document import parse_document

        cmp = compare_successor(parse_document(old.text), parse_document(new.text))
        diff["successor"] = cmp.to_dict()
        return diff, render_successor_markdown(cmp)
    return diff, render_markdown(result)


def _table_diffs(old: Version, new: Version, compare_tables):
    """Diff spreadsheet attachments pairwise, matched by the most similar name."""
    old_tables = [a for a in old.attachments if a.rows]
    for att in (a for a in new.attachments if a.rows):
        match = max(old_tables, key=lambda o: SequenceMatcher(None, o.name, att.name).ratio(), default=None)
        if match is None or match.sha256 == att.sha256:
            continue
        try:
            table = compare_tables(match.rows, att.rows).to_dict()
        except Exception as exc:  # a table we cannot key is reported, not fatal
            log.warning("table diff %s → %s failed: %s", match.name, att.name, exc)
            continue
        table["old_name"], table["new_name"] = match.name, att.name
        yield table


def _has_rows(table: dict) -> bool:
    return bool(table.get("added") or table.get("removed") or table.get("changed"))
