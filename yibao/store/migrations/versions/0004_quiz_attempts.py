"""acknowledgements.attempts / last_score: the first quiz submission is the score of record

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 00:30:00

Before this, a retake overwrote quiz_score with the best score. Existing acknowledgements
with a score count as one attempt (their stored score is all we know).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('acknowledgements') as batch:
        batch.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('last_score', sa.Double(), nullable=True))
    op.execute("UPDATE acknowledgements SET attempts = 1, last_score = quiz_score WHERE kind = 'ack'")


def downgrade() -> None:
    with op.batch_alter_table('acknowledgements') as batch:
        batch.drop_column('last_score')
        batch.drop_column('attempts')
