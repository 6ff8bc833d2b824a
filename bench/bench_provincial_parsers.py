"""Parse speed of the provincial parsers (gd_nfcms, sh_static, zj_jpaas, sc_trs).

Baseline: building the lxml BeautifulSoup tree of the same page — the floor
any of these parsers pays; the ratio shows what extraction adds on top.
Run: .venv/bin/python bench/bench_provincial_parsers.py
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Callable

from bs4 import BeautifulSoup

from scrapers.registry import get_parser
from yibao.mirror.model import Request
from yibao.mirror.sites import gd_nfcms, sh_static

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def _median(fn: Callable[[], object], repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _cases() -> list[tuple[str, str, Callable[[], object]]]:
    cases = []
    sc = CORPUS / "SC" / "DOC-SC-MEDICAL-TRANSFER-2026" / "original.html"
    if sc.exists():
        html = sc.read_text(encoding="utf-8")
        cases.append(("sc_trs article (real page)", html,
                      lambda: get_parser("sc_trs").parse_article(html, "https://ylbzj.sc.gov.cn/a.shtml")))
    unit = CORPUS / "samples-jpaas" / "unit_api.json"
    if unit.exists():
        body = unit.read_text(encoding="utf-8")
        cases.append(("zj_jpaas unit API page (real)", body,
                      lambda: get_parser("zj_jpaas").parse_list_response(body, "https://fzggw.zj.gov.cn/u", source=None)))
    sh_site = sh_static.default_site()
    doc = sh_site.documents[0]
    sh_html = sh_static.ShStaticRenderer().handle(sh_site, Request("GET", sh_static.article_path(sh_site, doc))).body.decode()
    cases.append(("sh_static article (mirror, 3 copies)", sh_html,
                  lambda: get_parser("sh_static").parse_article(sh_html, "https://ybj.sh.gov.cn/a.html")))
    gd_site = gd_nfcms.default_site()
    gdoc = gd_site.documents[0]
    gd_html = gd_nfcms.GdNfcmsRenderer().handle(gd_site, Request("GET", gd_nfcms.post_path(gd_site, gdoc))).body.decode()
    cases.append(("gd_nfcms article (mirror)", gd_html,
                  lambda: get_parser("gd_nfcms").parse_article(gd_html, "https://hsa.gd.gov.cn/a.html")))
    return cases


def main() -> list[dict]:
    rows = []
    for name, text, fn in _cases():
        base = _median(lambda: BeautifulSoup(text, "lxml"))
        med = _median(fn)
        rows.append({"bench": "provincial_parsers", "case": name, "median_s": round(med, 5),
                     "baseline": "BeautifulSoup(lxml) of the same page", "ratio": round(med / base, 2),
                     "note": f"{len(text)} chars"})
    return rows


if __name__ == "__main__":
    result = main()
    print(f"{'case':40} {'median_s':>10} {'ratio':>7}  note")
    for r in result:
        print(f"{r['case']:40} {r['median_s']:>10.5f} {r['ratio']:>7.2f}  {r['note']} (baseline: {r['baseline']})")
