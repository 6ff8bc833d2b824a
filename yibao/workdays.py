"""Chinese working days, 调休-aware, and the 7-working-day training deadline.

The start day is not counted (开始的当日不计入); make-up working days (调休上班)
count. Years the `chinesecalendar` package does not know fall back to the
holiday file `config/holidays.yaml`, which the 医保办 can fill from the
国务院办公厅 notice, plus plain weekends — and the result is marked provisional.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import chinese_calendar
import yaml

from yibao.settings import get_settings

log = logging.getLogger(__name__)

TRAINING_WINDOW_WORKDAYS = 7
# Statutory holidays on fixed Gregorian dates (元旦, 劳动节, 国庆节), assumed off in
# years without data; the lunar ones (春节, 清明, 端午, 中秋) need the holiday file.
FIXED_DATE_HOLIDAYS = {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class HolidayFile:
    """Overrides read from config/holidays.yaml: {holidays: [dates], workdays: [dates]}."""
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    @property
    def years(self) -> set[int]:
        return {d.year for d in self.holidays | self.workdays}


class HolidayFileError(ValueError):
    pass


def load_holiday_file(path: Path | None = None) -> HolidayFile:
    path = path or get_settings().config_dir / "holidays.yaml"
    if not path.exists():
        return HolidayFile()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return HolidayFile(
            holidays=frozenset(_as_date(v, path) for v in raw.get("holidays") or []),
            workdays=frozenset(_as_date(v, path) for v in raw.get("workdays") or []),
        )
    except yaml.YAMLError as exc:
        raise HolidayFileError(f"{path}: not valid YAML: {exc}") from exc


def _as_date(value: object, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise HolidayFileError(f"{path}: {value!r} is not a date (use YYYY-MM-DD)") from exc


@lru_cache(maxsize=1)
def _default_holidays() -> HolidayFile:
    return load_holiday_file()


@dataclass(frozen=True)
class WorkdayAnswer:
    is_workday: bool
    provisional: bool  # True when the year is not in chinesecalendar's data


def is_workday(day: dt.date, holidays: HolidayFile | None = None) -> WorkdayAnswer:
    holidays = _default_holidays() if holidays is None else holidays
    if day in holidays.workdays:
        return WorkdayAnswer(True, False)
    if day in holidays.holidays:
        return WorkdayAnswer(False, False)
    try:
        return WorkdayAnswer(chinese_calendar.is_workday(day), False)
    except NotImplementedError:
        known = day.year in holidays.years
        fixed_holiday = (day.month, day.day) in FIXED_DATE_HOLIDAYS
        return WorkdayAnswer(day.weekday() < 5 and not fixed_holiday, not known)


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    provisional: bool
    warning: str = ""


def add_workdays(start: dt.date, n: int, holidays: HolidayFile | None = None) -> Deadline:
    """The n-th working day strictly after `start`."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day, counted, provisional = start, 0, False
    while counted < n:
        day += dt.timedelta(days=1)
        answer = is_workday(day, holidays)
        provisional |= answer.provisional
        counted += answer.is_workday
    warning = ""
    if provisional:
        warning = (f"holiday data for {day.year} is unknown to chinesecalendar "
                   f"{getattr(chinese_calendar, '__version__', '?')}; counted weekends and fixed-date holidays only. "
                   "Add the year's holidays and 调休 workdays to config/holidays.yaml.")
        log.warning(warning)
    return Deadline(day, provisional, warning)


def previous_workday(day: dt.date, holidays: HolidayFile | None = None) -> dt.date:
    """The last working day strictly before `day` (调休-aware)."""
    day -= dt.timedelta(days=1)
    while not is_workday(day, holidays).is_workday:
        day -= dt.timedelta(days=1)
    return day


def training_deadline(published: dt.date, holidays: HolidayFile | None = None) -> Deadline:
    return add_workdays(published, TRAINING_WINDOW_WORKDAYS, holidays)


def workdays_between(start: dt.date, end: dt.date, holidays: HolidayFile | None = None) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start, holidays)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day, holidays).is_workday
    return count
