"""robot_posts: webhook POSTs per IM robot, shared by every sender process

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 18:00:00

A new sender process (the next deliver run, the daily round) reads the last minute of a
robot's posts from here, so the robot's 20 messages/min hold across runs. No data to move.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'robot_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('robot_key', sa.String(length=80), nullable=False),
        sa.Column('process', sa.String(length=120), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_robot_posts_robot_key', 'robot_posts', ['robot_key'], unique=False)
    op.create_index('ix_robot_posts_at', 'robot_posts', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_robot_posts_at', table_name='robot_posts')
    op.drop_index('ix_robot_posts_robot_key', table_name='robot_posts')
    op.drop_table('robot_posts')
