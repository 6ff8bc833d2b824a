"""Attachment extraction speed on a 200-page CJK drug-catalogue PDF.

Cases (pages/s), all measured in this run:
- pdfplumber extract_text (baseline)
- pdfplumber extract_tables
- our fast path (pypdfium2 text + clean-up)
- our extract_bytes, auto mode (fast text + pdfplumber tables on ruled pages;
  every page of this catalogue is ruled, so this is table-bound; read over the
  first 20 pages via Limits(max_pages=20) to stay in the time budget)
- our extract_bytes, want_tables=False

The PDF is generated once and cached under the temp dir.
Run: .venv/bin/python bench/bench_attachments.py
"""
from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path

PAGES = 200
SAMPLE_PAGES_SLOW = 20   # pdfplumber cases read a slice to stay under the time budget


def _catalogue() -> bytes:
    from yibao.testing.pdfgen import make_catalogue_pdf

    path = Path(tempfile.gettempdir()) / f"yibao-bench-catalogue-{PAGES}p.pdf"
    if not path.exists():
        make_catalogue_pdf(path, pages=PAGES)
    return path.read_bytes()


def _time_interleaved(cases, rounds: int) -> dict[str, float]:
    """Median seconds per case; cases alternate each round so machine load hits all alike."""
    runs: dict[str, list[float]] = {name: [] for name, *_ in cases}
    for r in range(rounds):
        for name, fn, _pages, repeat in cases:
            if r < repeat:
                t = time.perf_counter()
                fn()
                runs[name].append(time.perf_counter() - t)
    return {name: statistics.median(v) for name, v in runs.items()}


def main() -> list[dict]:
    import pdfplumber
    import pypdfium2 as pdfium

    from yibao.attachments import Limits, extract_bytes
    from yibao.attachments.pdf import fast_text

    data = _catalogue()
    n_pages = len(pdfium.PdfDocument(data))
    slow_n = min(SAMPLE_PAGES_SLOW, n_pages)

    def plumber_text():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages[:slow_n]:
                page.extract_text()
                page.close()

    def plumber_tables():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages[:slow_n]:
                page.extract_tables()
                page.close()

    limits = Limits(max_pages=10_000)
    cases = [
        ("pdfplumber extract_text", plumber_text, slow_n, 3),
        ("pdfplumber extract_tables", plumber_tables, slow_n, 3),
        ("fast path (pypdfium2)", lambda: fast_text(data), n_pages, 3),
        ("extract_bytes want_tables=False", lambda: extract_bytes(data, "c.pdf", limits=limits, want_tables=False),
         n_pages, 3),
        ("extract_bytes auto (tables on ruled pages)",
         lambda: extract_bytes(data, "c.pdf", limits=Limits(max_pages=slow_n)), slow_n, 1),
    ]
    medians = _time_interleaved(cases, rounds=3)
    measured = [(name, medians[name], pages, pages / medians[name]) for name, _fn, pages, _r in cases]
    base_rate = measured[0][3]
    rows = []
    for name, median, pages, rate in measured:
        rows.append({"bench": "attachments", "case": name, "median_s": round(median, 4),
                     "baseline": "pdfplumber extract_text", "ratio": round(rate / base_rate, 1),
                     "note": f"{rate:,.0f} pages/s over {pages} pages"})
    return rows


def _print(rows: list[dict]) -> None:
    print(f"{'case':45s} {'median_s':>9s} {'ratio':>7s}  note")
    for r in rows:
        print(f"{r['case']:45s} {r['median_s']:9.4f} {r['ratio']:6.1f}x  {r['note']}")
    print(f"(ratio = pages/s relative to {rows[0]['baseline']}; target for the fast path: ≥50x)")


if __name__ == "__main__":
    _print(main())
