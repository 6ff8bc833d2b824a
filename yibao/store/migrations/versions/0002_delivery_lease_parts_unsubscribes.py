"""delivery lease, IM parts sent, unsubscribes table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00

Schema:
  * deliveries.claimed_at  — when the row was last claimed ("sending"); the send lease now
    runs from it (lease end = claimed_at + lease) instead of being kept in next_attempt_at.
  * deliveries.parts_sent  — parts of a split IM message the robot already accepted
    (was provider_id = "parts_sent=N/T").
  * unsubscribes           — one row per (person, channel) opt-out (was Event stage "unsubscribe").

Data:
  * "sending" rows: claimed_at = next_attempt_at - 15 min (the default lease; the configured
    `send_lease_minutes` is not known here, so with another lease a killed run's rows are
    picked up up to that difference earlier or later); next_attempt_at is cleared.
  * provider_id "parts_sent=N/T" → parts_sent = N, provider_id = NULL.
  * unsubscribe Events → unsubscribes rows (earliest per person and channel); the Events stay
    as the audit trail. Events naming a person no longer in `people` are skipped.

Downgrade puts the lease back into next_attempt_at and unfinished parts back into provider_id,
then drops the columns and the table. Opt-outs survive because their Events are kept; a
resubscribe made after the upgrade (a deleted unsubscribes row) is lost by a downgrade.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

DEFAULT_LEASE = dt.timedelta(minutes=15)   # RetryPolicy.lease / DeliveryPolicy.send_lease_minutes default
PARTS_PREFIX = "parts_sent="
UNDELIVERED = ("pending", "sending", "failed_retryable", "failed_permanent")

deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.Integer), sa.column("state", sa.String), sa.column("provider_id", sa.String),
    sa.column("next_attempt_at", sa.DateTime), sa.column("claimed_at", sa.DateTime),
    sa.column("parts_sent", sa.Integer),
)
events = sa.table("events", sa.column("id", sa.Integer), sa.column("at", sa.DateTime),
                  sa.column("stage", sa.String), sa.column("data", sa.JSON))
people = sa.table("people", sa.column("id", sa.String))


def upgrade() -> None:
    # in place everywhere (SQLite adds a column with a constant default without copying the table)
    with op.batch_alter_table('deliveries', schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), server_default='0', nullable=False))

    unsubscribes = op.create_table(
        'unsubscribes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], ),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'channel', name='uq_unsubscribe'),
    )
    conn = op.get_bind()
    _move_lease_to_claimed_at(conn)
    _move_parts_out_of_provider_id(conn)
    _copy_unsubscribe_events(conn, unsubscribes)


def downgrade() -> None:
    conn = op.get_bind()
    _restore_lease_and_parts(conn)
    op.drop_table('unsubscribes')
    with op.batch_alter_table('deliveries', schema=None, recreate=_drop_column_mode(conn)) as batch_op:
        batch_op.drop_column('parts_sent')
        batch_op.drop_column('claimed_at')


def _drop_column_mode(conn: sa.Connection) -> str:
    """SQLite ≥ 3.35 drops a plain column in place. Copying `deliveries` instead (older SQLite)
    fails while foreign keys are on and acknowledgements or items reference it: downgrade
    such a store with `PRAGMA foreign_keys=OFF`."""
    if conn.dialect.name != "sqlite":
        return "auto"
    return "never" if (conn.dialect.server_version_info or (0,)) >= (3, 35) else "always"


# ---------------------------------------------------------------- data, upgrade
def _move_lease_to_claimed_at(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(deliveries.c.id, deliveries.c.next_attempt_at)
                        .where(deliveries.c.state == "sending")).all()
    for row_id, lease_end in rows:
        claimed = lease_end - DEFAULT_LEASE if lease_end is not None else None   # None: lease already over
        conn.execute(deliveries.update().where(deliveries.c.id == row_id)
                     .values(claimed_at=claimed, next_attempt_at=None))


def parse_parts_sent(value: str) -> int:
    """N from the old provider_id marker "parts_sent=N/T" (0 when unreadable, as the old code read it)."""
    head = value.removeprefix(PARTS_PREFIX).split("/", 1)[0].strip()
    return int(head) if head.isdigit() else 0


def _move_parts_out_of_provider_id(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(deliveries.c.id, deliveries.c.provider_id)
                        .where(deliveries.c.provider_id.like(PARTS_PREFIX + "%"))).all()
    for row_id, provider_id in rows:
        conn.execute(deliveries.update().where(deliveries.c.id == row_id)
                     .values(parts_sent=parse_parts_sent(provider_id), provider_id=None))


def _copy_unsubscribe_events(conn: sa.Connection, unsubscribes: sa.Table) -> None:
    known_people = set(conn.scalars(sa.select(people.c.id)))
    known_deliveries = set(conn.scalars(sa.select(deliveries.c.id)))
    seen: set[tuple[str, str]] = set()
    rows = []
    for at, data in conn.execute(sa.select(events.c.at, events.c.data).where(events.c.stage == "unsubscribe")
                                 .order_by(events.c.at, events.c.id)):
        data = data if isinstance(data, dict) else {}
        person_id, channel = data.get("person_id"), data.get("channel")
        if not isinstance(person_id, str) or not isinstance(channel, str) or person_id not in known_people:
            continue
        if (person_id, channel) in seen:
            continue
        seen.add((person_id, channel))
        delivery_id = data.get("delivery_id")
        rows.append({"person_id": person_id, "channel": channel[:64], "at": at,
                     "delivery_id": delivery_id if delivery_id in known_deliveries else None})
    if rows:
        op.bulk_insert(unsubscribes, rows)


# ---------------------------------------------------------------- data, downgrade
def _restore_lease_and_parts(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(deliveries.c.id, deliveries.c.claimed_at)
                        .where(deliveries.c.state == "sending")).all()
    for row_id, claimed_at in rows:
        lease_end = claimed_at + DEFAULT_LEASE if claimed_at is not None else None
        conn.execute(deliveries.update().where(deliveries.c.id == row_id).values(next_attempt_at=lease_end))
    rows = conn.execute(sa.select(deliveries.c.id, deliveries.c.parts_sent)
                        .where(deliveries.c.parts_sent > 0, deliveries.c.state.in_(UNDELIVERED))).all()
    for row_id, parts in rows:
        conn.execute(deliveries.update().where(deliveries.c.id == row_id)
                     .values(provider_id=f"{PARTS_PREFIX}{parts}/?"))
