"""Airflow with the CeleryExecutor as separate processes, the way a production host runs it.

`airflow standalone` forces the LocalExecutor, so each component starts on its own (each in
its own process group, logs under AIRFLOW_HOME/logs/components/): api-server, scheduler,
dag-processor, triggerer and N `airflow celery worker`s. The metadata DB is PostgreSQL, the
broker Redis. Driving it (REST login, triggering, waiting) is inherited from the standalone
helper. `stop()` ends every component it started by PID (SIGTERM to its group, then SIGKILL).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from yibao.airflow_local import AirflowLocalError, Standalone

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")


def celery_env(metadata_url: str, broker_url: str, *, worker_concurrency: int = 2) -> dict[str, str]:
    """The settings that turn the standalone environment into a CeleryExecutor deployment."""
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_url,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(worker_concurrency),
        "AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER": "1",   # an idle worker takes the next task
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "21600",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "yibao.production.hostname.worker_hostname",
        "AIRFLOW__API__WORKERS": "1",
    }


@dataclass
class CeleryAirflow(Standalone):
    workers: int = 2
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def _spawn(self, name: str, args: list[str], extra: dict[str, str] | None = None) -> None:
        log_dir = self.home / "logs" / "components"
        log_dir.mkdir(parents=True, exist_ok=True)
        exe = Path(sys.executable).with_name("airflow")
        with open(log_dir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen([str(exe), *args], env={**self.env, **(extra or {})},
                                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self, timeout_s: float = 180) -> None:
        self._spawn("api-server", ["api-server", "--port", str(self.port)])
        self._spawn("scheduler", ["scheduler"])
        self._spawn("dag-processor", ["dag-processor"])
        self._spawn("triggerer", ["triggerer", "--skip-serve-logs"])
        for n in range(1, self.workers + 1):
            name = f"worker-{n}"
            self._spawn(name, ["celery", "worker", "--celery-hostname", f"{name}@%h", "--skip-serve-logs"],
                        {"YIBAO_WORKER_NAME": name})
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            dead = [name for name, p in self.processes.items() if p.poll() is not None]
            if dead:
                raise AirflowLocalError(f"{', '.join(dead)} exited; see {self.home / 'logs' / 'components'}")
            if self._healthy() and self._workers_online() >= self.workers:
                return
            time.sleep(2)
        raise AirflowLocalError(f"Airflow (CeleryExecutor) did not become healthy in {timeout_s:.0f}s; "
                                f"see {self.home / 'logs' / 'components'}")

    def _healthy(self) -> bool:
        try:
            health = requests.get(f"{self.url}/api/v2/monitor/health", timeout=2).json()
        except (requests.RequestException, ValueError):
            return False
        return all(health.get(k, {}).get("status") == "healthy"
                   for k in ("metadatabase", "scheduler", "dag_processor", "triggerer"))

    def _workers_online(self) -> int:
        """Workers that wrote 'ready' to their log (Celery prints `celery@… ready.`)."""
        log_dir = self.home / "logs" / "components"
        return sum(1 for n in range(1, self.workers + 1)
                   if " ready." in (log_dir / f"worker-{n}.log").read_text(errors="replace"))

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.processes.items()}

    def stop(self) -> None:
        """SIGTERM each component's process group (workers first), SIGKILL what is left after 30 s."""
        order = sorted(self.processes, key=lambda n: (not n.startswith("worker"), n))
        for name in order:
            _signal_group(self.processes[name], signal.SIGTERM)
        deadline = time.monotonic() + 30
        for name in order:
            process = self.processes[name]
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
            _signal_group(process, signal.SIGKILL)   # children left behind in the group (task supervisors)
        self.processes.clear()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
