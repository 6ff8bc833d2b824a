"""`make run` is safe by default: loopback only, a generated admin password kept outside git."""
import json
import stat
import subprocess

from yibao.airflow_local import Standalone, airflow_env
from yibao.run_local import PASSWORDS_FILE, admin_password, link_secret_warning
from yibao.settings import REPO_ROOT


def test_admin_password_is_generated_once_and_kept_private(tmp_path):
    password, created = admin_password(tmp_path)
    assert created and len(password) >= 20 and password != "admin"
    path = tmp_path / PASSWORDS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"admin": password}
    assert admin_password(tmp_path) == (password, False)          # reused, not printed again


def test_a_left_over_admin_admin_is_replaced(tmp_path):
    (tmp_path / PASSWORDS_FILE).write_text(json.dumps({"admin": "admin"}))
    password, created = admin_password(tmp_path)
    assert created and password != "admin"


def test_the_api_server_listens_on_loopback_unless_configured(tmp_path):
    env = airflow_env(tmp_path, 8123)
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1" and env["AIRFLOW__API__BASE_URL"] == "http://127.0.0.1:8123"
    af = Standalone(home=tmp_path, users={"admin": "x"}, port=8123, host="0.0.0.0")
    assert af.env["AIRFLOW__API__HOST"] == "0.0.0.0" and af.url == "http://127.0.0.1:8123"


def test_dot_env_files_are_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", ".env", ".env.local"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.stdout.split() == [".env", ".env.local"]


def test_a_missing_link_secret_is_announced_at_start(monkeypatch):
    monkeypatch.delenv("YIBAO_LINK_SECRET", raising=False)
    monkeypatch.delenv("YIBAO_DEV", raising=False)
    assert "YIBAO_LINK_SECRET" in link_secret_warning()
    monkeypatch.setenv("YIBAO_LINK_SECRET", "s")
    assert link_secret_warning() is None


def test_waiting_for_a_run_without_a_time_limit_polls_until_it_finishes(tmp_path, monkeypatch):
    """`make demo` waits for the trainer with no time limit (it crashed on timeout_s=None)."""
    af = Standalone(home=tmp_path, users={"admin": "x"}, port=8123)
    states = iter(["queued", "running", "success"])
    monkeypatch.setattr(af, "_find_run", lambda *a: {"state": next(states)})
    assert af.wait_run("yibao_deliver", after="2026-01-01", timeout_s=None, poll_s=0)["state"] == "success"


def test_the_demo_stops_on_sigterm_as_on_ctrl_c():
    """`kill <demo>` used to orphan airflow standalone: SIGTERM now runs the same stop as Ctrl-C."""
    import signal

    import pytest

    from yibao.demo import stop_on_signals
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        stop_on_signals()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)
