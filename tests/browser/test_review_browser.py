"""End to end against a real `airflow standalone` (LocalExecutor, SQLite), one per module.

- In headless Chromium: log in, open 课程审核, edit a lesson while its HITL task waits,
  approve it, and see the review run apply it and the delivery mail reach the doctor.
- Fast approvals through our API (no browser): the instant the HITL task parks (the
  LocalExecutor fast-answer race, reference §3.6), and before the task has even started.
  Both must end with the lesson approved and an APPROVED asset event naming it.
"""
from pathlib import Path

import pytest

from yibao.web.standalone import wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = [pytest.mark.slow, pytest.mark.airflow]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason=f"system Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
USER, PASSWORD = "trainer1", "trainer1-pw"
DOCTOR_EMAIL = "zhang@hospital.example"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _waiting_details(api, lesson_id: int) -> list[dict]:
    details = api.get("/api/v2/dags/yibao_review/dagRuns/~/hitlDetails",
                      params={"response_received": False}).json()["hitl_details"]
    return [d for d in details if f"#{lesson_id}｜" in d["subject"]
            and d["task_instance"]["state"] == "awaiting_input"]


@pytest.mark.browser
@needs_chromium
def test_login_edit_approve_deliver(stack, browser):
    af, smtp, lesson_id = stack.af, stack.smtp, stack.lesson_ids[0]
    api = af.api(USER)
    af.emit_asset_event(api, "yibao_review_requests", {"lesson_ids": [lesson_id]})   # the drafting DAG's hand-over

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    af.ui_login(page, USER)
    page.goto(f"{af.base_url}/yibao/review/")
    page.wait_for_selector(f"tr[data-lesson='{lesson_id}']")

    wait_for(lambda: _waiting_details(api, lesson_id), timeout=150, what="the review task to wait for input")
    page.click(f"tr[data-lesson='{lesson_id}'] a")
    page.wait_for_selector("#body")
    page.fill("#body", page.input_value("#body") + "\n请各科室于本周五前完成学习。\n")
    page.locator("#preview", has_text="请各科室于本周五前完成学习").wait_for()   # rendered by the server
    page.fill("#comment", "已核对条款")
    page.click("button.approve")
    page.wait_for_selector("#message.ok")
    assert "已批准" in page.inner_text("#message")
    page.close()

    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    with open_session() as s:
        lesson = s.get(Lesson, lesson_id)
        assert (lesson.status, lesson.approved_by) == ("approved", USER)
        assert "请各科室于本周五前完成学习" in lesson.body_md
    # the review run applies it, emits APPROVED, and delivery mails the subscribed doctor
    wait_for(lambda: lesson_id in approved_lesson_ids(af, api), timeout=150,
             what=f"an APPROVED asset event naming lesson {lesson_id}")
    sent = wait_for(lambda: sent_to_doctor(lesson_id), timeout=150,
                    what=f"a sent e-mail delivery of lesson {lesson_id} to {DOCTOR_EMAIL}")
    assert sent.target == DOCTOR_EMAIL
    assert [m for m in smtp.messages if DOCTOR_EMAIL in ",".join(m.rcpt_tos)]
    audit = api.get(f"/yibao/api/lessons/{lesson_id}/audit", params={"format": "json"}).json()
    assert [a["action"] for a in audit if a["action"] != "request"][-1] == "approve"


def approved_lesson_ids(af, api) -> set[int]:
    events = af.asset_events(api, "yibao_approved") or []   # None: not listable right now, poll again
    return {i for e in events for i in (e.get("extra") or {}).get("lesson_ids", [])}


def sent_to_doctor(lesson_id: int):
    from sqlalchemy import select

    from yibao.store.db import open_session
    from yibao.store.models import Delivery, DeliveryItem

    with open_session() as s:
        return s.scalars(select(Delivery).join(DeliveryItem).where(
            DeliveryItem.lesson_id == lesson_id, Delivery.channel == "email", Delivery.state == "sent")).first()


def _approve_via_api(api, lesson_id: int, revision: int) -> dict:
    r = api.post(f"/yibao/api/lessons/{lesson_id}/decision",
                 json={"action": "approve", "revision": revision, "comment": "快速批准"})
    assert r.status_code == 200, r.text
    return r.json()


def _review_tries(api, lesson_id: int) -> list[dict]:
    """The review task instances (all tries) that waited for this lesson."""
    details = api.get("/api/v2/dags/yibao_review/dagRuns/~/hitlDetails").json()["hitl_details"]
    return [d["task_instance"] for d in details if f"#{lesson_id}｜" in d["subject"]]


