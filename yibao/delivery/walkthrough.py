"""A staff member's path through a real mail, in headless Chromium (used by `make demo-check`
and the browser tests): open the first lesson link of a captured .eml through the running
api-server, read the lesson, answer the quiz, press 我已学习, open the unsubscribe page;
then check that the store holds the acknowledgement and that `yibao report` counts it.

The robot staff member answers from the lesson's answer key in the store, so "quiz passed"
is expected; a failure anywhere raises WalkthroughError with what was seen.
"""
from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from yibao.delivery.report import PASS_SCORE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LESSON_LINK = re.compile(r"https?://[^\s\"'<>]+/l/[A-Za-z0-9_\-.]+")
UNSUBSCRIBE_LINK = re.compile(r"https?://[^\s\"'<>]+/u/[A-Za-z0-9_\-.]+")
TRUTHY = {"正确", "对", "是", "true", "t", "√"}


class WalkthroughError(RuntimeError):
    """The staff path did not complete; the message says at which step and what was seen."""


@dataclass
class Walkthrough:
    lesson_link: str
    unsubscribe_link: str
    lesson_id: int
    person_id: str
    title: str = ""
    score_text: str = ""
    quiz_score: float | None = None
    report_acknowledged: int = 0

    def staff_step(self) -> str:
        score = "—" if self.quiz_score is None else f"{self.quiz_score:.0%}"
        return (f"link opened ({self.title}), quiz passed ({score}), acknowledgement recorded "
                f"(person {self.person_id}, lesson {self.lesson_id}; yibao report counts "
                f"{self.report_acknowledged} acknowledged)")


def mail_links(eml: bytes) -> tuple[str, str]:
    """(first lesson link, unsubscribe link) of a mail, from its plain-text part."""
    message = email.message_from_bytes(eml, policy=email.policy.default)
    part = message.get_body(("plain", "html"))
    text = part.get_content() if part is not None else ""
    lesson, unsubscribe = LESSON_LINK.search(text), UNSUBSCRIBE_LINK.search(text)
    if not lesson or not unsubscribe:
        raise WalkthroughError(f"the mail {message['Subject']!r} has no lesson or unsubscribe link")
    return lesson.group(0), unsubscribe.group(0)


def target_of(link: str) -> tuple[int, int]:
    """(delivery id, lesson id) named by a signed lesson link."""
    from yibao.delivery.tokens import link_secret, verify_token

    claims = verify_token(link.rsplit("/", 1)[1].split("#")[0], secret=link_secret())
    delivery, _, lesson = claims.delivery_id.partition(".")
    return int(delivery), int(lesson)


def answer_key(lesson_id: int) -> list[tuple[str, str]]:
    """Per quiz question: (kind, the form value that is correct)."""
    from yibao.delivery.ack_app import _quiz
    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    with open_session() as session:
        quiz = _quiz(session.get(Lesson, lesson_id))
    out = []
    for q in quiz:
        answer = str(q.get("answer", ""))
        if q.get("kind") == "truefalse":
            answer = "正确" if answer.strip().lower() in TRUTHY else "错误"
        out.append((q.get("kind") or "choice", answer))
    return out


def walk_mail(eml: bytes, browser, say=print) -> Walkthrough:
    """Drive `browser` (Playwright) through the mail's links; then verify store and report."""
    lesson_link, unsubscribe_link = mail_links(eml)
    delivery_id, lesson_id = target_of(lesson_link)
    from yibao.store.db import open_session
    from yibao.store.models import Delivery

    with open_session() as session:
        person_id = session.get(Delivery, delivery_id).person_id
    walk = Walkthrough(lesson_link, unsubscribe_link, lesson_id, person_id)
    page = browser.new_page()
    page.set_default_timeout(60_000)
    try:
        response = page.goto(lesson_link)
        if response is None or response.status != 200:
            raise WalkthroughError(f"opening {lesson_link} gave HTTP {response.status if response else '—'}: "
                                   f"{page.inner_text('body')[:300]}")
        walk.title = page.inner_text("h1")
        say(f"    staff: opened {lesson_link.split('/l/')[0]}/l/… — {walk.title}")
        if not stored_read(lesson_id, person_id):
            raise WalkthroughError("the page was drawn but no read (已读) was recorded: its /seen marker failed")
        for i, (kind, value) in enumerate(answer_key(lesson_id)):
            if kind == "numeric":
                page.fill(f"input[name='q{i}']", value)
                continue
            radios = [r for r in page.query_selector_all(f"input[name='q{i}']") if r.get_attribute("value") == value]
            if not radios:
                raise WalkthroughError(f"question {i + 1}: the answer {value!r} is not among the options")
            radios[0].check()
        with page.expect_navigation():
            page.click("#ack button[type=submit]")
        if "本次学习已记入医保办培训台账" not in page.inner_text("body"):
            raise WalkthroughError(f"pressing 我已学习 did not record: {page.inner_text('body')[:300]}")
        walk.score_text = page.inner_text("#score") if page.query_selector("#score") else ""
        say(f"    staff: 我已学习 pressed — {walk.score_text or 'no quiz'}")
        response = page.goto(unsubscribe_link)
        if response is None or response.status != 200 or "退订" not in page.inner_text("h1"):
            raise WalkthroughError(f"the unsubscribe page {unsubscribe_link} did not open")
        say("    staff: unsubscribe page opened (not confirmed)")
    finally:
        page.close()
    walk.quiz_score = stored_ack_score(lesson_id, person_id)
    if walk.quiz_score is not None and walk.quiz_score < PASS_SCORE:
        raise WalkthroughError(f"the quiz was answered from the key but scored {walk.quiz_score:.0%}")
    walk.report_acknowledged = reported_acknowledged()
    if walk.report_acknowledged < 1:
        raise WalkthroughError("the acknowledgement is stored but `yibao report` does not count it")
    return walk


def stored_read(lesson_id: int, person_id: str) -> bool:
    from yibao.store.db import open_session
    from yibao.store.models import Acknowledgement

    with open_session() as session:
        return session.scalar(select(Acknowledgement.id).where(
            Acknowledgement.lesson_id == lesson_id, Acknowledgement.person_id == person_id,
            Acknowledgement.kind == "read")) is not None


def stored_ack_score(lesson_id: int, person_id: str) -> float | None:
    from yibao.store.db import open_session
    from yibao.store.models import Acknowledgement

    with open_session() as session:
        ack = session.scalar(select(Acknowledgement).where(
            Acknowledgement.lesson_id == lesson_id, Acknowledgement.person_id == person_id,
            Acknowledgement.kind == "ack"))
        if ack is None:
            raise WalkthroughError(f"no acknowledgement of lesson {lesson_id} by {person_id} in the store")
        return ack.quiz_score


def reported_acknowledged(since: dt.date | None = None) -> int:
    """The 合计 row's `acknowledged` of `yibao report --csv`, run as the CLI (a subprocess)."""
    since = since or (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date() - dt.timedelta(days=1)
    yibao = Path(sys.executable).with_name("yibao")
    done = subprocess.run([str(yibao), "report", "--since", since.isoformat(), "--csv"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise WalkthroughError(f"yibao report failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    total = [r for r in rows if r["department"] == "合计"]
    return int(total[0]["acknowledged"]) if total else 0


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
