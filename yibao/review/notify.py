"""Alerts to the 医保办 from the review side (timeouts, failures): yibao.delivery.alerts."""
from __future__ import annotations

from sqlalchemy.orm import Session

from yibao.delivery.alerts import alert


def send_alert(session: Session, *, subject: str, message: str, link: str = "", stage: str = "review",
               level: str = "alert") -> None:
    alert(session, subject=subject, message=message, level=level, link=link, stage=stage)
