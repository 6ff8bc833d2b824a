"""The CLI starts fast and prints only its own output: building the parser must not import
Airflow (which costs seconds and, in some configurations, logs to stdout)."""
import subprocess
import sys


def test_building_the_parser_does_not_import_airflow():
    code = "import sys; from yibao.cli import build_parser; build_parser(); print(sorted(m for m in sys.modules if m.split('.')[0] == 'airflow'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
