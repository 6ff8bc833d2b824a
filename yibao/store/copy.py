"""Copy the whole domain store from one database to another (SQLite → PostgreSQL when a site outgrows one host).

Both ends are migrated to the newest schema first; the target must be empty. Tables go in
foreign-key order, rows in id order, in chunks, in one transaction on the target (all or
nothing). A self-reference (documents.supersedes_id) is filled in after all rows are there.
On PostgreSQL the id sequences are moved past the copied ids, so new rows get fresh ids.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import func, make_url, select, text, update
from sqlalchemy.engine import Connection

from yibao.store.db import get_engine, migrate
from yibao.store.models import Base

CHUNK = 2000


class StoreCopyError(Exception):
    """The copy cannot start (target not empty, same database …); nothing was written."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)   # table → rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# Tables a migration fills in an empty store; the copy replaces their rows with the source's.
SEEDED_BY_MIGRATIONS = {"audit_chain_head"}


def copy_store(source_url: str, target_url: str, *, progress: Callable[[str], None] | None = None) -> CopyReport:
    if source_url == target_url:
        raise StoreCopyError("--from and --to name the same database")
    _require_existing_sqlite_file(source_url)
    migrate(source_url)
    migrate(target_url)
    tables = Base.metadata.sorted_tables
    with get_engine(target_url).connect() as target:
        filled = [t.name for t in tables if t.name not in SEEDED_BY_MIGRATIONS
                  and target.scalar(select(func.count()).select_from(t))]
    if filled:
        raise StoreCopyError(f"the target store is not empty (rows in {', '.join(filled)}); "
                             "copy into a new, empty database")
    report = CopyReport()
    with get_engine(source_url).connect() as source, get_engine(target_url).begin() as target:
        for table in tables:
            if table.name in SEEDED_BY_MIGRATIONS:
                target.execute(table.delete())
            report.rows[table.name] = _copy_table(source, target, table)
            if progress:
                progress(f"{table.name}: {report.rows[table.name]} rows")
        if target.dialect.name == "postgresql":
            _move_sequences(target, tables)
    _verify(target_url, report)
    return report


def _require_existing_sqlite_file(url: str) -> None:
    """A mistyped SQLite source would otherwise be created (and migrated) as an empty store."""
    parsed = make_url(url)
    path = parsed.database
    if parsed.get_backend_name() == "sqlite" and path and path != ":memory:" and not path.startswith("file:") \
            and not Path(path).is_file():
        raise StoreCopyError(f"no such database: {path}")


def _copy_table(source: Connection, target: Connection, table) -> int:
    self_refs = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
    pk = list(table.primary_key.columns)
    later: list[tuple[dict, dict]] = []   # (primary key, self-reference values) set after all rows exist
    copied = 0
    result = source.execution_options(stream_results=True).execute(select(table).order_by(*pk))
    while rows := result.mappings().fetchmany(CHUNK):
        batch = []
        for row in rows:
            values = dict(row)
            refs = {c.name: values[c.name] for c in self_refs if values[c.name] is not None}
            if refs:
                later.append(({c.name: values[c.name] for c in pk}, refs))
                values.update(dict.fromkeys(refs))
            batch.append(values)
        target.execute(table.insert(), batch)
        copied += len(batch)
    for key, refs in later:
        target.execute(update(table).where(*[table.c[k] == v for k, v in key.items()]).values(**refs))
    return copied


def _move_sequences(target: Connection, tables) -> None:
    for table in tables:
        if "id" not in table.c or table.c.id.type.python_type is not int:
            continue   # people/sources have text ids
        target.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


def _verify(target_url: str, report: CopyReport) -> None:
    with get_engine(target_url).connect() as target:
        for table in Base.metadata.sorted_tables:
            found = target.scalar(select(func.count()).select_from(table))
            if found != report.rows[table.name]:
                raise StoreCopyError(f"{table.name}: copied {report.rows[table.name]} rows but the target has {found}")
