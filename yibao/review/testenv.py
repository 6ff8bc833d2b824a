"""Test-session setup for tests that need Airflow's metadata DB and the yibao store.

`configure()` must run before Airflow is imported; it only fills variables that
are not set yet, so the project's tests/conftest.py (when present) wins.
`ensure_airflow_db()` resets the metadata DB once per process.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from yibao.settings import REPO_ROOT

TEST_USERS = {"admin": "admin-pw", "trainer1": "trainer1-pw", "trainer2": "trainer2-pw", "viewer1": "viewer1-pw"}
_db_ready = False


def configure() -> None:
    base = Path(tempfile.mkdtemp(prefix="yibao-test-"))
    defaults = {
        "AIRFLOW_HOME": str(base / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "YIBAO_HOME": str(base / "yibao"),
    }
    trainers = base / "trainers.yaml"   # trainer1, trainer2 decide; admin and viewer1 only read
    trainers.write_text("trainers: [trainer1, trainer2]\ntrainer_roles: []\n", encoding="utf-8")
    defaults["YIBAO_TRAINERS_FILE"] = str(trainers)
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    Path(os.environ["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)


def ensure_airflow_db() -> None:
    global _db_ready
    if _db_ready or os.environ.get("YIBAO_TEST_AIRFLOW_DB_READY") == os.environ.get("AIRFLOW_HOME"):
        return
    from airflow.utils import db

    db.resetdb()
    os.environ["YIBAO_TEST_AIRFLOW_DB_READY"] = os.environ["AIRFLOW_HOME"]
    _db_ready = True
