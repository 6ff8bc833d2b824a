"""re-check cycle: sources.last_full_recheck_at, documents.archived and possibly_withdrawn_at

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 01:00:00

Additive columns only; existing documents are not archived and not withdrawn.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sources', recreate="never") as batch:
        batch.add_column(sa.Column('last_full_recheck_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('documents', recreate="never") as batch:
        batch.add_column(sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('possibly_withdrawn_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    mode = _drop_column_mode(op.get_bind())
    with op.batch_alter_table('documents', recreate=mode) as batch:
        batch.drop_column('possibly_withdrawn_at')
        batch.drop_column('archived')
    with op.batch_alter_table('sources', recreate=mode) as batch:
        batch.drop_column('last_full_recheck_at')


def _drop_column_mode(conn: sa.Connection) -> str:
    """SQLite >= 3.35 drops a plain column in place; copying `documents` (older SQLite) fails
    while foreign keys are on and versions reference it: downgrade such a store with
    `PRAGMA foreign_keys=OFF`."""
    if conn.dialect.name != "sqlite":
        return "auto"
    return "never" if (conn.dialect.server_version_info or (0,)) >= (3, 35) else "always"
