"""`yibao store copy`: a SQLite store with a pipeline's worth of rows moved into PostgreSQL."""
from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import func, select

from yibao.cli import main
from yibao.store.db import get_engine, migrate
from yibao.store.models import Base, Delivery, Document, Lesson

sys.path.insert(0, str(Path(__file__).parents[1] / "delivery"))
from delivery_world import add_lessons, session_with_people  # noqa: E402


def _counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def test_copy_sqlite_to_postgresql_then_new_rows_get_fresh_ids(tmp_path, postgres_url, capsys):
    from yibao.delivery import ledger

    sqlite_url = f"sqlite:///{tmp_path / 'yibao.db'}"
    migrate(sqlite_url)
    session = session_with_people(sqlite_url)
    lessons = add_lessons(session, ["doctor", "nurse"]) + add_lessons(session, ["doctor"])
    newer = session.get(Document, lessons[-1].change.document_id)
    newer.supersedes_id = lessons[0].change.document_id          # a reference to an earlier document
    row = ledger.plan_lessons(session, person_id="zhang.wei", channel="email", target="x@h.example.cn",
                              lesson_ids=[lessons[0].id], now=lessons[0].created_at)
    session.commit()
    session.close()

    assert main(["store", "copy", "--from", sqlite_url, "--to", postgres_url]) == 0
    assert "copied" in capsys.readouterr().out
    assert _counts(postgres_url) == _counts(sqlite_url)
    with get_engine(postgres_url).connect() as conn:
        assert conn.scalar(select(Document.supersedes_id).where(Document.id == newer.id)) == newer.supersedes_id
        assert conn.scalar(select(Delivery.lesson_ids).where(Delivery.id == row.id)) == [lessons[0].id]
    target = session_with_people(postgres_url)                  # the copy is a working store
    more = add_lessons(target, ["doctor"])
    assert more[0].id > max(lesson.id for lesson in lessons)
    assert target.scalar(select(func.count()).select_from(Lesson)) == 4
    target.close()

    # a second copy into the now-filled store is refused, and nothing changes
    assert main(["store", "copy", "--from", sqlite_url, "--to", postgres_url]) == 2
    assert "not empty" in capsys.readouterr().err


def test_copy_with_a_bad_url_is_one_clear_line(tmp_path, capsys):
    assert main(["store", "copy", "--from", "nonsense://x", "--to", f"sqlite:///{tmp_path / 'b.db'}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("yibao store: error:")


def test_copy_from_a_missing_sqlite_file_is_refused_and_creates_nothing(tmp_path, capsys):
    typo, new = tmp_path / "typo.db", tmp_path / "new.db"
    assert main(["store", "copy", "--from", f"sqlite:///{typo}", "--to", f"sqlite:///{new}"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"yibao store: error: no such database: {typo}"
    assert "copied" not in captured.out
    assert not typo.exists() and not new.exists()