def _assert_approved_and_published(af, api, lesson_id: int) -> None:
    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    wait_for(lambda: lesson_id in approved_lesson_ids(af, api), timeout=150,
             what=f"an APPROVED asset event naming lesson {lesson_id}")
    with open_session() as s:
        lesson = s.get(Lesson, lesson_id)
        assert (lesson.status, lesson.approved_by) == ("approved", USER)


def test_approval_the_moment_the_task_parks_is_kept(stack):
    """Answer within the LocalExecutor race window (§3.6): the review task may be failed once
    by the scheduler, but its retry finds the decision in the store; nothing is lost. The
    approval is published while another lesson of the same round still waits."""
    af, lesson_id, idle_id = stack.af, stack.lesson_ids[1], stack.lesson_ids[3]
    api = af.api(USER)
    revision = api.get(f"/yibao/api/lessons/{lesson_id}").json()["revision"]
    af.emit_asset_event(api, "yibao_review_requests", {"lesson_ids": [lesson_id, idle_id]})
    wait_for(lambda: _waiting_details(api, lesson_id), timeout=150, every=0.05,
             what="the review task to park in awaiting_input")
    answer = _approve_via_api(api, lesson_id, revision)
    assert answer["status"] == "approved"
    assert answer["hitl"]["status"] in ("resumed", "recorded", "task_will_read_store"), answer
    _assert_approved_and_published(af, api, lesson_id)
    assert _waiting_details(api, idle_id), "the unanswered lesson of the same round should still wait"
    assert idle_id not in approved_lesson_ids(af, api)
    tries = [(t["state"], t["try_number"]) for t in _review_tries(api, lesson_id)]
    print(f"fast approval: hitl={answer['hitl']}, review task (state, try)={tries}")


def test_approval_before_the_task_waits_is_kept(stack):
    """Approve right after the hand-over, before the review task has written its request."""
    af, lesson_id = stack.af, stack.lesson_ids[2]
    api = af.api(USER)
    revision = api.get(f"/yibao/api/lessons/{lesson_id}").json()["revision"]
    af.emit_asset_event(api, "yibao_review_requests", {"lesson_ids": [lesson_id]})
    answer = _approve_via_api(api, lesson_id, revision)
    assert answer["status"] == "approved"
    _assert_approved_and_published(af, api, lesson_id)
    print(f"early approval: hitl={answer['hitl']}")


def test_publishing_reads_the_mapped_outcomes_without_probing_past_the_end(stack):
    """Publishing reads one lesson's outcome (mapped task group), not a lazy sequence of all of
    them whose iteration ends with a misleading 'XCom ... offset=N not found' error in the log."""
    af, api = stack.af, stack.af.api(USER)
    wait_for(lambda: [r for r in api.get("/api/v2/dags/yibao_review/dagRuns").json()["dag_runs"]
                      if r["state"] == "success"], timeout=150, what="a finished review run")
    probes = [line for line in af.log_path.read_text(errors="replace").splitlines()
              if "not found for task 'apply_review'" in line]
    assert not probes, probes[:3]


@pytest.mark.browser
@needs_chromium
def test_a_not_concerned_role_is_added_back_with_one_click(stack, browser):
    """The queue lists the roles the document does not concern; one click drafts that role's lesson."""
    af = stack.af
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    af.ui_login(page, USER)
    page.goto(f"{af.base_url}/yibao/review/")
    row = page.locator("#not-concerned tr[data-role='nurse']").first
    row.wait_for()
    change_id = int(row.get_attribute("data-change"))
    row.locator("button.add-role").click()
    page.wait_for_url("**/yibao/review/lessons/*")
    lesson_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.close()

    from yibao.store.db import open_session
    from yibao.store.models import Lesson, Review

    with open_session() as s:
        lesson = s.get(Lesson, lesson_id)
        assert (lesson.change_id, lesson.role, lesson.status) == (change_id, "nurse", "in_review")
        assert s.query(Review).filter_by(lesson_id=lesson_id, action="add_role", actor=USER).count() == 1


@pytest.mark.browser
@needs_chromium
def test_airflows_menu_entries_open_the_plugin_pages(stack, browser):
    """Browse → 课程审核 / 医保时效看板 / 医保政策问答 embed our pages in a frame; their addresses are
    relative to Airflow's <base href>, so they also work when Airflow is published under a path."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    stack.af.ui_login(page, USER)
    for route, selector in (("yibao-review", "table#queue"), ("yibao-control", "table#policies"),
                            ("yibao-qa", "form")):
        page.goto(f"{stack.af.base_url}/plugin/{route}")
        frame = page.frame_locator("iframe").first
        frame.locator(selector).first.wait_for()
        assert frame.locator("header.top nav").count() == 1, route      # our page, styled, inside Airflow
    page.close()
