"""`yibao deliver`: options that would widen who is mailed are refused; --json output is only JSON."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from yibao.cli import main


@pytest.mark.parametrize("extra", [["--dry-run"], []])
def test_person_without_retry_failed_is_refused_before_anything_runs(extra, yibao_db, capsys):
    assert main(["deliver", *extra, "--person", "wang.fang"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "yibao deliver: error: --person works only with --retry-failed"


def test_dry_run_json_is_parseable_and_each_warning_is_on_stderr_once(tmp_path):
    """Airflow, imported for the robot secrets, must not turn the CLI's logs back onto stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env.update(YIBAO_HOME=str(tmp_path), AIRFLOW_HOME=str(tmp_path / "af"))
    out = subprocess.run([sys.executable, "-m", "yibao", "deliver", "--dry-run", "--json"], capture_output=True,
                         text=True, timeout=180, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["dry_run"] is True
    missing = [line for line in out.stderr.splitlines() if "robot 'yibaoban': missing secret" in line]
    assert len(missing) == 1, out.stderr
