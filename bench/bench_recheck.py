"""Re-check cycle benchmark: a Hanweb source with 4 columns and 500 known articles.

Run: .venv/bin/python bench/bench_recheck.py
- one baseline poll, then 35 simulated days of 3 polls a day against the local mirror over
  HTTP (the clock is injected: no sleeping);
- right after the baseline, one 10-day-old and five ~200-day-old articles are revised in place
  (list pages unchanged, Maketime changed): how many polls until each change is seen;
- per poll: requests (list pages + re-checks) and the share answered 304, the re-check budget
  used, articles deferred; the day the first full cycle (every article re-checked) completes;
- baseline for comparison, measured in the same run: re-checking every known article on every
  poll (`--recheck all`), the cost of watching without a schedule.
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TODAY = dt.date(2026, 12, 1)
COLUMNS = ["201", "202", "203", "204"]
PER_COLUMN = 125  # 4 x 125 = 500 articles, one every 8 days per column: ~2.7 years back
STEP_DAYS = 8
POLL_HOURS = (0, 5, 10)  # 08:00, 13:00, 18:00 Beijing
DAYS = 35


def build_site():
    from yibao.mirror.content import _NHSA_104, _docs
    from yibao.mirror.model import MirrorSite

    docs = []
    for i, col in enumerate(COLUMNS):
        # columns offset by 2 days so the four columns do not publish on the same day
        docs += _docs("bench", col, _NHSA_104, PER_COLUMN, TODAY - dt.timedelta(days=2 * i),
                      100000 * (i + 1), STEP_DAYS, numbered=True)
    return MirrorSite(id="bench", family="hanweb", columns=list(COLUMNS), documents=docs, name="基准医保局",
                      column_names={c: f"栏目{c}" for c in COLUMNS},
                      extra={"webid": 1, "per_page": 15, "group_size": 3, "anti_fraud": True})


def build_source(mirror_url: str):
    from scrapers.config import parse_source, point_at_mirror

    return point_at_mirror(parse_source({
        "id": "bench", "name": "基准医保局", "family": "hanweb", "base_url": "https://bench.example.gov.cn",
        "columns": [{"id": c, "path": f"/col/col{c}/index.html"} for c in COLUMNS],
        "poll": {"max_catchup_pages": 30}}), mirror_url)


def polls(start: dt.date, days: int):
    for day in range(days):
        for hour in POLL_HOURS:
            yield dt.datetime.combine(start + dt.timedelta(days=day), dt.time(hour))


def age(doc) -> int:
    return (TODAY - dt.date.fromisoformat(doc.publish_date)).days


def run() -> dict:
    from scrapers.crawl import CrawlState, crawl_source
    from scrapers.http import Fetcher
    from yibao.mirror.server import MirrorServer
    from yibao.mirror.sites.hanweb import article_path

    site = build_site()
    sentence = "各地要确保12月底前全国统一切换上线。"
    recent = min((d for d in site.documents if age(d) >= 10), key=age)
    old = sorted((d for d in site.documents if 195 <= age(d) <= 215), key=age)[:5]
    for doc in [recent, *old]:
        doc.body += "\n" + sentence
    with MirrorServer(sites=[site]) as mirror:
        source = build_source(mirror.base_url)
        fetcher = Fetcher(min_delay_s=0, timeout_s=10, retries=0)
        start = dt.datetime.combine(TODAY, dt.time(0))
        t = time.perf_counter()
        base = crawl_source(source, fetcher, CrawlState(), now=start)
        baseline_s = time.perf_counter() - t
        assert len(base.state.known) == 500, len(base.state.known)
        for doc in [recent, *old]:
            mirror.revise_in_place("bench", doc.doc_id, "确保12月底前", "确保11月底前")
        url = {doc.doc_id: mirror.base_url + "/bench" + article_path(doc) for doc in [recent, *old]}
        seen: dict[str, int] = {}
        per_poll, share_304, used, deferred, full_cycle_day, poll_s = [], [], [], [], None, []
        state = base.state
        for n, now in enumerate(polls(TODAY, DAYS), 1):
            if n == 1:
                continue  # the baseline was this slot's poll
            t = time.perf_counter()
            res = crawl_source(source, fetcher, state, now=now)
            poll_s.append(time.perf_counter() - t)
            state = res.state
            per_poll.append(res.requests)
            share_304.append((res.not_modified + res.recheck_not_modified) / res.requests if res.requests else 1)
            used.append(res.recheck_requests)
            deferred.append(res.recheck_deferred)
            for article in res.articles:
                for doc_id, u in url.items():
                    if article.url == u and doc_id not in seen:
                        seen[doc_id] = n - 1  # polls after the baseline
            if res.full_cycle_completed and full_cycle_day is None:
                full_cycle_day = (now - start).total_seconds() / 86400
        # the comparison: every known article re-checked on one poll
        t = time.perf_counter()
        forced = crawl_source(source, fetcher, state, now=now + dt.timedelta(hours=1), recheck="all")
        forced_s = time.perf_counter() - t
    return {
        "baseline_requests": base.requests, "baseline_s": baseline_s,
        "per_poll": per_poll, "share_304": share_304, "used": used, "deferred": deferred,
        "poll_s": poll_s, "budget": source.poll.recheck.budget_per_poll,
        "seen_recent": seen.get(recent.doc_id), "seen_old": [seen.get(d.doc_id) for d in old],
        "old_ages": [age(d) for d in old], "recent_age": age(recent),
        "full_cycle_day": full_cycle_day, "forced_requests": forced.requests, "forced_s": forced_s,
        "forced_304": (forced.not_modified + forced.recheck_not_modified) / forced.requests,
    }


def main() -> list[dict]:
    r = run()
    med = statistics.median(r["per_poll"])
    share = sum(r["share_304"]) / len(r["share_304"])
    polls_per_day = len(POLL_HOURS)
    old_seen = [s for s in r["seen_old"] if s is not None]
    rows = [
        {"case": "re-check: requests per poll, 4 columns, 500 known articles (35 days, 3 polls/day)",
         "median_s": statistics.median(r["poll_s"]), "baseline": f"re-check all 500 each poll: "
         f"{r['forced_requests']} requests, {r['forced_s']:.2f} s", "ratio": r["forced_requests"] / med,
         "note": f"median {med:g} requests (max {max(r['per_poll'])}), {share:.1%} answered 304; "
                 f"budget {r['budget']}/host/poll, max used {max(r['used'])}, deferred {max(r['deferred'])}; "
                 f"baseline poll {r['baseline_requests']} requests in {r['baseline_s']:.1f} s"},
        {"case": f"re-check: polls until an in-place change is seen, {r['recent_age']}-day-old article",
         "median_s": None, "baseline": "", "ratio": None,
         "note": f"{r['seen_recent']} poll(s)"},
        {"case": f"re-check: polls until an in-place change is seen, {min(r['old_ages'])}–{max(r['old_ages'])}"
                 f"-day-old articles (5)", "median_s": None, "baseline": "", "ratio": None,
         "note": f"{sorted(r['seen_old'])} polls (≤ {7 * polls_per_day} = one week); "
                 f"all seen: {len(old_seen) == len(r['seen_old'])}"},
        {"case": "re-check: first full cycle (every known article re-checked)", "median_s": None,
         "baseline": "", "ratio": None,
         "note": f"day {r['full_cycle_day']:.1f}" if r["full_cycle_day"] else "not within 35 days"},
    ]
    for row in rows:
        print(f"{row['case']}: {row['note']}")
    return rows


if __name__ == "__main__":
    main()
