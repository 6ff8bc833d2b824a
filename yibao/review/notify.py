"""Alerts to the 医保办, through yibao.delivery.alerts when it is installed.

Fallback (until that module exists): an `Event` row with level "alert", which the
control room shows.
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from yibao.store.models import Event

log = logging.getLogger(__name__)


def send_alert(session: Session, *, subject: str, message: str, link: str = "", stage: str = "review",
               level: str = "alert") -> None:
    try:
        from yibao.delivery.alerts import alert
    except ImportError:
        alert = None
    if alert is not None:
        alert(session, subject=subject, message=message, level=level, link=link, stage=stage)
        return
    log.warning("yibao.delivery.alerts not available; recording the alert as an event: %s", subject)
    session.add(Event(level=level, stage=stage, subject=subject[:200], message=message, data={"link": link}))
    session.flush()
