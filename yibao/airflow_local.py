"""Run and talk to a local `airflow standalone` (demo, `make run`, browser tests).

Only the REST API v2 is used to drive it, exactly as a person or a script would.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from yibao.settings import REPO_ROOT


class AirflowLocalError(RuntimeError):
    pass


def airflow_env(home: Path, port: int = 8080, extra: dict[str, str] | None = None,
                host: str = "127.0.0.1") -> dict[str, str]:
    """Environment for a standalone Airflow on SQLite with the repo's DAGs and plugins.
    The api-server listens on `host` only (loopback unless configured otherwise)."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)  # standalone starts `airflow …` children by name
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__API__HOST": host,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://{_reach(host)}:{port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{_reach(host)}:{port}/execution/",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__TRIGGER_TIMEOUT_CHECK_INTERVAL": "5",
    })
    env.update(extra or {})
    return env


def _reach(host: str) -> str:
    """The address to reach a server listening on `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


@dataclass
class Standalone:
    """`users` maps login → password (all Airflow admins); the first one drives the REST API."""
    home: Path
    users: dict[str, str]
    port: int = 8080
    extra_env: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"
    process: subprocess.Popen | None = None
    _token: str | None = None

    @property
    def url(self) -> str:
        return f"http://{_reach(self.host)}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        users = ",".join(f"{u}:admin" for u in self.users)
        return airflow_env(self.home, self.port, {"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": users,
                                                  **self.extra_env}, host=self.host)

    def airflow(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        exe = Path(sys.executable).with_name("airflow")
        return subprocess.run([str(exe), *args], env=self.env, check=check, capture_output=True, text=True)

    def prepare(self) -> None:
        """Migrate the metadata DB, fix the login passwords, create the pools the DAGs use."""
        self.home.mkdir(parents=True, exist_ok=True)
        passwords = self.home / "simple_auth_manager_passwords.json.generated"
        passwords.touch(mode=0o600)
        passwords.chmod(0o600)
        passwords.write_text(json.dumps(self.users))
        self.airflow("db", "migrate")
        subprocess.run([str(Path(sys.executable).with_name("yibao")), "pools", "--apply"], env=self.env,
                       check=True, capture_output=True, text=True)

    def start(self, timeout_s: float = 120) -> None:
        log = open(self.home / "standalone.log", "ab")
        exe = Path(sys.executable).with_name("airflow")
        self.process = subprocess.Popen([str(exe), "standalone"], env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AirflowLocalError(f"airflow standalone exited; see {self.home / 'standalone.log'}")
            try:
                health = requests.get(f"{self.url}/api/v2/monitor/health", timeout=2).json()
                if all(c.get("status") == "healthy" for k, c in health.items() if isinstance(c, dict)
                       and k in ("metadatabase", "scheduler", "dag_processor", "triggerer")):
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(1)
        raise AirflowLocalError(f"airflow did not become healthy in {timeout_s:.0f}s; "
                                f"see {self.home / 'standalone.log'}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    # ------------------------------------------------------------------ REST
    def token(self, user: str | None = None) -> str:
        user = user or next(iter(self.users))
        if self._token is None:
            r = requests.post(f"{self.url}/auth/token", json={"username": user, "password": self.users[user]},
                              timeout=10)
            r.raise_for_status()
            self._token = r.json()["access_token"]
        return self._token

    def api(self, method: str, path: str, **kw) -> dict:
        r = requests.request(method, f"{self.url}/api/v2{path}", timeout=30,
                             headers={"Authorization": f"Bearer {self.token()}"}, **kw)
        if r.status_code >= 400:
            raise AirflowLocalError(f"{method} {path}: HTTP {r.status_code} {r.text[:300]}")
        return r.json() if r.content else {}

    def wait_for_dag(self, dag_id: str, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                self.api("GET", f"/dags/{dag_id}")
                return
            except AirflowLocalError:
                time.sleep(2)
        raise AirflowLocalError(f"DAG {dag_id} was not parsed in {timeout_s:.0f}s")

    def trigger(self, dag_id: str, conf: dict | None = None) -> str:
        self.api("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
        run = self.api("POST", f"/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": conf or {}})
        return run["dag_run_id"]

    def wait_run(self, dag_id: str, run_id: str | None = None, *, after: str | None = None,
                 timeout_s: float | None = 300, poll_s: float = 2) -> dict:
        """Wait for a run to finish (a given run, or the newest run queued after `after`);
        `timeout_s=None` waits as long as it takes (the demo waiting for a trainer)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while deadline is None or time.monotonic() < deadline:
            run = self._find_run(dag_id, run_id, after)
            if run and run["state"] in ("success", "failed"):
                return run
            time.sleep(poll_s)
        raise AirflowLocalError(f"{dag_id} run {run_id or '(asset-triggered)'} did not finish in {timeout_s:.0f}s")

    def _find_run(self, dag_id: str, run_id: str | None, after: str | None) -> dict | None:
        if run_id:
            return self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}")
        runs = self.api("GET", f"/dags/{dag_id}/dagRuns", params={"order_by": "-run_after", "limit": 5})
        for run in runs.get("dag_runs", []):
            if after is None or (run.get("queued_at") or "") > after:
                return run
        return None

    def pending_reviews(self) -> list[dict]:
        data = self.api("GET", "/dags/~/dagRuns/~/hitlDetails", params={"response_received": False})
        return data.get("hitl_details", [])
