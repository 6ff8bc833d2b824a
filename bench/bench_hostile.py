"""Hostile files are refused or read in bounded time and memory (issue 12 §7).

Cases, all measured in this run (median of 3, cases interleaved):
- baseline: extract_bytes on an ordinary one-page DOCX
- a DOCX whose document.xml inflates to 150 MiB (refused at the 64 MiB member cap)
- the same with both headers claiming 1,000 bytes (refused after counting 64 MiB of real inflate)
- an XLSX whose sheet inflates to 150 MiB
- yibao diff's HTML reader on 1,000 <h2> clauses side by side (baseline) and nested 1,000 deep
Peak memory is the Python heap (tracemalloc) in a separate pass.
Run: .venv/bin/python bench/bench_hostile.py
"""
from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path


def _interleaved(cases, rounds: int = 3) -> dict[str, float]:
    runs: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(rounds):
        for name, fn in cases:
            t = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - t)
    return {name: statistics.median(v) for name, v in runs.items()}


def _peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def main() -> list[dict]:
    from yibao.attachments import extract_bytes
    from yibao.diff.sources import html_to_text
    from yibao.testing import hostile, pdfgen

    with tempfile.TemporaryDirectory() as tmp:
        ordinary = pdfgen.make_docx(Path(tmp) / "ok.docx", ["第一条 正文。"] * 50).read_bytes()
    bomb = hostile.docx_bomb()
    liar = hostile.lying_header(bomb, "word/document.xml")
    sheet = hostile.xlsx_bomb()
    flat = "<html><body>" + "".join(f"<h2>第{i}条 内容{i}。</h2>" for i in range(1, 1001)) + "</body></html>"
    nested = hostile.deep_html(1000, tag="h2")
    extract_bytes(ordinary, "ok.docx")          # warm the imports
    docx_cases = [("ordinary DOCX (baseline)", lambda: extract_bytes(ordinary, "ok.docx")),
                  ("DOCX bomb 150 MiB", lambda: extract_bytes(bomb, "b.docx")),
                  ("DOCX bomb, headers lie", lambda: extract_bytes(liar, "l.docx")),
                  ("XLSX bomb 150 MiB", lambda: extract_bytes(sheet, "s.xlsx"))]
    html_cases = [("1,000 <h2> side by side (baseline)", lambda: html_to_text(flat)),
                  ("1,000 <h2> nested", lambda: html_to_text(nested))]
    rows = []
    for cases in (docx_cases, html_cases):
        medians = _interleaved(cases)
        base_name = cases[0][0]
        for name, fn in cases:
            rows.append({"bench": "hostile", "case": name, "median_s": round(medians[name], 4),
                         "baseline": base_name, "ratio": round(medians[name] / medians[base_name], 1),
                         "note": f"peak heap {_peak_mib(fn):.1f} MiB"})
    return rows


if __name__ == "__main__":
    for r in main():
        print(f"{r['case']:38s} {r['median_s']:8.4f} s {r['ratio']:6.1f}x  {r['note']}")
