"""Beijing dates from the store's naive UTC datetimes."""
import datetime as dt

from yibao import beijing


def test_a_stored_utc_evening_is_the_next_beijing_day():
    stored = dt.datetime(2026, 1, 31, 16, 30)            # naive = UTC
    assert beijing.today(stored) == dt.date(2026, 2, 1)
    assert beijing.local(stored).strftime("%H:%M") == "00:30"


def test_the_start_of_a_beijing_day_in_utc():
    assert beijing.day_start_utc(dt.date(2026, 2, 1)) == dt.datetime(2026, 1, 31, 16, 0)


def test_an_aware_datetime_is_converted_not_relabelled():
    aware = dt.datetime(2026, 2, 1, 1, 0, tzinfo=dt.timezone.utc)
    assert beijing.local(aware).hour == 9


def test_a_stored_time_is_shown_in_beijing_time():
    import datetime as dt
    from yibao.beijing import shown
    assert shown("2026-12-06T02:37:10.5") == "2026-12-06 10:37"       # stored naive UTC
    assert shown(dt.datetime(2026, 12, 31, 20, 0)) == "2027-01-01 04:00"
    assert shown(None) == "—" and shown("", "从未") == "从未" and shown("not a time") == "not a time"
