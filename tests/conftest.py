"""Session-wide test set-up.

Environment first, before anything imports Airflow: one temporary AIRFLOW_HOME
and YIBAO_HOME per test session, the repo's dags/ and plugins/, no examples.
The `airflow_db` fixture migrates Airflow's metadata DB once per session.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"

_session_dir = Path(tempfile.mkdtemp(prefix="yibao-tests-"))
os.environ["AIRFLOW_HOME"] = str(_session_dir / "airflow")  # never the user's var/airflow
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO / "plugins")
os.environ["YIBAO_HOME"] = str(_session_dir / "yibao")
os.environ.pop("YIBAO_DATABASE_URL", None)
# sentence vectors are stored by text hash: one cache for the session, so the corpus is encoded once
os.environ.setdefault("YIBAO_QA_VECTORS_PATH", str(_session_dir / "qa-vectors.sqlite"))
os.environ.setdefault("YIBAO_LINK_SECRET", "test-link-secret-not-for-production")
os.environ.setdefault("YIBAO_DEV", "1")

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# `make test` is a gate: property tests use a fixed seed there, so a run is repeatable.
# Look for new counterexamples with:  pytest --hypothesis-profile=explore
hypothesis_settings.register_profile("gate", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("YIBAO_HYPOTHESIS_PROFILE", "gate"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def airflow_db():
    """Airflow's metadata DB, migrated once for the whole session."""
    from airflow.utils import db

    db.resetdb()
    return os.environ["AIRFLOW_HOME"]


@pytest.fixture()
def yibao_db(tmp_path, monkeypatch):
    """A fresh, migrated domain store in a temp folder, for one test."""
    url = f"sqlite:///{tmp_path / 'yibao.db'}"
    monkeypatch.setenv("YIBAO_DATABASE_URL", url)
    monkeypatch.setenv("YIBAO_HOME", str(tmp_path))
    from yibao.store import migrate

    migrate(url)
    return url


# ---------------------------------------------------------------- PostgreSQL (issue 14)
@pytest.fixture(scope="session")
def postgres_server():
    """One private PostgreSQL server (Debian package) for the session, data under var/postgres/;
    stopped and removed at the end, whether the tests passed or not."""
    import shutil

    from yibao.devservers.postgres import LocalPostgres

    for leftover in (REPO / "var" / "postgres").glob("tests-*"):   # from a session that was killed
        if not Path(f"/proc/{leftover.name.removeprefix('tests-')}").exists():
            LocalPostgres.stop_leftover(leftover)
            shutil.rmtree(leftover, ignore_errors=True)
    root = REPO / "var" / "postgres" / f"tests-{os.getpid()}"
    server = LocalPostgres(root).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)   # var/… or the /tmp folder it moved to
        shutil.rmtree(root, ignore_errors=True)


_pg_databases = iter(range(1, 1_000_000))


@pytest.fixture()
def postgres_url(postgres_server) -> str:
    """A new, empty PostgreSQL database for one test."""
    from yibao.store.db import get_engine

    url = postgres_server.create_database(f"t{os.getpid()}_{next(_pg_databases)}")
    yield url
    get_engine(url).dispose()   # no pooled connections left for the server's shutdown


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """An empty (unmigrated) store database: each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")
