"""Run a throw-away `airflow standalone` with this repo's dags/ and plugins/ (browser tests, screenshots).

    with AirflowStandalone(tmp_dir, users={"trainer1": "pw"}) as af:
        af.base_url, af.token("trainer1")
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

import httpx

from yibao.settings import REPO_ROOT

T = TypeVar("T")


class StandaloneError(RuntimeError):
    pass


def wait_for(predicate: Callable[[], T], timeout: float = 90, every: float = 0.5, what: str = "condition") -> T:
    """Poll `predicate` until it returns something truthy; generous timeouts suit a loaded 2-core CI box."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= end:
            raise StandaloneError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _RetryIdempotent(httpx.HTTPTransport):
    """GETs are retried when a kept-alive connection was closed under us ("connection reset by
    peer" from a busy api-server); other methods are not, so nothing is done twice."""

    def __init__(self, attempts: int = 3) -> None:
        super().__init__(retries=2)   # connection failures (before anything was sent)
        self.attempts = attempts

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(self.attempts):
            try:
                return super().handle_request(request)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                if request.method != "GET" or attempt == self.attempts - 1:
                    raise
                time.sleep(0.5)
        raise AssertionError("unreachable")


class AirflowStandalone:
    def __init__(self, workdir: Path, users: dict[str, str], extra_env: dict[str, str] | None = None,
                 startup_timeout: float = 120) -> None:
        self.workdir = Path(workdir)
        self.users = users
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        home = self.workdir / "airflow"
        home.mkdir(parents=True, exist_ok=True)
        pw_file = self.workdir / "passwords.json"
        pw_file.write_text(json.dumps(users))
        bin_dir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                    "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                    "AIRFLOW__CORE__PARALLELISM": "4", "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
                    "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
                    "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
                    # only the DAGs a test activates run: a scheduled scrape of unreachable real sites or the
                    # daily round starting with the standalone would compete for the cores and the SQLite store
                    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
                    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{u}:admin" for u in users),
                    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(pw_file),
                    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
                    "AIRFLOW__API__PORT": str(self.port), "AIRFLOW__API__HOST": "127.0.0.1",
                    "AIRFLOW__API__BASE_URL": self.base_url,
                    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
                    "AIRFLOW__SCHEDULER__TRIGGER_TIMEOUT_CHECK_INTERVAL": "5",
                    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
                    **(extra_env or {})}
        self.env.pop("YIBAO_TEST_AIRFLOW_DB_READY", None)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "standalone.log"

    def __enter__(self) -> "AirflowStandalone":
        airflow = str(Path(sys.executable).with_name("airflow"))
        subprocess.run([airflow, "db", "migrate"], env=self.env, check=True, capture_output=True)
        subprocess.run([str(Path(sys.executable).with_name("yibao")), "pools", "--apply"], env=self.env,
                       check=True, capture_output=True)
        self.proc = subprocess.Popen([airflow, "standalone"], env=self.env, stdout=self.log_path.open("wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_healthy(self) -> None:
        end = time.time() + self.startup_timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise StandaloneError(f"airflow standalone exited; see {self.log_path}:\n{self.log_tail()}")
            try:
                health = httpx.get(f"{self.base_url}/api/v2/monitor/health", timeout=2).json()
                if all(health.get(k, {}).get("status") == "healthy" for k in ("metadatabase", "scheduler")):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1)
        raise StandaloneError(f"airflow standalone not healthy after {self.startup_timeout}s; "
                              f"see {self.log_path}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def ui_login(self, page, user: str) -> None:
        """Log a Playwright page into the Airflow UI as `user`."""
        page.goto(f"{self.base_url}/")
        page.wait_for_selector("input[name=username], #username")
        page.fill("input[name=username], #username", user)
        page.fill("input[name=password], #password", self.users[user])
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/auth/" not in url)

    def token(self, user: str) -> str:
        # the same 30 s as api(): a freshly started api-server can take longer than httpx's 5 s default
        r = httpx.post(f"{self.base_url}/auth/token", json={"username": user, "password": self.users[user]},
                       timeout=30)
        r.raise_for_status()
        return r.json()["access_token"]

    def api(self, user: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.token(user)}"},
                            timeout=30, transport=_RetryIdempotent())

    def wait_for_dag(self, client: httpx.Client, dag_id: str, timeout: float = 90) -> None:
        wait_for(lambda: client.get(f"/api/v2/dags/{dag_id}").status_code == 200, timeout, 1,
                 f"DAG {dag_id} to be parsed")

    def activate(self, client: httpx.Client, dag_ids: tuple[str, ...], timeout: float = 150) -> None:
        """Wait until each DAG is parsed, then unpause it (every DAG starts paused here)."""
        for dag_id in dag_ids:
            self.wait_for_dag(client, dag_id, timeout)
            r = client.patch(f"/api/v2/dags/{dag_id}", json={"is_paused": False})
            if r.status_code != 200:
                raise StandaloneError(f"unpausing {dag_id} failed: {r.status_code} {r.text}")

    def asset_id(self, client: httpx.Client, name: str) -> int:
        assets = client.get("/api/v2/assets", params={"name_pattern": name}).json()["assets"]
        matching = [a["id"] for a in assets if a["name"] == name]
        if not matching:
            raise StandaloneError(f"asset {name!r} not registered (is its DAG parsed?)")
        return matching[0]

    def emit_asset_event(self, client: httpx.Client, name: str, extra: dict[str, Any],
                         attempts: int = 3) -> dict[str, Any]:
        """Emit through the REST API. Standalone keeps Airflow's metadata in SQLite: when the scheduler
        holds the write lock for the api-server's 5 s, the insert fails and is rolled back ("Database
        error", 500); nothing was stored, so the event is posted again."""
        body = {"asset_id": self.asset_id(client, name), "extra": extra}
        for attempt in range(1, attempts + 1):
            r = client.post("/api/v2/assets/events", json=body)
            if r.status_code in (200, 201):
                return r.json()
            if not (r.status_code == 500 and "Database error" in r.text and attempt < attempts):
                raise StandaloneError(f"emitting an event of {name!r} failed: {r.status_code} {r.text}")
            time.sleep(2 * attempt)

    def asset_events(self, client: httpx.Client, name: str) -> list[dict[str, Any]] | None:
        """The asset's events, or None while Airflow cannot list them: in 3.3.2 the endpoint answers
        500 while a DAG run created by one of the events has not started yet (start_date null
        fails its response model). Callers poll, so None just means "ask again"."""
        r = client.get("/api/v2/assets/events", params={"asset_id": self.asset_id(client, name), "limit": 100})
        if r.status_code == 500:
            return None
        r.raise_for_status()
        return r.json()["asset_events"]

    def runs_report(self, client: httpx.Client, dag_ids: tuple[str, ...]) -> str:
        """Every run of these DAGs with its task states: what a failing test shows about the pipeline."""
        lines: list[str] = []
        for dag_id in dag_ids:
            runs = client.get(f"/api/v2/dags/{dag_id}/dagRuns", params={"limit": 50})
            if runs.status_code != 200:
                lines.append(f"{dag_id}: runs not listed ({runs.status_code})")
                continue
            for run in runs.json()["dag_runs"]:
                tis = client.get(f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}/taskInstances")
                states = ", ".join(f"{t['task_id']}[{t.get('map_index', -1)}]={t['state']}(try {t.get('try_number')})"
                                   for t in tis.json().get("task_instances", [])) if tis.status_code == 200 else "?"
                lines.append(f"{dag_id} {run['dag_run_id']} {run['state']} conf={run.get('conf')}: {states}")
        return "\n".join(lines) or "(no runs)"

