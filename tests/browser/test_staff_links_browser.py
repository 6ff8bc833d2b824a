"""Issue 12 end to end against a real `airflow standalone` with the plugin, in headless Chromium.

- A trainer approves; the delivery mail reaches the doctor through the SMTP dev server; the
  first link of that captured .eml is opened through the api-server: read, quiz, 我已学习,
  unsubscribe page. The store holds the acknowledgement and `yibao report` counts it.
- A hostile link (`"` in the URL) in the review preview and on the staff page runs no handler.
- Over real HTTP: an Airflow admin who is not a trainer reads but gets 403 on decisions;
  a cross-origin write gets 403.
- 问一问 on the mailed lesson page, typed and submitted in the browser: the answer cites, its 对照表
  link opens without an Airflow login, 返回课程 leads back; the trainers' 医保政策问答 page likewise.
"""
from pathlib import Path

import pytest
from sqlalchemy import select

from yibao.delivery.walkthrough import CHROMIUM, launch_chromium, mail_links, walk_mail
from yibao.web.standalone import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.airflow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"system Chromium not found at {CHROMIUM}")]
USER = "trainer1"
DOCTOR_EMAIL = "zhang@hospital.example"
HOSTILE = '\n\n见[原文](https://x/"onmouseover="window.__xss=1) 与[另一处](javascript:window.__xss=2)。\n'


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def _mail_to_doctor_with(smtp, lesson_title: str):
    for m in smtp.messages:
        if DOCTOR_EMAIL in ",".join(m.rcpt_tos) and lesson_title in m.message.get_body(("plain",)).get_content():
            return m
    return None


def _approve(af, api, lesson_id: int, extra_md: str = "") -> str:
    af.emit_asset_event(api, "yibao_review_requests", {"lesson_ids": [lesson_id]})
    lesson = api.get(f"/yibao/api/lessons/{lesson_id}").json()
    r = api.post(f"/yibao/api/lessons/{lesson_id}/decision",
                 json={"action": "approve", "revision": lesson["revision"], "comment": "已核对",
                       "body_md": lesson["body_md"] + extra_md})
    assert r.status_code == 200, r.text
    print(f"decision on lesson {lesson_id}: {r.json()}")   # shown when the test fails: how the HITL was resolved
    return lesson["title"]


