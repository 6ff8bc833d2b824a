"""Fixtures for the lesson tests: real 青海 texts from the shared corpus as DocContext + diff."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from yibao.lessons import DocContext

# documents without a printed date get a fixed one so deadlines are stable
DEFAULT_PUBLISH = dt.date(2025, 1, 2)


def load_doc(corpus: Path, doc_id: str, kind: str = "new", predecessor: str | None = None) -> DocContext:
    meta = json.loads((corpus / "qinghai-texts" / f"{doc_id}.json").read_text(encoding="utf-8"))
    text = (corpus / "qinghai-texts" / f"{doc_id}.txt").read_text(encoding="utf-8")
    return DocContext(
        doc_id=None, title=meta["title"], doc_number=meta.get("doc_number"), issuer=meta.get("issuer"),
        publish_date=meta.get("publish_date") or DEFAULT_PUBLISH, effective_date=meta.get("effective_date"),
        deadline=None, url=f"https://ybj.qinghai.gov.cn/example/{doc_id}.html", source_name="青海省医疗保障局",
        kind=kind, predecessor_title=predecessor, text=text)


@pytest.fixture(scope="session")
def qh(corpus_dir):
    def get(doc_id: str, kind: str = "new", predecessor: str | None = None) -> DocContext:
        return load_doc(corpus_dir, doc_id, kind, predecessor)
    return get


@pytest.fixture(scope="session")
def qh_pair(corpus_dir):
    """(DocContext of the new version, diff dict from the real yibao.diff.compare_texts)."""
    from yibao.diff import compare_texts
    cache: dict = {}

    def get(old_id: str, new_id: str):
        if (old_id, new_id) not in cache:
            old = load_doc(corpus_dir, old_id)
            new = load_doc(corpus_dir, new_id, kind="revised", predecessor=old.title)
            cache[(old_id, new_id)] = (new, compare_texts(old.text, new.text, truncated_tail=True).to_dict())
        return cache[(old_id, new_id)]
    return get
