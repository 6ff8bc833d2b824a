"""DAG integrity: every DAG file imports cleanly, with the expected tags, retries and wiring."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.airflow

DAGS = Path(__file__).resolve().parents[2] / "dags"
EXPECTED = {
    "yibao_scrape": {"watch"},
    "yibao_draft": {"draft"},
    "yibao_review": {"review"},
    "yibao_deliver": {"deliver"},
    "yibao_daily": {"reminders"},
}


@pytest.fixture(scope="module")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_expected_dags_present_with_tags(dagbag, dag_id):
    dag = dagbag.get_dag(dag_id)
    assert dag is not None, f"{dag_id} missing; found {sorted(dagbag.dag_ids)}"
    assert "yibao" in dag.tags and EXPECTED[dag_id] <= set(dag.tags)


def test_every_task_retries(dagbag):
    for dag in dagbag.dags.values():
        for t in dag.tasks:
            assert t.retries >= 1, f"{dag.dag_id}.{t.task_id} has no retries"


def test_event_wiring(dagbag):
    """scrape → yibao_changes → draft → yibao_review_requests; yibao_approved → deliver."""
    def scheduled_on(dag_id):
        return scheduled_on_assets(dagbag.get_dag(dag_id))

    def outlets(dag_id):
        return {a.name for t in dagbag.get_dag(dag_id).tasks for a in t.outlets}

    assert "yibao_changes" in outlets("yibao_scrape")
    assert "yibao_review_requests" in outlets("yibao_draft")
    assert "yibao_changes" in scheduled_on("yibao_draft")
    assert "yibao_approved" in scheduled_on("yibao_deliver")


def scheduled_on_assets(dag) -> set[str]:
    condition = dag.timetable.asset_condition
    return {a.name for a in getattr(condition, "objects", [condition])}


def test_scrape_tasks_use_a_pool_per_host(dagbag):
    scrape = dagbag.get_dag("yibao_scrape")
    pools = {t.task_id: t.pool for t in scrape.tasks if t.task_id.startswith("scrape_")}
    assert pools and all(p == f"yibao_host_{tid.removeprefix('scrape_')}" for tid, p in pools.items())


def test_work_tasks_go_to_their_stage_queue(airflow_db, monkeypatch):
    """YIBAO_QUEUE_<STAGE> routes a stage's work to its own Celery workers; unset, everything is "default"."""
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("YIBAO_QUEUE_DRAFT", "drafting")
    monkeypatch.setenv("YIBAO_QUEUE_DELIVER", "delivery")
    routed = DagBag(dag_folder=str(DAGS))
    assert routed.get_dag("yibao_draft").get_task("draft").queue == "drafting"
    assert routed.get_dag("yibao_deliver").get_task("deliver").queue == "delivery"
    assert {t.queue for t in routed.get_dag("yibao_scrape").tasks} == {"default"}


def test_every_task_uses_the_default_queue_unless_told(dagbag):
    assert {t.queue for d in dagbag.dags.values() for t in d.tasks} == {"default"}


def test_dag_files_are_thin():
    for path in DAGS.glob("*.py"):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        assert len(lines) < 80, f"{path.name} has {len(lines)} lines: move logic into yibao/"


@pytest.mark.parametrize("dag_id", ["yibao_scrape", "yibao_draft", "yibao_deliver", "yibao_daily"])
def test_run_deadlines_alert_the_yibaoban(dagbag, dag_id):
    """A run still going (or failed) an hour or two after it was queued alerts the 医保办."""
    alerts = dagbag.get_dag(dag_id).deadline
    alerts = alerts if isinstance(alerts, list) else [alerts]
    assert alerts and all(a is not None for a in alerts)
    for a in alerts:
        assert "DAGRUN_QUEUED_AT" in type(a.reference).__name__.upper() or "QUEUED" in str(a.reference).upper()
        assert a.callback.path == "yibao.review.callbacks.deadline_missed"


def test_every_pool_a_task_uses_is_created_by_yibao_pools(dagbag):
    """A task whose pool does not exist is never scheduled; `yibao pools --apply` creates them all."""
    from yibao.dag_defaults import DELIVERY_POOL, airflow_pools

    known = set(airflow_pools()) | {"default_pool"}
    for dag in dagbag.dags.values():
        for t in dag.tasks:
            assert t.pool in known, f"{dag.dag_id}.{t.task_id} uses pool {t.pool!r}, which yibao pools does not create"
    senders = [t for d in ("yibao_deliver", "yibao_daily") for t in dagbag.get_dag(d).tasks]
    assert senders and all(t.pool == DELIVERY_POOL for t in senders)


def test_yibao_pools_apply_creates_them_in_the_airflow_db(airflow_db):
    import argparse

    from airflow.models.pool import Pool

    from yibao.cli import pools_cmd
    from yibao.dag_defaults import airflow_pools

    assert pools_cmd.run(argparse.Namespace(apply=True)) == 0
    assert pools_cmd.run(argparse.Namespace(apply=True)) == 0          # idempotent
    for name, spec in airflow_pools().items():
        assert Pool.get_pool(name).slots == spec["slots"]
