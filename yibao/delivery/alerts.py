"""Alerts to the 医保办: an Event row plus a message on each recipient's channels.

Recipients: explicit person ids (escalations name the department's 医保联络员), else the
`alerts: recipients:` of subscriptions.yaml, else every active person subscribed to the
医保办 role. One alert per subject per (Beijing) day: a scraper that fails every hour
does not send 24 messages. Sending never raises — alerts are called from failure
callbacks, which must not fail themselves.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.delivery import ledger
from yibao.store.models import Event, Person, Subscription, utcnow

log = logging.getLogger(__name__)

LEVELS = ("info", "warning", "alert")


class AlertError(ValueError):
    """Bad arguments to alert() (empty subject, unknown level)."""


def alert(session: Session, *, subject: str, message: str, level: str = "alert", link: str | None = None,
          stage: str = "", recipients: Iterable[str] | None = None, now: dt.datetime | None = None,
          smtp: Any | None = None) -> None:
    """Record the alert and send it to the 医保办 (de-duplicated per subject per day)."""
    now = now or utcnow()
    ids = record_alert(session, subject=subject, message=message, level=level, link=link, stage=stage,
                       recipients=recipients, now=now)
    if not ids:
        return
    try:
        from yibao.delivery.service import send_due
        send_due(session, now=now, smtp=smtp, config=_config_or_none(), ids=ids, links_optional=True)
    except Exception:
        log.exception("alert %r recorded but not sent now; the next delivery run retries it", subject)
        session.rollback()


def record_alert(session: Session, *, subject: str, message: str, level: str = "alert", link: str | None = None,
                 stage: str = "", recipients: Iterable[str] | None = None,
                 now: dt.datetime | None = None) -> list[int]:
    """Record the Event and queue ledger rows; returns the new Delivery ids ([] if already sent today)."""
    now = now or utcnow()
    subject = (subject or "").strip()
    if not subject:
        raise AlertError("alert subject is empty")
    if level not in LEVELS:
        raise AlertError(f"alert level must be one of {LEVELS}, not {level!r}")
    if already_alerted(session, subject, now):
        log.info("alert %r already sent today; not repeated", subject)
        return []
    explicit = list(recipients) if recipients is not None else None
    people = _recipients(session, explicit)
    event = Event(at=now, level=level, stage=(stage or "alert")[:16], subject=subject[:200], message=message,
                  data={"kind": "alert", "link": link, "recipients": [p.id for p in people]})
    session.add(event)
    session.flush()
    log.log(logging.WARNING if level != "info" else logging.INFO, "ALERT %s: %s", subject, message)
    ids: list[int] = []
    for person in people:
        for channel in person.channels or []:
            target = person.email if channel == "email" else channel
            if not target:
                continue
            row = ledger.plan_keyed(session, person_id=person.id, channel=channel, target=target,
                                    digest_key=f"event:{event.id}", is_escalation=explicit is not None, now=now)
            if row is not None:
                ids.append(row.id)
    if not people:
        log.error("alert %r has no recipient: nobody has the 医保办 role and alerts.recipients is empty", subject)
    session.commit()
    return ids


def already_alerted(session: Session, subject: str, now: dt.datetime) -> bool:
    start, end = china_day_bounds(now)
    found = session.scalar(select(Event.id).where(Event.subject == subject[:200], Event.at >= start,
                                                  Event.at < end, Event.level.in_(LEVELS)).limit(1))
    if found is None:
        return False
    event = session.get(Event, found)
    return bool(event and (event.data or {}).get("kind") == "alert")


def china_day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the Beijing calendar day containing `now`, as naive UTC."""
    day = beijing.today(now)
    return beijing.day_start_utc(day), beijing.day_start_utc(day + dt.timedelta(days=1))


def _recipients(session: Session, explicit: list[str] | None) -> list[Person]:
    """Explicit ids (e.g. the department's 联络员) plus the 医保办: the file's alerts.recipients,
    or, without that section, everyone subscribed to the 医保办 role."""
    config = _config_or_none()
    if config is not None and not yibaoban_ids(session):
        # a new install: people reach the store with the first delivery, and the first alert
        # (a source failing on the first scrape) would go to nobody
        from yibao.delivery.subscriptions import sync_people
        sync_people(session, config)
    yibaoban = list(config.alert_recipients) if config and config.alert_recipients else []
    if not _active(session, yibaoban):  # file names nobody known to the store: use the role
        yibaoban = yibaoban_ids(session)
    ordered = list(dict.fromkeys((explicit or []) + yibaoban))
    rows = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ordered), Person.active.is_(True)))}
    return [rows[i] for i in ordered if i in rows]


def _active(session: Session, ids: list[str]) -> list[str]:
    if not ids:
        return []
    return list(session.scalars(select(Person.id).where(Person.id.in_(ids), Person.active.is_(True))))


def yibaoban_ids(session: Session) -> list[str]:
    query = (select(Person.id).join(Subscription, Subscription.person_id == Person.id)
             .where(Subscription.role == "yibaoban", Person.active.is_(True)).order_by(Person.id))
    return list(dict.fromkeys(session.scalars(query)))


def _config_or_none():
    from yibao.delivery.subscriptions import SubscriptionFileError, load_subscriptions
    try:
        return load_subscriptions(check_secret=None)
    except SubscriptionFileError:
        return None
