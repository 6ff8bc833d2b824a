"""Opt-outs per person and channel: the `unsubscribes` table plus an audit Event per change.

An unsubscribe link writes one row per (person, channel); a second click (or two at once)
keeps that one row. Planning skips opted-out channels (`service.unsubscribed_channels`).
Deleting the row (`resubscribe`, `yibao subscribers resubscribe`) lets messages flow again.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yibao.store.models import Event, Person, Unsubscribe, utcnow


class UnknownPerson(LookupError):
    """The person id is not in the store (run `yibao subscribers sync` first)."""


def is_unsubscribed(session: Session, person_id: str, channel: str) -> bool:
    return session.scalar(select(Unsubscribe.id).where(
        Unsubscribe.person_id == person_id, Unsubscribe.channel == channel)) is not None


def unsubscribe(session: Session, person: Person, channel: str, *, delivery_id: int | None = None,
                now: dt.datetime | None = None) -> bool:
    """Record the opt-out (and its audit Event). False when it was recorded before."""
    if is_unsubscribed(session, person.id, channel):
        return False
    now = now or utcnow()
    try:
        with session.begin_nested():
            session.add(Unsubscribe(person_id=person.id, channel=channel, at=now, delivery_id=delivery_id))
            session.flush()
    except IntegrityError:   # a concurrent click won
        return False
    session.add(Event(at=now, level="info", stage="unsubscribe", subject=f"退订：{person.name} {channel}",
                      message=f"{person.id} unsubscribed from {channel}",
                      data={"person_id": person.id, "channel": channel, "delivery_id": delivery_id}))
    session.flush()
    return True


def resubscribe(session: Session, person_id: str, channels: list[str] | None = None, *,
                actor: str = "admin", now: dt.datetime | None = None) -> list[str]:
    """Remove the person's opt-outs (all, or just `channels`); returns the channels resumed."""
    if session.get(Person, person_id) is None:
        raise UnknownPerson(f"no person {person_id!r} in the store")
    query = select(Unsubscribe).where(Unsubscribe.person_id == person_id)
    if channels:
        query = query.where(Unsubscribe.channel.in_(channels))
    rows = list(session.scalars(query.order_by(Unsubscribe.channel)))
    now = now or utcnow()
    for row in rows:
        session.delete(row)
        session.add(Event(at=now, level="info", stage="resubscribe", subject=f"恢复订阅：{person_id} {row.channel}",
                          message=f"{actor} resubscribed {person_id} to {row.channel}",
                          data={"person_id": person_id, "channel": row.channel, "actor": actor}))
    session.flush()
    return [row.channel for row in rows]


def list_unsubscribes(session: Session, person_id: str | None = None) -> list[Unsubscribe]:
    query = select(Unsubscribe).order_by(Unsubscribe.person_id, Unsubscribe.channel)
    if person_id:
        query = query.where(Unsubscribe.person_id == person_id)
    return list(session.scalars(query))
