"""acknowledgements.via_channel: the channel whose link recorded the read or 我已学习

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 08:30:00

Additive: a nullable column. Rows recorded before it have no channel (shown empty).
A group IM post carries each person's own link where the whole department sees it, so the
attestation names the channel, and a confirmation through a group post is mailed to the person.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('acknowledgements', recreate="never") as batch:
        batch.add_column(sa.Column('via_channel', sa.String(length=64), nullable=True))


def downgrade() -> None:
    conn = op.get_bind()
    mode = "auto"
    if conn.dialect.name == "sqlite":
        mode = "never" if (conn.dialect.server_version_info or (0,)) >= (3, 35) else "always"
    with op.batch_alter_table('acknowledgements', recreate=mode) as batch:
        batch.drop_column('via_channel')
