"""versions: (document_id, seq) unique, so two concurrent scrapes cannot both add "version 2"

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 00:40:00

Documents (source, identity key), versions (document, content hash) and changes (new
version) were unique already; the sequence number was not. Before the index is created,
documents whose versions share a seq are renumbered 1..n in (seq, fetched_at, id) order,
which is the order they were stored in. A unique index (not a table constraint) so SQLite
needs no table rebuild.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_versions = sa.table("versions", sa.column("id", sa.Integer), sa.column("document_id", sa.Integer),
                     sa.column("seq", sa.Integer), sa.column("fetched_at", sa.DateTime))


def upgrade() -> None:
    renumber_duplicate_seqs(op.get_bind())
    op.create_index('uq_version_seq', 'versions', ['document_id', 'seq'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_version_seq', table_name='versions')


def renumber_duplicate_seqs(conn) -> int:
    """Renumber the versions of every document that has a repeated seq; returns how many documents."""
    dup_docs = [row[0] for row in conn.execute(
        sa.select(_versions.c.document_id).group_by(_versions.c.document_id, _versions.c.seq)
        .having(sa.func.count() > 1)).all()]
    for document_id in sorted(set(dup_docs)):
        rows = conn.execute(sa.select(_versions.c.id).where(_versions.c.document_id == document_id)
                            .order_by(_versions.c.seq, _versions.c.fetched_at, _versions.c.id)).all()
        # two passes: away from every existing seq first, so no step collides under the new index
        for n, (version_id,) in enumerate(rows, 1):
            conn.execute(_versions.update().where(_versions.c.id == version_id).values(seq=-n))
        conn.execute(_versions.update().where(_versions.c.document_id == document_id)
                     .values(seq=-_versions.c.seq))
    return len(set(dup_docs))
