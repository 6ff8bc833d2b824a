"""yibao_review under dag.test(): a decision made before the task waits is kept (the
fast-answer race case), and an answer through our plugin resolves a waiting HITL task."""
import datetime as dt
import os
import threading
import time

import pytest

from yibao.review import testenv

testenv.configure()
pytestmark = [pytest.mark.airflow, pytest.mark.slow]


@pytest.fixture(scope="module")
def review_dag():
    os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] = "True"
    testenv.ensure_airflow_db()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=os.path.join(os.environ["AIRFLOW__CORE__DAGS_FOLDER"], "yibao_review.py"))
    assert not bag.import_errors, bag.import_errors
    yield bag.get_dag("yibao_review")
    os.environ.pop("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", None)


def seed_lessons(n=1):
    from yibao.review.sample import seed
    from yibao.store.db import open_session

    with open_session() as s:
        return seed(s, published=dt.date.today(), roles=("doctor", "nurse")[:n],
                    doc_number=f"测〔2026〕{time.time_ns()}号")


def approved_events(lesson_id):
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as s:
        events = s.scalars(select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
                           .where(AssetModel.name == "yibao_approved")).all()
        return [e.extra for e in events if lesson_id in (e.extra or {}).get("lesson_ids", [])]


def test_decision_stored_before_the_task_waits_is_kept(review_dag):
    """The fast path: the trainer approved before (or while) the task started; a retry after the
    LocalExecutor race is the same situation. The task must not wait, and delivery is triggered."""
    from yibao.review.decisions import record_decision
    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    (lesson_id,) = seed_lessons(1)
    with open_session() as s:
        record_decision(s, lesson_id, option="Approve", actor="trainer1", revision=1, body_md="# 已改\n")
    run = review_dag.test(run_conf={"lesson_ids": [lesson_id]})
    assert str(run.state) == "success"
    with open_session() as s:
        lesson = s.get(Lesson, lesson_id)
        assert lesson.status == "approved" and lesson.body_md == "# 已改\n"
    assert approved_events(lesson_id) == [{"lesson_ids": [lesson_id]}]


def test_immediate_approval_through_our_api_resolves_the_waiting_task(review_dag, tmp_path, monkeypatch):
    """A 'human' in a thread approves through the plugin endpoint the moment the task waits."""
    trainers = tmp_path / "trainers.yaml"   # the all-admins user must be a trainer here, or it gets 403 and the run waits
    trainers.write_text("trainers: [Anonymous]\n", encoding="utf-8")
    monkeypatch.setenv("YIBAO_TRAINERS_FILE", str(trainers))
    from fastapi.testclient import TestClient
    from airflow.api_fastapi.app import create_app
    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    lesson_id, other_id = seed_lessons(2)
    client = TestClient(create_app())
    answers = {}

    def human():
        deadline = time.time() + 600   # a loaded CI machine: dag.test() waits for this answer with no timeout
        pending = {lesson_id, other_id}
        while pending and time.time() < deadline:
            r = client.get("/api/v2/dags/yibao_review/dagRuns/~/hitlDetails", params={"response_received": False})
            waiting = r.json().get("hitl_details", []) if r.status_code == 200 else []
            for lid in list(pending):
                if any(f"#{lid}｜" in d["subject"] for d in waiting):
                    data = client.get(f"/yibao/api/lessons/{lid}").json()
                    body = {"revision": data["revision"], "action": "approve" if lid == lesson_id else "reject",
                            "body_md": data["body_md"] + "\n（已审）\n", "comment": "ok" if lid == lesson_id else "不适用"}
                    answers[lid] = client.post(f"/yibao/api/lessons/{lid}/decision", json=body).json()
                    pending.discard(lid)
            time.sleep(0.2)

    threading.Thread(target=human, daemon=True).start()
    run = review_dag.test(run_conf={"lesson_ids": [lesson_id, other_id]})
    assert str(run.state) == "success"
    assert answers[lesson_id]["hitl"]["status"] in ("resumed", "recorded", "task_will_read_store"), answers
    with open_session() as s:
        assert s.get(Lesson, lesson_id).status == "approved"
        assert s.get(Lesson, lesson_id).body_md.endswith("（已审）\n")
        assert s.get(Lesson, other_id).status == "rejected"
    assert approved_events(lesson_id) == [{"lesson_ids": [lesson_id]}]


