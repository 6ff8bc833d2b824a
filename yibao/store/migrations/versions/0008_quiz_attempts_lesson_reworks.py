"""quiz_attempts and lesson_reworks: per-question answers of every quiz attempt, and lessons
sent back to review (返工) when first attempts show people did not learn them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 00:30:00

Additive: two new tables, no data to move. Quiz submissions made before this migration have
no per-question answers; their score (acknowledgements.quiz_score) still counts in the rates.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'quiz_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lesson_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=True),
        sa.Column('attempt_no', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('score', sa.Double(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id']),
        sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id']),
        sa.ForeignKeyConstraint(['person_id'], ['people.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('lesson_id', 'person_id', 'attempt_no', name='uq_quiz_attempt'),
    )
    op.create_index('ix_quiz_attempts_lesson_id', 'quiz_attempts', ['lesson_id'], unique=False)
    op.create_table(
        'lesson_reworks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lesson_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('body_before', sa.Text(), nullable=False),
        sa.Column('quiz_before', sa.JSON(), nullable=False),
        sa.Column('flagged_at', sa.DateTime(), nullable=False),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('approved_by', sa.String(length=120), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('redelivered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('lesson_id', 'round', name='uq_lesson_rework_round'),
    )
    op.create_index('ix_lesson_reworks_lesson_id', 'lesson_reworks', ['lesson_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_lesson_reworks_lesson_id', table_name='lesson_reworks')
    op.drop_table('lesson_reworks')
    op.drop_index('ix_quiz_attempts_lesson_id', table_name='quiz_attempts')
    op.drop_table('quiz_attempts')
