"""Scraper benchmarks: Hanweb parse times and requests per unchanged poll.

Run: .venv/bin/python bench/bench_scrapers.py
- parse time per list page / article (median of N runs) on the real corpus pages
  and on mirror pages; baseline = lxml parsing the same bytes into a tree;
- requests per poll when nothing changed: start the mirror, poll once to prime
  the state, poll again and count requests per column (target: 1, answered 304).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"
REPS = 30


def _median(fn: Callable[[], object], reps: int = REPS) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _row(case: str, median_s: float, baseline: str, base_s: float | None, note: str = "") -> dict:
    return {"bench": "scrapers", "case": case, "median_s": median_s, "baseline": baseline,
            "ratio": (median_s / base_s) if base_s else None, "note": note}


def parse_rows(mirror) -> list[dict]:
    import lxml.html
    import requests

    from scrapers.registry import get_parser

    parser = get_parser("hanweb")
    pages = []
    if (CORPUS / "nhsa" / "art_14_21766.html").exists():
        pages.append(("article corpus nhsa art_14_21766", "article",
                      (CORPUS / "nhsa" / "art_14_21766.html").read_text(encoding="utf-8"),
                      "http://www.nhsa.gov.cn/art/2026/8/14/art_14_21766.html"))
        pages.append(("list corpus jiangsu col284 (30 rows)", "list",
                      (CORPUS / "samples-hanweb" / "js_list.html").read_text(encoding="utf-8"),
                      "http://fzggw.jiangsu.gov.cn/col/col284/index.html"))
    col_url = mirror.base_url + "/nhsa/col/col104/index.html"
    col_html = requests.get(col_url).text
    pages.append(("list mirror nhsa col104 (45 rows)", "list", col_html, col_url))
    first = parser.parse_list(col_html, col_url).entries[0].url
    pages.append(("article mirror nhsa col104", "article", requests.get(first).text, first))
    rows = []
    for case, kind, html, url in pages:
        fn = (lambda h=html, u=url: parser.parse_list(h, u)) if kind == "list" else \
             (lambda h=html, u=url: parser.parse_article(h, u))
        base = _median(lambda h=html: lxml.html.document_fromstring(h))
        rows.append(_row(f"parse {case}", _median(fn), "lxml tree build of same page", base, f"{len(html)} chars"))
    return rows


def poll_rows(mirror) -> list[dict]:
    from scrapers.config import load_sources
    from scrapers.crawl import CrawlState, crawl_source
    from scrapers.http import Fetcher

    rows = []
    config = REPO / "tests" / "fixtures" / "scrapers" / "sources.yaml"
    for source in load_sources(config, overrides={"mirror_url": mirror.base_url}):
        fetcher = Fetcher(min_delay_s=0, timeout_s=10, retries=0)
        t = time.perf_counter()
        prime = crawl_source(source, fetcher, CrawlState())
        prime_s = time.perf_counter() - t
        mirror.clear_requests()
        t = time.perf_counter()
        again = crawl_source(source, fetcher, prime.state)
        again_s = time.perf_counter() - t
        per_col = {c.id: sum(1 for _, p in mirror.requests if f"/col/col{c.id}/" in p) for c in source.columns}
        rows.append(_row(f"poll unchanged {source.id} ({len(source.columns)} columns)", again_s,
                         "priming poll", prime_s,
                         f"requests={again.requests} (priming {prime.requests}), 304s={again.not_modified}, "
                         f"per column {per_col}"))
    return rows


def main() -> list[dict]:
    from yibao.mirror.content import jiangsu_site, nhsa_site
    from yibao.mirror.server import MirrorServer

    with MirrorServer(sites=[nhsa_site(), jiangsu_site()]) as mirror:
        rows = parse_rows(mirror) + poll_rows(mirror)
    print(f"{'case':<58} {'median_s':>10} {'ratio':>7}  baseline / note")
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        print(f"{r['case']:<58} {r['median_s']:>10.5f} {ratio:>7}  {r['baseline']}; {r['note']}")
    return rows


if __name__ == "__main__":
    main()
