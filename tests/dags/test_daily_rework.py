"""yibao_daily's 返工 check: after the daily round (even a failed one), handing flagged lessons to review."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.airflow
DAGS = Path(__file__).resolve().parents[2] / "dags"


def test_rework_check_follows_the_round_and_requests_review(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    from yibao.assets import REVIEW_REQUESTS

    dag = DagBag(dag_folder=str(DAGS / "yibao_daily.py")).get_dag("yibao_daily")
    task = dag.get_task("rework_check")
    assert task.upstream_task_ids == {"daily_round"} and task.trigger_rule == "all_done"
    assert [o.name for o in task.outlets] == [REVIEW_REQUESTS.name]
