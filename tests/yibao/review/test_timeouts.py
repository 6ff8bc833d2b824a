import datetime as dt

from yibao.review.timeouts import MIN_WAIT, escalation_time, response_timeout


def test_escalation_two_workdays_before_deadline_skipping_weekend():
    # deadline Tuesday 2026-03-10 → two working days before = Friday 2026-03-06, 17:30 Beijing = 09:30 UTC
    at = escalation_time(dt.date(2026, 3, 10), margin=2)
    assert at == dt.datetime(2026, 3, 6, 9, 30, tzinfo=dt.timezone.utc)


def test_late_lesson_still_gets_the_minimum_wait():
    now = dt.datetime(2026, 3, 20, tzinfo=dt.timezone.utc)
    assert response_timeout(dt.date(2026, 3, 10), now=now, margin=2) == MIN_WAIT
    assert response_timeout(None) is None
