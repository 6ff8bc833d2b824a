"""The re-check schedule (pure): periods by age, spread of a baseline, the per-host budget."""
from __future__ import annotations

import datetime as dt

import pytest

from scrapers.config import ConfigError, RecheckConfig, parse_source
from scrapers.recheck import HostBudget, KnownArticle, cycle_complete, due_now, mark_checked, plan_rechecks

NOW = dt.datetime(2026, 12, 5, 0, 0)
CFG = RecheckConfig()


def article(i: int, age_days: int) -> KnownArticle:
    return KnownArticle(url=f"https://x/art_{i}.html", published=(NOW.date() - dt.timedelta(days=age_days)).isoformat())


@pytest.mark.parametrize("age,period", [(0, 0), (30, 0), (31, 7), (365, 7), (366, 30), (3000, 30)])
def test_period_by_age(age, period):
    assert CFG.period_days(age) == period


def test_baseline_is_spread_over_the_period_and_every_article_reached_within_it():
    arts = [article(i, 200) for i in range(300)]
    for a in arts:
        mark_checked(a, CFG, NOW, first=True)
    dues = sorted(dt.datetime.fromisoformat(a.due) for a in arts)
    assert NOW <= dues[0] and dues[-1] <= NOW + dt.timedelta(days=7)
    per_day = [sum(1 for d in dues if NOW + dt.timedelta(days=k) <= d < NOW + dt.timedelta(days=k + 1))
               for k in range(7)]
    assert max(per_day) < 2 * 300 / 7  # no day carries the whole column


def test_budget_defers_the_rest_most_overdue_first_and_recent_articles_first():
    cfg = RecheckConfig(budget_per_poll=5)
    recent = [article(i, 3) for i in range(2)]
    old = [article(10 + i, 400) for i in range(6)]
    for i, a in enumerate(old):
        a.due = (NOW - dt.timedelta(days=6 - i)).isoformat()
    plan = plan_rechecks(recent + old, cfg, NOW, HostBudget(), "x")
    assert plan.chosen == recent + old[:3] and plan.due == 8 and plan.deferred == 3


def test_budget_is_counted_per_key_over_a_poll():
    budget = HostBudget()
    a = [article(i, 3) for i in range(4)]
    assert len(plan_rechecks(a, RecheckConfig(budget_per_poll=3), NOW, budget, "h").chosen) == 3
    assert plan_rechecks(a, RecheckConfig(budget_per_poll=3), NOW, budget, "h").chosen == []
    assert len(plan_rechecks(a, RecheckConfig(budget_per_poll=3), NOW, budget, "other").chosen) == 3
    assert len(plan_rechecks(a, CFG, NOW, HostBudget(), "h", limit=2).chosen) == 2


def source(sid: str, base_url: str, budget: int = 60):
    return parse_source({"id": sid, "name": sid, "family": "hanweb", "base_url": base_url,
                         "columns": [{"id": "1", "name": "c", "path": "/col/col1/index.html"}],
                         "poll": {"recheck": {"budget_per_poll": budget}}}, 0)


def test_host_budget_is_split_among_the_watched_sources_of_that_host():
    """One Airflow task per source, in parallel: shares from the config alone, never more than the host's budget."""
    watched = [source("b", "https://same.gov.cn", 61), source("a", "https://same.gov.cn/x", 80),
               source("c", "https://SAME.gov.cn:8443", 70), source("own", "https://other.gov.cn", 60)]
    budget = HostBudget(watched)
    assert budget.shares == {"a": 21, "b": 20, "c": 20, "own": 60}  # host budget = smallest (61); extra to "a"
    assert budget.shares == HostBudget(list(reversed(watched))).shares  # the order of the config does not matter
    assert budget.share(source("unwatched", "https://same.gov.cn", 9)) == 9


def test_forced_cycle_ignores_schedule_and_budget():
    arts = [article(i, age) for i, age in enumerate([1, 20, 90, 800])]
    for a in arts:
        mark_checked(a, CFG, NOW)  # just checked: nothing due
    assert not any(due_now(a, NOW) for a in arts[2:])
    assert plan_rechecks(arts, RecheckConfig(budget_per_poll=1), NOW, HostBudget(), "h", force="all").chosen == arts
    assert plan_rechecks(arts, CFG, NOW, HostBudget(), "h", force=30).chosen == arts[:2]


def test_cycle_complete_only_when_every_article_checked_after_it_began():
    arts = [article(i, 100) for i in range(3)]
    for a in arts:
        mark_checked(a, CFG, NOW)
    started = (NOW - dt.timedelta(hours=1)).isoformat()
    assert cycle_complete(arts, started)
    arts[1].checked = (NOW - dt.timedelta(hours=2)).isoformat()
    assert not cycle_complete(arts, started)


def test_recheck_config_per_source():
    src = parse_source({"id": "s", "family": "hanweb", "base_url": "https://a.gov.cn",
                        "columns": [{"id": "1", "path": "/c"}],
                        "poll": {"news_window_days": 10, "recheck": {"year_period_days": 3, "budget_per_poll": 9}}})
    assert src.poll.news_window_days == 10 and src.poll.recheck.year_period_days == 3
    assert src.poll.recheck.budget_per_poll == 9 and src.poll.recheck.recent_days == 30
    with pytest.raises(ConfigError, match=r"poll.recheck: unknown field"):
        parse_source({"id": "s", "family": "hanweb", "base_url": "https://a.gov.cn",
                      "columns": [{"id": "1", "path": "/c"}], "poll": {"recheck": {"weekly": 1}}})
