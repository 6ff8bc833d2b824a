"""End to end through real Airflow (`dag.test()`), the HTTP site mirror and a real SMTP server:
a notice published on the mirror is detected, diffed, drafted, approved and mailed —
and a second run sends nothing again."""
from __future__ import annotations

import datetime as dt
import email.policy
import os
from dataclasses import replace
from pathlib import Path

import pytest

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

DAGS = Path(__file__).resolve().parents[2] / "dags"

SUBSCRIPTIONS = """
hospital: 测试医院
defaults: {region: national, period: immediate}
people:
  - {id: wang.fang, name: 王芳, department: 医保办, roles: [医保办], email: wangfang@hospital.test, channels: [email]}
  - {id: zhou.yan, name: 周燕, department: 财务科, roles: [财务科, 管理层], email: zhouyan@hospital.test, channels: [email]}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory, airflow_db):
    from yibao.devservers.smtp import CaptureSmtpServer
    from yibao.mirror.server import MirrorServer

    home = tmp_path_factory.mktemp("e2e")
    subs = home / "subscriptions.yaml"
    subs.write_text(SUBSCRIPTIONS, encoding="utf-8")
    mirror, smtp = MirrorServer().start(), CaptureSmtpServer(security="plain").start()
    env = {"YIBAO_HOME": str(home), "YIBAO_DATABASE_URL": f"sqlite:///{home / 'yibao.db'}",
           "YIBAO_MIRROR_URL": mirror.base_url, "YIBAO_SOURCES": "nhsa",
           "YIBAO_SUBSCRIPTIONS_FILE": str(subs), "YIBAO_SMTP_HOST": "127.0.0.1",
           "YIBAO_SMTP_PORT": str(smtp.port), "YIBAO_SMTP_SECURITY": "plain",
           "YIBAO_SMTP_FROM": "training@hospital.test"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    yield {"bag": bag, "mirror": mirror, "smtp": smtp}
    mirror.stop()
    smtp.stop()
    for k, v in saved.items():
        os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _run(bag, dag_id, conf=None):
    from airflow.utils.state import DagRunState

    dag = bag.get_dag(dag_id)
    # Airflow 3.3.2: dag.test() on a DAG with a DeadlineAlert fails when the run succeeds
    # (DagRun.update_state looks the alert up by id, but dag.test() keeps the alert itself:
    # "'dict' object has no attribute 'hex'"). The scheduler path is fine; the deadlines are
    # checked in tests/dags/test_dagbag.py and by the standalone browser tests.
    dag.deadline = None
    run = dag.test(run_conf=conf)
    assert run.state == DagRunState.SUCCESS, f"{dag_id} ended {run.state}"
    return run


def _approve_all(lesson_ids):
    from yibao.store import Lesson, Review, open_session

    with open_session() as s:
        for lesson in s.query(Lesson).filter(Lesson.id.in_(lesson_ids)):
            lesson.status, lesson.approved_by = "approved", "trainer"
            lesson.approved_at = dt.datetime.now()
            s.add(Review(lesson_id=lesson.id, actor="trainer", action="approve", after_md=lesson.body_md))


def test_notice_travels_from_mirror_to_mailbox_once(world):
    from yibao.mirror.content import demo_update
    from yibao.store import Change, Document, Lesson, open_session

    bag, mirror, smtp = world["bag"], world["mirror"], world["smtp"]
    _run(bag, "yibao_scrape")                      # baseline: history is stored, not announced
    with open_session() as s:
        assert s.query(Document).count() > 10 and s.query(Change).count() == 0

    today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
    notice = replace(demo_update(), publish_date=today.isoformat())
    mirror.publish(notice)
    _run(bag, "yibao_scrape")
    with open_session() as s:
        changes = s.query(Change).all()
        assert len(changes) == 1
        change_id, doc = changes[0].id, changes[0].document
        assert doc.doc_number == notice.doc_number and doc.deadline > today
        deadline = doc.deadline

    _run(bag, "yibao_draft", {"change_ids": [change_id]})
    with open_session() as s:
        lessons = s.query(Lesson).filter_by(change_id=change_id).all()
        roles = {l.role for l in lessons}
        lesson_ids = [l.id for l in lessons]
    assert {"yibaoban", "finance"} <= roles

    _approve_all(lesson_ids)
    _run(bag, "yibao_deliver", {"lesson_ids": lesson_ids})
    mail = [m.message for m in smtp.messages]
    assert {m["To"].addresses[0].addr_spec for m in mail} == {"wangfang@hospital.test", "zhouyan@hospital.test"}
    for m in mail:
        subject = str(m["Subject"])
        assert "医保" in subject
        text = m.get_body(("plain",)).get_content()
        assert notice.doc_number in text or "检验类医疗服务价格项目立项指南" in text
        assert deadline.isoformat() in text or f"{deadline.month}月{deadline.day}日" in text

    before = len(smtp.messages)
    _run(bag, "yibao_deliver", {"lesson_ids": lesson_ids})   # a re-run sends nothing again
    _run(bag, "yibao_scrape")                                 # and a re-poll finds nothing new
    assert len(smtp.messages) == before
    with open_session() as s:
        assert s.query(Change).count() == 1


def changes_events(change_id):
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as s:
        events = s.scalars(select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
                           .where(AssetModel.name == "yibao_changes")).all()
        return [e.extra for e in events if change_id in (e.extra or {}).get("change_ids", [])]


def test_revision_made_in_place_reaches_the_changes_asset_and_revision_lessons(world):
    """After the notice above: the bureau corrects one date in place (same URL, list unchanged).
    The scheduled scrape re-checks the recent article, stores one new version, and announces
    the revision on `yibao_changes`; drafting makes revision lessons from the clause diff."""
    from yibao.store import Change, Lesson, open_session

    bag, mirror = world["bag"], world["mirror"]
    mirror.revise_in_place("nhsa", "21801", "2026年10月31日前完成", "2026年11月30日前完成")
    _run(bag, "yibao_scrape")
    with open_session() as s:
        revised = s.query(Change).filter_by(kind="revised").all()
        assert len(revised) == 1 and revised[0].document.doc_number == "医保办发〔2026〕21号"
        change_id = revised[0].id
        [changed] = [c for c in revised[0].diff["changes"] if c.get("material")]
        assert "10月31日" in changed["old_text"] and "11月30日" in changed["new_text"]
    assert changes_events(change_id), "the revision did not reach the yibao_changes asset"

    _run(bag, "yibao_draft", {"change_ids": [change_id]})
    with open_session() as s:
        lessons = s.query(Lesson).filter_by(change_id=change_id).all()
        assert lessons and all(l.status == "in_review" for l in lessons)
