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


def test_deliver_without_a_link_secret_is_one_line_and_sends_nothing(tmp_path):
    from yibao.delivery.alerts import record_alert
    from yibao.delivery.subscriptions import load_subscriptions, sync_people
    from yibao.store.db import open_session

    with open_session(f"sqlite:///{tmp_path / 'store.db'}") as s:   # something due: an alert to the 医保办
        sync_people(s, load_subscriptions())
        s.flush()
        assert record_alert(s, subject="信息源异常：测试", stage="scrape", message="测试")
    env = {k: v for k, v in os.environ.items() if k not in ("YIBAO_LINK_SECRET", "YIBAO_DEV")}
    out = subprocess.run([sys.executable, "-m", "yibao", "deliver"], capture_output=True, text=True, timeout=180,
                         env={**env, "YIBAO_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
                              "YIBAO_HOME": str(tmp_path), "AIRFLOW_HOME": str(tmp_path / "af")})
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[-2000:]
    assert "yibao deliver: error: nothing sent: no link secret" in out.stderr


def test_pools_with_an_unknown_source_id_is_one_line(tmp_path):
    out = _yibao(tmp_path, "pools", YIBAO_SOURCES="bogus")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "yibao pools: error: YIBAO_SOURCES: no source with id(s) ['bogus']" in out.stderr
