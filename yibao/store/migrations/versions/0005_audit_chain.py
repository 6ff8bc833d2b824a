"""audit chain: reviews are hash-chained; audit_chain_head serialises appends

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 00:30:00

Schema:
  * reviews.field_hashes / prev_hash / row_hash — see yibao.store.audit_chain.
  * audit_chain_head — one row (id 1): the last row hash and an append counter. Every append
    updates it first, so concurrent writers queue on that row instead of forking the chain.

Data: the existing reviews rows are hashed in id order (they are trusted as they stand at upgrade
time) and the head row is written. Downgrade drops the columns and the table.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yibao.store.audit_chain import AUDITED_FIELDS, GENESIS, HEAD_ID, seal

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_reviews = sa.table("reviews", sa.column("id", sa.Integer), sa.column("lesson_id", sa.Integer),
                    *(sa.column(n, sa.Text) for n in ("actor", "action", "comment", "before_md", "after_md",
                                                      "edit_diff")),
                    sa.column("at", sa.DateTime), sa.column("field_hashes", sa.JSON),
                    sa.column("prev_hash", sa.String), sa.column("row_hash", sa.String))
_head = sa.table("audit_chain_head", sa.column("id", sa.Integer), sa.column("appends", sa.Integer),
                 sa.column("last_hash", sa.String))


def upgrade() -> None:
    op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appends', sa.Integer(), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('reviews') as batch:
        batch.add_column(sa.Column('field_hashes', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))

    conn = op.get_bind()
    prev, count = GENESIS, 0
    for row in conn.execute(sa.select(_reviews).order_by(_reviews.c.id)).mappings().all():
        fields = {name: row[name] if row[name] is not None or name in ("lesson_id", "at") else ""
                  for name in AUDITED_FIELDS}
        hashes, digest = seal(fields, prev)
        conn.execute(_reviews.update().where(_reviews.c.id == row["id"]).values(
            field_hashes=hashes, prev_hash=prev, row_hash=digest,
            **{n: fields[n] for n in ("comment", "before_md", "after_md", "edit_diff")}))
        prev, count = digest, count + 1
    conn.execute(_head.insert().values(id=HEAD_ID, appends=count, last_hash=prev))


def downgrade() -> None:
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('row_hash')
        batch.drop_column('prev_hash')
        batch.drop_column('field_hashes')
    op.drop_table('audit_chain_head')
