"""End to end in real headless Chromium against `airflow standalone` (LocalExecutor):
log in, open 课程审核, edit a lesson, approve it the moment its HITL task waits, and see
the review run apply it, the delivery DAG run and the mail arrive."""
import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

from yibao.review import testenv

testenv.configure()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USERS = {"trainer1": "trainer1-pw"}
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: apt-get install -y chromium")]


def wait_for(predicate, timeout=90, every=0.5, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from yibao.devservers.smtp import CaptureSmtpServer
    from yibao.review.sample import seed
    from yibao.store.db import open_session
    from yibao.store.models import Person, Subscription
    from yibao.web.standalone import AirflowStandalone

    work = tmp_path_factory.mktemp("standalone")
    smtp = CaptureSmtpServer().start()
    env = {"YIBAO_HOME": str(work / "yibao"), "YIBAO_SMTP_HOST": "127.0.0.1", "YIBAO_SMTP_PORT": str(smtp.port),
           "YIBAO_SMTP_SECURITY": "plain", "YIBAO_SMTP_FROM": "yibao@hospital.example"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)   # the seed below and the standalone share this store
    with open_session() as s:
        lesson_ids = seed(s, published=dt.date.today(), roles=("doctor",))
        s.add(Person(id="p-doc-1", name="张医生", email="zhang@hospital.example", department="心内科",
                     channels=["email"]))
        s.add(Subscription(person_id="p-doc-1", role="doctor", period="immediate"))
    try:
        with AirflowStandalone(work, USERS, extra_env=env) as af:
            yield af, smtp, lesson_ids
    finally:
        smtp.stop()
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_login_edit_approve_deliver(stack, browser):
    af, smtp, (lesson_id,) = stack
    api = af.api("trainer1")
    af.wait_for_dag(api, "yibao_review")
    af.wait_for_dag(api, "yibao_deliver")
    # the drafting DAG's hand-over: a REVIEW_REQUESTS asset event carrying the lesson id
    assets = api.get("/api/v2/assets", params={"name_pattern": "yibao_review_requests"}).json()["assets"]
    r = api.post("/api/v2/assets/events", json={"asset_id": assets[0]["id"], "extra": {"lesson_ids": [lesson_id]}})
    assert r.status_code in (200, 201), r.text

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{af.base_url}/")
    page.wait_for_selector("input[name=username], #username", timeout=30000)
    page.fill("input[name=username], #username", "trainer1")
    page.fill("input[name=password], #password", USERS["trainer1"])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/" not in url, timeout=30000)
    page.wait_for_load_state("networkidle")
    page.goto(f"{af.base_url}/yibao/review/")
    page.wait_for_selector(f"tr[data-lesson='{lesson_id}']")

    # approve as soon as the HITL task waits — the LocalExecutor fast-answer race window
    wait_for(lambda: [d for d in api.get("/api/v2/dags/yibao_review/dagRuns/~/hitlDetails",
                                         params={"response_received": False}).json()["hitl_details"]
                      if f"#{lesson_id}｜" in d["subject"]], timeout=120, what="the review task to wait")
    page.click(f"tr[data-lesson='{lesson_id}'] a")
    page.wait_for_selector("#body")
    page.fill("#body", page.input_value("#body") + "\n请各科室于本周五前完成学习。\n")
    assert "请各科室于本周五前完成学习" in page.inner_text("#preview")
    page.fill("#comment", "已核对条款")
    page.click("button.approve")
    page.wait_for_selector("#message.ok", timeout=30000)
    assert "已批准" in page.inner_text("#message")

    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    def lesson_status():
        with open_session() as s:
            return s.get(Lesson, lesson_id).status
    assert lesson_status() == "approved"
    # the review run applies it (even if the race failed the first try) and delivery follows
    runs = wait_for(lambda: [r for r in api.get("/api/v2/dags/yibao_deliver/dagRuns").json()["dag_runs"]
                             if r["state"] in ("success", "failed")], timeout=180, what="a yibao_deliver run")
    assert runs[0]["state"] == "success", runs
    mail = wait_for(lambda: [m for m in smtp.messages if "zhang@hospital.example" in ",".join(m.rcpt_tos)],
                    timeout=60, what="the lesson e-mail to the subscribed doctor")
    assert mail[0].message["Subject"]
    audit = api.get(f"/yibao/api/lessons/{lesson_id}/audit?format=json").json()
    assert [a["action"] for a in audit if a["action"] != "request"][-1] == "approve"
    page.close()