def test_approval_in_airflows_own_page_by_a_non_trainer_is_refused_and_not_delivered(review_dag):
    """Airflow's Required Actions page (PATCH …/hitlDetails) accepts anyone who may edit the DAG;
    the apply step must refuse a non-trainer's Approve: escalated, the reason in the audit trail, no delivery."""
    from fastapi.testclient import TestClient
    from airflow.api_fastapi.app import create_app
    from yibao.review.decisions import audit_rows
    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    (lesson_id,) = seed_lessons(1)
    client = TestClient(create_app())   # SIMPLE_AUTH_MANAGER_ALL_ADMINS: an Airflow admin, not in trainers.yaml
    patched = {}

    def airflow_admin():
        deadline = time.time() + 600   # a loaded CI machine: dag.test() waits for this answer with no timeout
        while not patched and time.time() < deadline:
            r = client.get("/api/v2/dags/yibao_review/dagRuns/~/hitlDetails", params={"response_received": False})
            for d in (r.json().get("hitl_details", []) if r.status_code == 200 else []):
                if f"#{lesson_id}｜" in d["subject"]:
                    ti = d["task_instance"]
                    url = (f"/api/v2/dags/yibao_review/dagRuns/{ti['dag_run_id']}/taskInstances/"
                           f"{ti['task_id']}/{ti['map_index']}/hitlDetails")
                    patched["response"] = client.patch(url, json={"chosen_options": ["Approve"],
                                                                  "params_input": {"body_md": "# 管理员改的\n",
                                                                                   "comment": "我来批"}})
            time.sleep(0.2)

    threading.Thread(target=airflow_admin, daemon=True).start()
    run = review_dag.test(run_conf={"lesson_ids": [lesson_id]})
    assert patched["response"].status_code == 200, patched["response"].text   # Airflow itself took it
    assert str(run.state) == "success"
    with open_session() as s:
        lesson = s.get(Lesson, lesson_id)
        assert lesson.status == "escalated" and "管理员改的" not in lesson.body_md
        last = audit_rows(s, lesson_id)[-1]
        assert last["actor"] == "system:refused" and "not a trainer" in last["comment"]
    assert approved_events(lesson_id) == []


def test_required_actions_opens_with_the_lesson_and_an_unchanged_form_keeps_later_edits(review_dag, monkeypatch):
    """The form in Airflow's Required Actions is pre-filled with the lesson text. A trainer who
    approves there without touching it approves the lesson as it is then, including an edit made
    meanwhile in our review page: the stale pre-filled copy never overwrites it."""
    from fastapi.testclient import TestClient
    from airflow.api_fastapi.app import create_app
    from yibao.review import decisions
    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    monkeypatch.setattr("yibao.review.apply._not_a_trainer", lambda option, actor: "")   # the admin is a trainer
    (lesson_id,) = seed_lessons(1)
    with open_session() as s:
        drafted = s.get(Lesson, lesson_id).body_md
    client = TestClient(create_app())
    seen = {}

    def trainer_in_required_actions():
        deadline = time.time() + 600
        while "response" not in seen and time.time() < deadline:
            r = client.get("/api/v2/dags/yibao_review/dagRuns/~/hitlDetails", params={"response_received": False})
            for d in (r.json().get("hitl_details", []) if r.status_code == 200 else []):
                if f"#{lesson_id}｜" in d["subject"]:
                    seen["offered"] = d["params"]["body_md"]["value"]
                    with open_session() as s:        # meanwhile, an edit in our review page
                        decisions.save_edit(s, lesson_id, actor="trainer2", revision=1,
                                            body_md=drafted + "\n> 补充：审核页的修改\n")
                    ti = d["task_instance"]
                    url = (f"/api/v2/dags/yibao_review/dagRuns/{ti['dag_run_id']}/taskInstances/"
                           f"{ti['task_id']}/{ti['map_index']}/hitlDetails")
                    form = seen["offered"].replace("\n", "\r\n")        # as a browser's textarea sends it
                    seen["response"] = client.patch(url, json={"chosen_options": ["Approve"],
                                                               "params_input": {"body_md": form, "comment": None}})
            time.sleep(0.2)

    threading.Thread(target=trainer_in_required_actions, daemon=True).start()
    run = review_dag.test(run_conf={"lesson_ids": [lesson_id]})
    assert seen["response"].status_code == 200, seen["response"].text
    assert seen["offered"] == drafted                     # the form opened with the lesson in it
    assert str(run.state) == "success"
    with open_session() as s:
        lesson = s.get(Lesson, lesson_id)
        assert lesson.status == "approved" and lesson.body_md.endswith("> 补充：审核页的修改\n")
    assert approved_events(lesson_id) == [{"lesson_ids": [lesson_id]}]
