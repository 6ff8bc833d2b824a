"""`make bench`: run every bench/bench_*.py module's main() and print one table.

Each row: bench, case, median, the baseline it is compared with (measured in the
same run), and the ratio. The table is also written to bench/results.md.
"""
from __future__ import annotations

import importlib.util
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def fmt(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _merge(path: Path, benches: set[str], new_rows: list[str], note: str) -> str:
    """The saved table with the rows of `benches` replaced by `new_rows` (in their old place)."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    if len(lines) < 4:
        return "\n".join([note, "", *new_rows])
    kept, placed = [], False
    for line in lines[4:]:
        bench = line.split("|")[1].strip() if line.startswith("|") else ""
        if bench in benches:
            if not placed:
                kept.extend(new_rows)
                placed = True
            continue
        kept.append(line)
    if not placed:
        kept.extend(new_rows)
    return "\n".join([lines[0].split(" (")[0] + f" ({note})", *lines[1:4], *kept])


def main(selected: list[str]) -> int:
    rows, failures = [], []
    for path in sorted(HERE.glob("bench_*.py")):
        if selected and not any(s in path.stem for s in selected):
            continue
        print(f"== {path.stem} …", flush=True)
        started = time.perf_counter()
        try:
            result = load(path).main() or []
        except Exception:
            failures.append(path.stem)
            traceback.print_exc()
            continue
        for row in result:
            rows.append({"bench": path.stem.removeprefix("bench_"), **row})
        print(f"   {len(result)} row(s) in {time.perf_counter() - started:.1f}s", flush=True)
    cols = ["bench", "case", "median_s", "baseline", "ratio", "note"]
    machine = (f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
               f"{time.strftime('%Y-%m-%d %H:%M')}")
    new_rows = ["| " + " | ".join(fmt(row.get(c)).replace("|", "/") for c in cols) + " |" for row in rows]
    table = "\n".join([machine, "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols), *new_rows])
    print("\n" + table)
    if selected:   # a partial run replaces only its own benches' rows; the rest keep their run's date
        table = _merge(HERE / "results.md", {r["bench"] for r in rows}, new_rows,
                       f"{', '.join(sorted({r['bench'] for r in rows}))} re-run {time.strftime('%Y-%m-%d %H:%M')}")
    (HERE / "results.md").write_text(table + "\n", encoding="utf-8")
    if failures:
        print(f"\nfailed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
