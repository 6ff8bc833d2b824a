"""Benchmark: the document model on a 50,000-character regulation, and the successor comparison.

Input: a real 令 (nhsa_ddyl_2020, 医疗机构医疗保障定点管理暂行办法) with its articles repeated and renumbered
until the body reaches 50,000 characters, under its real head and foot.  Baseline, same input and run:
the clause tree alone (`normalize_text` + `parse_clauses`), i.e. what the model adds for zones,
sentences, modality, actors, facts and topics.
Run: .venv/bin/python bench/bench_document.py
"""
from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

from bench_diff import cn   # 1 → 一, 53 → 五十三 (article numbers)
from yibao.diff.successor import compare_successor
from yibao.document import iter_provisions, parse_document
from yibao.document.clauses import normalize_text, parse_clauses

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nhsa-texts"
def make_regulation(target_chars: int = 50_000) -> str:
    text = (CORPUS / "nhsa_ddyl_2020.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    head, body = lines[:5], [l for l in lines[5:] if not l.startswith("#")][:-2]
    out, n, size = [], 0, 0
    while size < target_chars:
        for line in body:
            m = re.match(r"^第[一二三四五六七八九十百]+条", line)
            if m:
                n += 1
                line = f"第{cn(n)}条" + line[m.end():]
            out.append(line)
            size += len(line) + 1
    return "\n".join(head + out + ["国家医疗保障局", "2020年12月30日"]) + "\n"


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> list[dict]:
    text = make_regulation()
    doc = parse_document(text)   # warm-up: config files and regexes
    t_doc = _median(lambda: parse_document(text), 5)
    t_base = _median(lambda: parse_clauses(normalize_text(text)), 5)
    n = sum(1 for _ in iter_provisions(doc))
    old = parse_document((CORPUS / "nhsa_ddyl_2020.txt").read_text(encoding="utf-8"))
    new = parse_document((CORPUS / "nhsa_ddyd_2020.txt").read_text(encoding="utf-8"))
    t_succ = _median(lambda: compare_successor(old, new), 5)
    rows = [
        {"bench": "document", "case": f"parse_document, regulation {len(text)} chars ({n} provisions)",
         "median_s": round(t_doc, 4), "baseline": "clause tree only (normalize_text + parse_clauses)",
         "baseline_s": round(t_base, 4), "ratio": round(t_doc / t_base, 2),
         "note": "zones + sentences + modality/actors/facts/topic"},
        {"bench": "document", "case": "compare_successor 令第2号 → 令第3号 (parsed)",
         "median_s": round(t_succ, 4), "baseline": "", "baseline_s": None, "ratio": None, "note": "target ≤ 0.3 s"},
    ]
    print(f"{'case':<62} {'median_s':>9} {'baseline_s':>10} {'ratio':>8}  note")
    for r in rows:
        print(f"{r['case']:<62} {r['median_s']:>9} {str(r['baseline_s']):>10} {str(r['ratio']):>8}  {r['note']}")
    return rows


if __name__ == "__main__":
    main()
