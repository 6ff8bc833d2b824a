"""Bad places to write to give one line and exit 2, never a traceback (the real CLI, as a subprocess)."""
from __future__ import annotations

import os
import subprocess
import sys


def _yibao(tmp_path, *args, **env):
    env = {**os.environ, "YIBAO_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}", **env}
    return subprocess.run([sys.executable, "-m", "yibao", *args], capture_output=True, text=True, env=env,
                          timeout=180)


def test_report_to_a_missing_directory_is_one_line(tmp_path):
    out = _yibao(tmp_path, "report", "--since", "2026-01-01", "-o", str(tmp_path / "no" / "such" / "r.csv"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "yibao report: error: cannot write" in out.stderr and "No such file or directory" in out.stderr


def test_pools_apply_without_an_airflow_db_is_one_line(tmp_path):
    empty = tmp_path / "airflow.db"
    out = _yibao(tmp_path, "pools", "--apply", AIRFLOW_HOME=str(tmp_path / "af"),
                 AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{empty}")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "yibao pools: error: cannot write pools" in out.stderr and "airflow db migrate" in out.stderr
