"""Two trainers approve the same lesson at the same instant, through the real api-server app,
with the store on PostgreSQL: one decision is stored, and the lesson is delivered once."""
import datetime as dt
import json
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from yibao.review import testenv

testenv.configure()

sys.path.insert(0, str(Path(__file__).parents[1] / "delivery"))
from delivery_world import session_for, write_subscriptions  # noqa: E402

DOCTORS = """\
people:
  - {id: zhang.wei, name: 张伟, department: 心内科, roles: [doctor], email: zhangwei@h.example.cn}
  - {id: zhao.min, name: 赵敏, department: 心内科, roles: [doctor], email: zhaomin@h.example.cn}
"""


@pytest.fixture()
def client(tmp_path, monkeypatch, postgres_url):
    pw_file = tmp_path / "passwords.json"
    pw_file.write_text(json.dumps(testenv.TEST_USERS))
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin,trainer1:user,trainer2:user")
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", str(pw_file))
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "False")
    monkeypatch.setenv("YIBAO_DATABASE_URL", postgres_url)
    testenv.ensure_airflow_db()
    from airflow.api_fastapi.app import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app()) as c:
        yield c


def token(client, user):
    r = client.post("/auth/token", json={"username": user, "password": testenv.TEST_USERS[user]})
    assert r.status_code in (200, 201), r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def at_once(*calls):
    """Run the calls in threads released by one barrier; returns their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.airflow
def test_two_trainers_approving_at_once_give_one_decision_and_one_delivery(client, postgres_url, tmp_path,
                                                                            monkeypatch):
    from yibao.delivery.email import SmtpSettings
    from yibao.delivery.service import deliver
    from yibao.delivery.subscriptions import load_subscriptions, sync_people
    from yibao.devservers.smtp import CaptureSmtpServer
    from yibao.review.sample import seed
    from yibao.store.db import open_session
    from yibao.store.models import Delivery, Lesson, Review

    with open_session(postgres_url) as s:
        lesson_id = seed(s, published=dt.date.today() - dt.timedelta(days=3), roles=("doctor",))[0]
    h1, h2 = token(client, "trainer1"), token(client, "trainer2")
    url = f"/yibao/api/lessons/{lesson_id}/decision"
    approve = {"revision": 1, "action": "approve", "comment": "同意发布"}
    for _ in range(3):   # a few rounds: each round a fresh lesson, both trainers at the same instant
        replies = at_once(lambda: client.post(url, headers=h1, json=approve),
                          lambda: client.post(url, headers=h2, json=approve))
        codes = sorted(r.status_code for r in replies)
        assert codes == [200, 409], [r.text for r in replies]
        with open_session(postgres_url) as s:
            decided = [r for r in s.query(Review).filter_by(lesson_id=lesson_id) if r.action == "approve"]
            assert len(decided) == 1
            assert s.get(Lesson, lesson_id).approved_by == decided[0].actor
            lesson_id = seed(s, published=dt.date.today() - dt.timedelta(days=3), roles=("doctor",),
                             doc_number=f"医保发〔2026〕{lesson_id + 100}号")[0]
        url = f"/yibao/api/lessons/{lesson_id}/decision"

    # both trainers' approvals trigger a delivery run: the approved lessons go out once
    config = load_subscriptions(write_subscriptions(tmp_path, monkeypatch, DOCTORS), check_secret=None)
    with CaptureSmtpServer(port=0) as smtp_server, session_for(postgres_url) as s:
        sync_people(s, config)
        s.commit()
        smtp = SmtpSettings(host="127.0.0.1", port=smtp_server.port, security="plain",
                            from_addr="yibao@hospital.example.cn", timeout_s=10)

        def run():
            with session_for(postgres_url) as session:
                return deliver(session, smtp=smtp, config=config)

        reports = at_once(run, run)
        email_rows = s.query(Delivery).filter_by(channel="email").all()
        doctors = {"zhangwei@h.example.cn", "zhaomin@h.example.cn"}
        assert Counter(m.rcpt_tos[0] for m in smtp_server.messages) == Counter({a: 1 for a in doctors})
        assert len(email_rows) == 2 and all(len(r.lesson_ids) == 3 for r in email_rows)
        assert sum(r.per_channel["email"].sent for r in reports if "email" in r.per_channel) == 2