def _no_handler_ran(page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for link in page.query_selector_all("a"):
        if link.inner_text().strip() in ("原文", "另一处"):
            assert link.get_attribute("onmouseover") is None
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
            link.hover()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None and dialogs == []


def test_mailed_link_read_quiz_ack_unsubscribe_then_store_and_report(stack, browser, tmp_path):
    af, smtp, lesson_id = stack.af, stack.smtp, stack.lesson_ids[0]
    api = af.api(USER)
    title = _approve(af, api, lesson_id, HOSTILE)
    mail = wait_for(lambda: _mail_to_doctor_with(smtp, title), timeout=240,
                    what=f"the delivery mail of lesson {lesson_id} to {DOCTOR_EMAIL}")
    eml = tmp_path / "delivery.eml"
    eml.write_bytes(mail.raw)

    walk = walk_mail(eml.read_bytes(), browser, say=print)
    assert walk.lesson_link.startswith(f"{af.base_url}/yibao/l/")
    assert walk.unsubscribe_link.startswith(f"{af.base_url}/yibao/u/")
    assert walk.lesson_id == lesson_id and walk.quiz_score == 1.0 and walk.report_acknowledged >= 1
    print(walk.staff_step())

    from yibao.store.db import open_session
    from yibao.store.models import Acknowledgement, Delivery

    with open_session() as s:
        ack = s.scalars(select(Acknowledgement).where(Acknowledgement.lesson_id == lesson_id,
                                                      Acknowledgement.kind == "ack")).one()
        assert (ack.person_id, ack.attempts) == ("p-doc-1", 1)
        assert s.get(Delivery, ack.delivery_id).state == "acknowledged"

    page = browser.new_page()
    response = page.goto(walk.lesson_link)       # the staff page shows the trainer's hostile link inert
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "答案" not in page.inner_text("article")   # the drafted answer key is not shown to staff
    _no_handler_ran(page)
    page.close()


def test_hostile_link_in_the_review_preview_runs_no_handler(stack, browser):
    af, lesson_id = stack.af, stack.lesson_ids[1]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    af.ui_login(page, USER)
    response = page.goto(f"{af.base_url}/yibao/review/lessons/{lesson_id}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    page.wait_for_selector("#body")
    page.fill("#body", page.input_value("#body") + HOSTILE)
    page.locator("#preview", has_text="另一处").wait_for()   # (no wait_for_function: the CSP forbids eval)
    _no_handler_ran(page)
    page.close()


def test_over_http_only_trainers_decide_and_cross_origin_writes_are_refused(stack):
    af, lesson_id = stack.af, stack.lesson_ids[2]
    admin, trainer = af.api("admin1"), af.api(USER)
    lesson = admin.get(f"/yibao/api/lessons/{lesson_id}")
    assert lesson.status_code == 200                                       # everyone who may view reads
    decision = {"action": "reject", "revision": lesson.json()["revision"], "comment": "条款引用有误"}
    refused = admin.post(f"/yibao/api/lessons/{lesson_id}/decision", json=decision)
    assert refused.status_code == 403 and "只有培训审核人" in refused.json()["detail"]
    evil = trainer.post(f"/yibao/api/lessons/{lesson_id}/decision", json=decision,
                        headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and "cross-origin" in evil.json()["detail"]
    assert trainer.get(f"/yibao/api/lessons/{lesson_id}").json()["status"] == lesson.json()["status"]


def _ask_in(page, question: str, selector: str) -> str:
    page.fill("#ask input[name=q]", question)
    with page.expect_navigation():
        page.click("#ask button[type=submit]")
    page.wait_for_selector(selector)
    return page.inner_text(selector)


def test_staff_ask_on_the_mailed_lesson_page_then_open_the_cited_comparison(stack, browser):
    af, smtp, lesson_id = stack.af, stack.smtp, stack.lesson_ids[3]
    title = _approve(af, af.api(USER), lesson_id)
    mail = wait_for(lambda: _mail_to_doctor_with(smtp, title), timeout=240,
                    what=f"the delivery mail of lesson {lesson_id} to {DOCTOR_EMAIL}")
    lesson_link, _ = mail_links(mail.raw)
    page = browser.new_page()
    page.set_default_timeout(60_000)
    page.goto(lesson_link)
    answer = _ask_in(page, "门诊慢特病待遇认定有效期是几年", "#qa-answer")
    assert page.url.startswith(lesson_link.split("#")[0] + "/ask?q=")
    assert "第五条" in answer and "3年" in answer, answer
    with page.expect_navigation():
        page.click("#qa-answer a:has-text('对照表')")        # a signed link: no Airflow login needed
    assert "/yibao/d/" in page.url and "3年" in page.content() and "登录" not in page.title()
    page.go_back()
    with page.expect_navigation():
        page.click("text=返回课程")
    page.wait_for_selector("#ack")                             # the lesson again, its form intact
    assert "没有找到依据" in _ask_in(page, "食堂每个月的餐补是多少钱", "#qa-answer")
    page.close()

    page = browser.new_page()                                  # the trainers' page, behind the Airflow login
    page.set_default_timeout(60_000)
    af.ui_login(page, USER)
    page.goto(f"{af.base_url}/yibao/qa/")
    page.select_option("#ask select[name=role]", label="收费员")
    answer = _ask_in(page, "门诊慢特病待遇认定有效期是几年", "#answer .citation")
    assert "第五条" in answer and "3年" in page.inner_text("#answer")
    assert "role=%E6%94%B6%E8%B4%B9%E5%91%98" in page.url      # the role went with the question
    page.close()
