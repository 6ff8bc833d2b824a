"""Benchmark: clause-aligned diff of two 50k-char regulations and two 3,000-row catalogue tables.

Baseline (same inputs, same run): whole-text character-level difflib.SequenceMatcher(autojunk=False)
for the texts; a naive row-by-row SequenceMatcher over row strings for the tables.
Inputs are synthetic but deterministic (seed 20250101), built from real clause patterns of the
青海 service agreements: ~3% of clauses edited, some renumbered, moved and inserted.
Run: .venv/bin/python bench/bench_diff.py
"""
from __future__ import annotations

import random
import statistics
import time
import tracemalloc
from difflib import SequenceMatcher
from pathlib import Path

from yibao.document.clauses import normalize_text, parse_clauses
from yibao.diff import compare_tables, compare_texts

SEED = 20250101
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "qinghai-texts"
CN = "零一二三四五六七八九"


def cn(n: int) -> str:
    h, r = divmod(n, 100)
    t, u = divmod(r, 10)
    s = (CN[h] + "百") if h else ""
    if t:
        s += ("" if (t == 1 and not h) else CN[t]) + "十"
    elif h and u:
        s += "零"
    return s + (CN[u] if u else "")


def _real_sentences() -> list[str]:
    out: list[str] = []
    for name in ("qh_ydxy_2024", "qh_yyxy_2025", "qh_ydxy_2025"):
        path = CORPUS / f"{name}.normalized.txt"
        if path.exists():
            for c in parse_clauses(path.read_text(encoding="utf-8")):
                out += [s + "。" for s in c.text.replace("\n", "").split("。") if len(s) > 12]
    return out or ["乙方应当严格执行医疗保障政策，报销比例为50%，在10个工作日内完成结算。"]


def make_regulations(target_chars: int = 50_000) -> tuple[str, str]:
    rnd = random.Random(SEED)
    sents = _real_sentences()
    clauses, size = [], 0
    while size < target_chars:
        body = "".join(rnd.choice(sents) for _ in range(rnd.randint(1, 3)))
        body = body.replace("50%", f"{rnd.randint(10, 90)}%") if rnd.random() < 0.2 else body
        clauses.append(body)
        size += len(body) + 8
    new = list(clauses)
    for _ in range(max(1, len(new) * 3 // 100)):  # ~3% edited
        i = rnd.randrange(len(new))
        new[i] = new[i].replace("应", "可以", 1) if "应" in new[i] else new[i] + "具体按有关规定执行。"
    for _ in range(3):  # inserted (renumbers everything after)
        new.insert(rnd.randrange(len(new)), "".join(rnd.choice(sents) for _ in range(2)) + "（新增）")
    for _ in range(2):  # moved
        i, j = rnd.randrange(len(new)), rnd.randrange(len(new))
        new.insert(j, new.pop(i))
    del new[rnd.randrange(len(new))]

    def render(bodies: list[str]) -> str:
        out, chapter = [], 0
        for k, b in enumerate(bodies, 1):
            if k % 25 == 1:
                chapter += 1
                out.append(f"第{cn(chapter)}章 第{cn(chapter)}部分规定")
            out.append(f"第{cn(k)}条 {b}")
        return "\n".join(out) + "\n"
    return render(clauses), render(new)


def make_tables(n: int = 3000) -> tuple[list[dict], list[dict]]:
    rnd = random.Random(SEED + 1)
    forms = ["片剂", "胶囊", "注射剂", "颗粒剂", "口服液"]
    old = [{"序号": i + 1, "药品代码": f"XA{i:06d}", "药品名称": f"药品{i}{rnd.choice(forms)}",
            "剂型": rnd.choice(forms), "甲乙类": rnd.choice("甲乙"), "支付标准": f"{rnd.uniform(0.5, 500):.2f}",
            "备注": rnd.choice(["", "限二线用药", "限儿童"])} for i in range(n)]
    new = [dict(r) for r in old]
    for r in rnd.sample(new, n * 3 // 100):
        r["支付标准"] = f"{float(r['支付标准']) * 0.9:.2f}"
    for r in rnd.sample(new, 30):
        new.remove(r)
    new += [{"序号": 0, "药品代码": f"XB{i:06d}", "药品名称": f"新药{i}", "剂型": "片剂", "甲乙类": "乙",
             "支付标准": "12.00", "备注": ""} for i in range(40)]
    return old, new


def _measure(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def main() -> list[dict]:
    old, new = make_regulations()
    compare_texts(old, new)  # warm-up (regex compilation)
    t_ours, m_ours = _measure(lambda: compare_texts(old, new), 5)
    on, nn = normalize_text(old), normalize_text(new)
    t_base, m_base = _measure(lambda: SequenceMatcher(None, on, nn, autojunk=False).get_opcodes(), 1)
    told, tnew = make_tables()
    t_tab, m_tab = _measure(lambda: compare_tables(told, tnew), 5)
    lines_old = ["|".join(map(str, r.values())) for r in told]
    lines_new = ["|".join(map(str, r.values())) for r in tnew]
    t_tbase, m_tbase = _measure(lambda: SequenceMatcher(None, lines_old, lines_new, autojunk=False).get_opcodes(), 3)
    rows = [
        {"bench": "diff", "case": f"regulation {len(old)}/{len(new)} chars, clause-aligned + inline spans",
         "median_s": round(t_ours, 4), "baseline": "char-level SequenceMatcher(autojunk=False)",
         "baseline_s": round(t_base, 3), "ratio": round(t_ours / t_base, 4),
         "note": f"peak {m_ours:.1f} MiB vs baseline {m_base:.1f} MiB"},
        {"bench": "diff", "case": f"catalogue {len(told)}/{len(tnew)} rows, keyed by 药品代码",
         "median_s": round(t_tab, 4), "baseline": "row-string SequenceMatcher(autojunk=False)",
         "baseline_s": round(t_tbase, 3), "ratio": round(t_tab / t_tbase, 4),
         "note": f"peak {m_tab:.1f} MiB vs baseline {m_tbase:.1f} MiB"},
    ]
    print(f"{'case':<62} {'median_s':>9} {'baseline_s':>10} {'ratio':>8}  note")
    for r in rows:
        print(f"{r['case']:<62} {r['median_s']:>9} {r['baseline_s']:>10} {r['ratio']:>8}  {r['note']} [{r['baseline']}]")
    return rows


if __name__ == "__main__":
    main()
