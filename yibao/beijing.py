"""Beijing time. The store keeps naive UTC datetimes; people, deadlines and reports read Beijing dates."""
from __future__ import annotations

import datetime as dt

BEIJING = dt.timezone(dt.timedelta(hours=8))   # no daylight saving since 1991


def local(value: dt.datetime) -> dt.datetime:
    """A stored datetime (naive means UTC) in Beijing time."""
    return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(BEIJING)


def today(now: dt.datetime | None = None) -> dt.date:
    """The Beijing date now, or at the stored datetime `now`."""
    return local(now).date() if now is not None else dt.datetime.now(BEIJING).date()


def day_start_utc(day: dt.date) -> dt.datetime:
    """The start of a Beijing date as naive UTC (to compare with stored datetimes)."""
    return dt.datetime.combine(day, dt.time(0), BEIJING).astimezone(dt.timezone.utc).replace(tzinfo=None)


def shown(stored: str | dt.datetime | None, missing: str = "—") -> str:
    """A stored time (ISO text or datetime; naive = UTC) as people read it: Beijing, to the minute."""
    if not stored:
        return missing
    try:
        at = stored if isinstance(stored, dt.datetime) else dt.datetime.fromisoformat(str(stored))
    except ValueError:
        return str(stored)
    return local(at).strftime("%Y-%m-%d %H:%M")
