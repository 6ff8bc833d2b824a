"""How long a review may wait: until a margin of working days before the lesson's deadline.

When the wait runs out the HITL task takes its default, "Escalate" — never an
automatic approval.
"""
from __future__ import annotations

import datetime as dt
import os

from yibao.review.decisions import LOCAL_TZ
from yibao.workdays import is_workday

DEFAULT_MARGIN_WORKDAYS = 2      # delivery and acknowledgement need the last days of the window
ESCALATE_AT_LOCAL = dt.time(17, 30)
MIN_WAIT = dt.timedelta(minutes=15)


def margin_workdays() -> int:
    return int(os.environ.get("YIBAO_REVIEW_MARGIN_WORKDAYS", DEFAULT_MARGIN_WORKDAYS))


def escalation_time(deadline: dt.date, margin: int | None = None) -> dt.datetime:
    """17:30 Beijing time on the working day `margin` working days before `deadline` (UTC-aware)."""
    margin = margin_workdays() if margin is None else margin
    day, counted = deadline, 0
    while counted < margin:
        day -= dt.timedelta(days=1)
        counted += is_workday(day).is_workday
    return dt.datetime.combine(day, ESCALATE_AT_LOCAL, tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc)


def response_timeout(deadline: dt.date | None, now: dt.datetime | None = None,
                     margin: int | None = None) -> dt.timedelta | None:
    """The HITL response_timeout for a lesson; at least MIN_WAIT so a late lesson still gets a look."""
    if deadline is None:
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(escalation_time(deadline, margin) - now, MIN_WAIT)
