"""bench/run_all.py: a partial run (`run_all.py qa`) replaces only its own rows of results.md."""
import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "bench" / "run_all.py"
_spec = importlib.util.spec_from_file_location("bench_run_all", _PATH)
run_all = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_all)

SAVED = """Machine: x86_64, cpu, Python 3.11.7, 2026-12-05 04:10

| bench | case | median_s | baseline | ratio | note |
|---|---|---|---|---|---|
| celery | one worker | 16.6 |  |  |  |
| qa | top-3 | | | | 100% |
| qa | latency | 0.05 | | | |
| scrapers | poll | 0.1 | | | |
"""


def test_partial_run_replaces_only_its_benches_rows(tmp_path):
    path = tmp_path / "results.md"
    path.write_text(SAVED, encoding="utf-8")
    table = run_all._merge(path, {"qa"}, ["| qa | top-3 | | | | 68% |"], "qa re-run 2026-12-05 08:00")
    lines = table.splitlines()
    assert lines[0] == "Machine: x86_64, cpu, Python 3.11.7, 2026-12-05 04:10 (qa re-run 2026-12-05 08:00)"
    assert lines[4:] == ["| celery | one worker | 16.6 |  |  |  |", "| qa | top-3 | | | | 68% |",
                         "| scrapers | poll | 0.1 | | | |"]


def test_partial_run_without_a_saved_table_writes_its_rows(tmp_path):
    table = run_all._merge(tmp_path / "results.md", {"qa"}, ["| qa | x | | | | |"], "qa re-run now")
    assert table.splitlines()[-1] == "| qa | x | | | | |"
