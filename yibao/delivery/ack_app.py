"""The pages behind the signed links in messages: read, quiz + 我已学习, unsubscribe.

    GET  /l/{token}   shows the lesson, its quiz and the 我已学习 button; records nothing
    GET  /l/{token}/seen   records the read: a 1×1 image the page's stylesheet asks for once a
                      browser draws it, so a chat app's link preview or a mail scanner that only
                      fetches the HTML is not counted as 已读
    POST /l/{token}   form with the quiz answers → score; records the acknowledgement
    GET  /u/{token}   unsubscribe page (asks to confirm)
    POST /u/{token}   unsubscribes this channel (also RFC 8058 one-click from mail clients)

Staff have no Airflow login: the HMAC-signed token is the only credential. It names one
ledger row (and lesson); a tampered token gets 403, an expired one 410, both explained
in Chinese and English. The review plugin includes `ack_router()` in its app, so inside
Airflow's api-server exactly the mailed links `<public_url>/l/<token>`, `<public_url>/u/<token>`
are served (public_url = http://host/yibao).

Records: the first complete quiz submission is the score of record; later submissions
are counted (`attempts`) and their latest score kept (`last_score`) but never change the
score of record. A submission that leaves a question unanswered is refused (422) and
records nothing; the correct answers are shown only after a complete submission.
"""
from __future__ import annotations

import datetime as dt
import html
import logging
import re
import random
import time
import unicodedata
from dataclasses import dataclass
from typing import Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.delivery import group_ack, ledger, quizstats, unsubscribes
from yibao.delivery.report import PASS_SCORE
from yibao.delivery.tokens import (LinkSecretMissing, TokenClaims, TokenExpired, TokenInvalid, link_secret,
                                   verify_token)
from yibao.lessons.roles import ROLES
from yibao.store.db import open_session
from yibao.store.models import Acknowledgement, Delivery, DeliveryItem, Lesson, Person, utcnow

log = logging.getLogger(__name__)

LESSON_ACTIONS = ("read", "ack", "quiz")
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")   # <payload>.<signature>, base64url


class LinkRefused(Exception):
    def __init__(self, status: int, zh: str, en: str, link: tuple[str, str] | None = None):
        super().__init__(en)
        self.status, self.zh, self.en = status, zh, en
        self.link = link    # (text, relative href) of where to go instead


@dataclass
class LinkTarget:
    delivery: Delivery
    person: Person
    lesson: Lesson | None


def create_ack_app(database_url: str | None = None, *, secret: bytes | None = None,
                   clock: Callable[[], dt.datetime] = utcnow) -> FastAPI:
    """A stand-alone app with the link pages at /l/… and /u/… (tests, other hosts) and the
    same security headers as the plugin."""
    from yibao.web.security import add_security

    app = FastAPI(title="yibao links", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(ack_router(database_url, secret=secret, clock=clock))
    add_security(app)
    return app


def ack_router(database_url: str | None = None, *, secret: bytes | None = None,
               clock: Callable[[], dt.datetime] = utcnow) -> APIRouter:
    """The link pages. `database_url` defaults to the store's; `secret` to the link secret."""
    router = APIRouter()
    get_secret = (lambda: secret) if secret is not None else link_secret

    def current_secret() -> bytes:
        try:
            return get_secret()
        except LinkSecretMissing as exc:
            _alert_missing_secret(database_url, str(exc))
            raise LinkRefused(503, "培训链接暂时无法打开：系统未配置链接密钥。医保办已收到通知，请稍后再试。",
                              "Training links cannot be opened right now: the link secret is not configured. "
                              "The 医保办 has been alerted; please try again later.") from None

    def verified(token: str, actions: tuple[str, ...]) -> TokenClaims:
        try:
            claims = verify_token(token, secret=current_secret())
        except TokenExpired:
            raise LinkRefused(410, "链接已过期，请联系本科室医保联络员或医保办重新发送。",
                              "This link has expired. Ask your department's liaison or the 医保办 to resend it.")
        except TokenInvalid:
            raise LinkRefused(403, "链接无效（可能被修改或不完整），请从原邮件或消息中重新打开。",
                              "This link is not valid (altered or incomplete). Open it again from the original message.")
        if claims.action not in actions:
            raise LinkRefused(403, "此链接不能用于该页面。", "This link cannot be used for this page.")
        if not SUBJECT_ID.fullmatch(claims.delivery_id):   # signed, yet no id the store can hold
            raise LinkRefused(403, "链接无效。", "This link is not valid.")
        return claims

    def resolve(session: Session, token: str, actions: tuple[str, ...]) -> tuple[TokenClaims, LinkTarget]:
        claims = verified(token, actions)
        delivery_part, _, lesson_part = claims.delivery_id.partition(".")
        try:
            delivery_id = int(delivery_part)
            lesson_id = int(lesson_part) if lesson_part else None
        except ValueError:
            raise LinkRefused(403, "链接无效。", "This link is not valid.")
        if (lesson_id is None) != (claims.action == "unsubscribe"):
            raise LinkRefused(403, "链接无效。", "This link is not valid.")
        delivery = session.get(Delivery, delivery_id)
        lesson = session.get(Lesson, lesson_id) if lesson_id is not None else None
        if delivery is None or (lesson_id is not None and (lesson is None or lesson_id not in delivery.lesson_ids)):
            raise LinkRefused(404, "找不到对应的培训记录（可能已被撤回）。",
                              "The training record for this link no longer exists.")
        if lesson is not None and lesson.status != "approved":
            raise LinkRefused(410, "该课程已撤回或正在修订，请等待新的通知。",
                              "This lesson was withdrawn or is being revised; a new notice will follow.")
        if lesson is not None:
            _refuse_replaced(session, lesson, delivery, current_secret())
        return claims, LinkTarget(delivery, delivery.person, lesson)

    def refused(exc: LinkRefused) -> HTMLResponse:
        body = (f"<h1>{html.escape(exc.zh)}</h1><p lang=\"en\">{html.escape(exc.en)}</p>")
        if exc.link:
            body += f"<p><a href=\"{html.escape(exc.link[1])}\">{html.escape(exc.link[0])}</a></p>"
        return HTMLResponse(_page("无法打开链接 / Link refused", body), status_code=exc.status)

    @router.get("/l/{token}", response_class=HTMLResponse)
    def lesson_page(token: str) -> HTMLResponse:
        with open_session(database_url) as session:
            try:
                _, target = resolve(session, token, LESSON_ACTIONS)
            except LinkRefused as exc:
                return refused(exc)
            ack = _ack(session, target)
            siblings = _siblings(session, target, current_secret())
            mailed = group_ack.can_notify(session, target.person)
            return HTMLResponse(_page(target.lesson.title, render_lesson(target, token, ack, siblings,
                                                                         mailed=mailed)))

    @router.get("/l/{token}/seen")
    def lesson_seen(token: str) -> Response:
        """The page was drawn in a browser: record the read (once per person and lesson)."""
        with open_session(database_url) as session:
            try:
                _, target = resolve(session, token, LESSON_ACTIONS)
            except LinkRefused as exc:
                return Response(status_code=exc.status)
            record(session, target, "read", None, clock())
        return Response(SEEN_PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})

    @router.head("/l/{token}")
    def lesson_head(token: str) -> Response:
        """A link checker or a chat app's preview: the link's status, nothing recorded as read."""
        with open_session(database_url) as session:
            try:
                resolve(session, token, LESSON_ACTIONS)
            except LinkRefused as exc:
                return Response(status_code=exc.status)
            return Response(status_code=200, media_type="text/html")

    @router.post("/l/{token}", response_class=HTMLResponse)
    async def submit(token: str, request: Request) -> HTMLResponse:
        form = await request.form()
        with open_session(database_url) as session:
            try:
                _, target = resolve(session, token, LESSON_ACTIONS)
            except LinkRefused as exc:
                return refused(exc)
            quiz = _quiz(target.lesson)
            answers = offered_answers(quiz, form, target.lesson.id)
            missing = unanswered(quiz, answers)
            if missing:   # nothing recorded, no answers revealed
                ack = _ack(session, target)
                siblings = _siblings(session, target, current_secret())
                notice = (f"<p class=\"notice bad\" role=\"alert\">请回答全部题目后再提交（未作答：第 "
                          f"{'、'.join(str(n) for n in missing)} 题）。本次提交未记录。</p>")
                return HTMLResponse(_page(target.lesson.title, notice + render_lesson(
                    target, token, ack, siblings, answers, mailed=group_ack.can_notify(session, target.person))),
                    status_code=422)
            marks = [is_correct(q, answers.get(f"q{i}", "")) for i, q in enumerate(quiz)]
            score = (sum(marks) / len(marks)) if marks else None
            quizstats.record_attempt(session, lesson_id=target.lesson.id, person_id=target.person.id,
                                     delivery_id=target.delivery.id, quiz=quiz, answers=answers, marks=marks,
                                     score=score, now=clock())   # every answer, for first-attempt statistics
            record(session, target, "read", None, clock())
            ack = record(session, target, "ack", score, clock())
            return HTMLResponse(_page(target.lesson.title, render_result(target, quiz, answers, marks, score, ack)))

    asked = QuestionLimiter(ASKS_PER_MINUTE)

    @router.get("/l/{token}/ask", response_class=HTMLResponse)
    def ask_page(token: str, q: str = "") -> HTMLResponse:
        """有疑问？问一问: a question from the lesson page, authorised by the lesson's own link."""
        from yibao.qa import ask
        from yibao.qa.render import answer_html
        with open_session(database_url) as session:
            try:
                _, target = resolve(session, token, LESSON_ACTIONS)
            except LinkRefused as exc:
                if exc.link:   # this page is one level down (/l/<token>/ask)
                    exc.link = (exc.link[0], "../" + exc.link[1])
                return refused(exc)
            q = q.strip()[:500]
            if q and not asked.allow(token, time.monotonic()):
                return refused(LinkRefused(429, "提问太频繁了，请一分钟后再问。",
                                           "Too many questions from this link; try again in a minute."))
            body = [f"<h1>有疑问？问一问</h1><p class=\"meta\">{html.escape(target.lesson.title)}</p>",
                    ask_form(token.rsplit("/", 1)[-1], q, relative="")]
            if q:
                body.append(answer_html(ask(q, target.lesson.role, session=session)))
            body.append(f"<p><a href=\"../{html.escape(token)}\">返回课程</a></p>")
            return HTMLResponse(_page("有疑问？问一问", "".join(body)))

    @router.get("/d/{token}", response_class=HTMLResponse)
    def diff_page(token: str) -> HTMLResponse:
        """The 对照表 an answer cites, for staff without an Airflow login (the link is signed)."""
        from yibao.diff.render_html import render_change
        from yibao.store.models import Change
        try:
            claims = verified(token, ("diff",))
            change_id = int(claims.delivery_id) if "." not in claims.delivery_id else None
            with open_session(database_url) as session:
                change = session.get(Change, change_id) if change_id else None
                if change is None:
                    raise LinkRefused(404, "找不到该对照表（可能已被删除）。", "This comparison no longer exists.")
                page = render_change(change).replace("<head>", "<head><meta name=\"robots\" content=\"noindex\">", 1)
                return HTMLResponse(page)
        except LinkRefused as exc:
            return refused(exc)

    @router.get("/u/{token}", response_class=HTMLResponse)
    def unsubscribe_page(token: str) -> HTMLResponse:
        with open_session(database_url) as session:
            try:
                _, target = resolve(session, token, ("unsubscribe",))
            except LinkRefused as exc:
                return refused(exc)
            done = _unsubscribed(session, target)
            return HTMLResponse(_page("退订 / Unsubscribe", render_unsubscribe(target, done)))

    @router.post("/u/{token}", response_class=HTMLResponse)
    def unsubscribe(token: str) -> HTMLResponse:
        with open_session(database_url) as session:
            try:
                _, target = resolve(session, token, ("unsubscribe",))
            except LinkRefused as exc:
                return refused(exc)
            unsubscribes.unsubscribe(session, target.person, target.delivery.channel,
                                     delivery_id=target.delivery.id, now=clock())
            return HTMLResponse(_page("退订 / Unsubscribe", render_unsubscribe(target, True)))

    # Links of the older {base}/{action}?t=<token> form (already in inboxes) land on the same pages.
    # Only these four names: the router shares its root with the review pages.
    def by_query(action: str) -> Callable[[str], Response]:
        page = "u" if action == "unsubscribe" else "l"
        anchor = {"ack": "#ack", "quiz": "#quiz"}.get(action, "")

        def redirect(t: str = "") -> Response:
            if not TOKEN_SHAPE.fullmatch(t):   # never a redirect to some other path of the server
                return refused(LinkRefused(403, "链接无效（可能被修改或不完整），请从原邮件或消息中重新打开。",
                                           "This link is not valid (altered or incomplete). "
                                           "Open it again from the original message."))
            return RedirectResponse(f"{page}/{t}{anchor}", status_code=303)
        return redirect

    for action in (*LESSON_ACTIONS, "unsubscribe"):
        router.add_api_route(f"/{action}", by_query(action), methods=["GET"], include_in_schema=False)

    return router


def _alert_missing_secret(database_url: str | None, reason: str) -> None:
    """Tell the 医保办 (once a day, see alerts.py) that staff links cannot be opened."""
    from yibao.delivery.alerts import alert

    log.error("a staff link was opened but no link secret is configured: %s", reason)
    try:
        with open_session(database_url) as session:
            alert(session, subject="培训链接无法打开：未配置链接密钥 YIBAO_LINK_SECRET", stage="links",
                  message=("员工打开培训链接时，系统找不到链接密钥，所有阅读/测验/确认链接都无法使用。"
                           f"请在 Airflow 中设置环境变量 YIBAO_LINK_SECRET 或 Variable/Connection yibao_links。({reason})"))
    except Exception:   # the page must still answer
        log.exception("alerting the 医保办 about the missing link secret failed")


# ---------------------------------------------------------------- recording
def record(session: Session, target: LinkTarget, kind: str, score: float | None,
           now: dt.datetime) -> Acknowledgement:
    """Insert the read/ack row (or count a retake) and move ledger states forward.

    For "ack" the first submission's score stays the score of record; a retake adds to
    `attempts` and sets `last_score` only."""
    lesson, person = target.lesson, target.person
    row, created = _existing_ack(session, lesson.id, person.id, kind), False
    if row is None:
        try:
            with session.begin_nested():
                row = Acknowledgement(delivery_id=_lesson_delivery_id(session, target), lesson_id=lesson.id,
                                      person_id=person.id, kind=kind, quiz_score=score, at=now,
                                      attempts=1 if kind == "ack" else 0, last_score=score,
                                      via_channel=target.delivery.channel)
                session.add(row)
            created = True
        except IntegrityError:     # a parallel request (a double click, a browser's second fetch) was first
            row = _existing_ack(session, lesson.id, person.id, kind)
    if created and kind == "ack" and group_ack.is_group_post(target.delivery.channel):
        group_ack.notify_person(session, row, person, lesson, channel_name(target.delivery.channel), now)
    elif not created and kind == "ack":
        row.attempts = (row.attempts or 1) + 1   # the first time and score stay those of record
        row.last_score = score
    session.flush()
    acked = set(session.scalars(select(Acknowledgement.lesson_id).where(
        Acknowledgement.person_id == person.id, Acknowledgement.kind == "ack")))
    for delivery in _deliveries_with_lesson(session, person.id, lesson.id):
        done = set(delivery.lesson_ids) <= acked
        ledger.advance(delivery, ledger.ACKNOWLEDGED if done else ledger.READ)
    session.commit()
    return row


def _existing_ack(session: Session, lesson_id: int, person_id: str, kind: str) -> Acknowledgement | None:
    return session.scalar(select(Acknowledgement).where(
        Acknowledgement.lesson_id == lesson_id, Acknowledgement.person_id == person_id, Acknowledgement.kind == kind))


def _lesson_delivery_id(session: Session, target: LinkTarget) -> int:
    """Attribute a reminder's click to the digest that carried the lesson."""
    if target.delivery.digest_key.startswith("lessons:"):
        return target.delivery.id
    first = session.scalar(select(DeliveryItem.delivery_id).where(
        DeliveryItem.person_id == target.person.id, DeliveryItem.lesson_id == target.lesson.id)
        .order_by(DeliveryItem.delivery_id))
    return first or target.delivery.id


def _refuse_replaced(session: Session, lesson: Lesson, delivery: Delivery, secret: bytes) -> None:
    """A lesson a revision replaced is not taught or graded any more: its link says so and leads to
    the new lesson when this person was sent it on the same channel (else the new lesson is on its
    way). A group post's link never leads to a mail's link: a colleague would pass as the person."""
    from yibao.delivery.compose import LINK_TTL
    from yibao.delivery.tokens import make_token
    from yibao.lessons.superseded import replacement

    newer = replacement(session, lesson)
    if newer is None:
        return
    sent = _deliveries_with_lesson(session, delivery.person_id, newer.id)
    same_channel = [d for d in sent if d.channel == delivery.channel]
    sent = same_channel or ([] if group_ack.is_group_post(delivery.channel) else sent)
    link = None
    if sent:
        token = make_token("read", f"{sent[0].id}.{newer.id}", secret=secret, ttl_s=int(LINK_TTL.total_seconds()))
        link = (f"学习新版课程：{newer.title}", token)
    raise LinkRefused(410, "该课程对应的政策已修订，本课程不再适用" + ("，请学习新版课程。" if sent else "，新版课程将另行推送。"),
                      "The policy of this lesson was revised; this lesson no longer applies.", link)


def _deliveries_with_lesson(session: Session, person_id: str, lesson_id: int) -> list[Delivery]:
    ids = session.scalars(select(DeliveryItem.delivery_id).where(
        DeliveryItem.person_id == person_id, DeliveryItem.lesson_id == lesson_id))
    return [session.get(Delivery, i) for i in ids]


def _siblings(session: Session, target: LinkTarget, secret: bytes) -> list[tuple[Lesson, str, bool]]:
    """The other lessons of the same message: (lesson, relative link, acknowledged?)."""
    from yibao.delivery.compose import LINK_TTL
    from yibao.delivery.tokens import make_token

    others = [i for i in target.delivery.lesson_ids if int(i) != target.lesson.id]
    if not others:
        return []
    acked = set(session.scalars(select(Acknowledgement.lesson_id).where(
        Acknowledgement.person_id == target.person.id, Acknowledgement.kind == "ack")))
    out = []
    for lid in others:
        lesson = session.get(Lesson, int(lid))
        if lesson is None or lesson.status != "approved":
            continue
        token = make_token("read", f"{target.delivery.id}.{lesson.id}", secret=secret,
                           ttl_s=int(LINK_TTL.total_seconds()))
        out.append((lesson, token, lesson.id in acked))
    return out


def _ack(session: Session, target: LinkTarget) -> Acknowledgement | None:
    return session.scalar(select(Acknowledgement).where(
        Acknowledgement.lesson_id == target.lesson.id, Acknowledgement.person_id == target.person.id,
        Acknowledgement.kind == "ack"))


def _unsubscribed(session: Session, target: LinkTarget) -> bool:
    return unsubscribes.is_unsubscribed(session, target.person.id, target.delivery.channel)


# ---------------------------------------------------------------- quiz
def _quiz(lesson: Lesson) -> list[dict]:
    return [q for q in (lesson.draft or {}).get("quiz") or [] if isinstance(q, dict) and q.get("question")]


SUBJECT_ID = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,18})?")   # "<delivery>[.<lesson>]" or a change id
MAX_ANSWER_CHARS = 100   # a typed (numeric) answer; choices must be one of the options
ASKS_PER_MINUTE = 10      # 问一问 per lesson link: a question costs up to ~2 s of CPU


class QuestionLimiter:
    """At most `per_minute` questions per link in any 60 s (in this process)."""

    def __init__(self, per_minute: int):
        self.per_minute, self.times = per_minute, {}

    def allow(self, key: str, now: float) -> bool:
        recent = [t for t in self.times.get(key, ()) if now - t < 60.0]
        if len(self.times) > 10_000:          # forget idle links
            self.times = {k: v for k, v in self.times.items() if v and now - v[-1] < 60.0}
        allowed = len(recent) < self.per_minute
        self.times[key] = recent + [now] if allowed else recent
        return allowed


def options(question: dict, seed: str) -> list[str]:
    """Answer + distractors in a stable shuffled order (same order on every page load)."""
    if question.get("kind") == "truefalse":
        return ["正确", "错误"]
    opts = [str(question.get("answer", ""))] + [str(d) for d in question.get("distractors") or []]
    random.Random(seed).shuffle(opts)
    return opts


def offered_answers(quiz: list[dict], form, lesson_id: int) -> dict[str, str]:
    """The form's answer to each question, as stored: only q0…qN, a typed answer cut at
    MAX_ANSWER_CHARS, a choice only when it is one of the options offered (anything else is
    left blank, so the submission is refused as incomplete and nothing is stored)."""
    answers = {}
    for i, q in enumerate(quiz):
        given = str(form.get(f"q{i}", ""))[:MAX_ANSWER_CHARS]
        if q.get("kind") != "numeric" and _norm(given) not in {_norm(o) for o in options(q, f"{lesson_id}:{i}")}:
            given = ""
        answers[f"q{i}"] = given
    return answers


def unanswered(quiz: list[dict], answers: dict[str, str]) -> list[int]:
    """1-based numbers of the questions left blank."""
    return [i + 1 for i in range(len(quiz)) if not _norm(answers.get(f"q{i}", ""))]


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().rstrip("。.").replace(" ", "")


def is_correct(question: dict, given: str) -> bool:
    answer, given = _norm(str(question.get("answer", ""))), _norm(given)
    if question.get("kind") == "truefalse":
        truthy = {"正确", "对", "是", "true", "t", "√"}
        return (answer.lower() in truthy) == (given.lower() in truthy) and given != ""
    if question.get("kind") == "numeric":
        try:
            return abs(float(answer.rstrip("%个日天元")) - float(given.rstrip("%个日天元"))) < 1e-9
        except ValueError:
            return answer == given
    return given == answer


# ---------------------------------------------------------------- pages
CSS = """body{font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;line-height:1.65;margin:0;
background:#f5f6f8;color:#1f2329}main{max-width:720px;margin:0 auto;padding:16px;background:#fff;min-height:100vh}
h1{font-size:1.3em}h2{font-size:1.1em;border-left:4px solid #1664ff;padding-left:8px}.meta{color:#646a73;font-size:.9em}
.q{border:1px solid #dee0e3;border-radius:8px;padding:12px;margin:12px 0}label{display:block;padding:6px 0}
input[type=text]{width:100%;padding:8px;font-size:1em;box-sizing:border-box}
button{width:100%;padding:14px;font-size:1.1em;background:#1664ff;color:#fff;border:0;border-radius:8px}
.ok{color:#1a7f37}.bad{color:#c62828}table{border-collapse:collapse;width:100%}td,th{border:1px solid #dee0e3;padding:4px}
.notice{background:#fff7e6;padding:8px;border-radius:6px}.seen{width:1px;height:1px}"""
SEEN_PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"robots\" content=\"noindex\"><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body><main>{body}</main></body></html>")


def _markdown(text: str) -> str:
    from yibao.web.render import render_markdown   # raw HTML off, safe URLs only
    return render_markdown(text)


def render_lesson(target: LinkTarget, token: str, ack: Acknowledgement | None,
                  siblings: list[tuple[Lesson, str, bool]] = (), given: dict[str, str] | None = None,
                  mailed: bool = False) -> str:
    """`mailed`: a 我已学习 through this (group) link is mailed to the person (`group_ack`)."""
    lesson, person = target.lesson, target.person
    deadline = lesson.deadline.isoformat() if lesson.deadline else "—"
    meta = (f"<p class=\"meta\">{html.escape(person.name)} · {html.escape(ROLES.get(lesson.role, lesson.role))}"
            f" · 完成期限 {deadline}</p>")
    from yibao.lessons.quiz_section import without_quiz   # the form below asks the quiz; answers after it
    article = _markdown(without_quiz(lesson.body_md))
    if article.lstrip().startswith("<h1"):     # the lesson text opens with its own title: not twice
        head, _, rest = article.partition("</h1>")
        parts = [f"<article>{head}</h1>{meta}{rest}</article>"]
    else:
        parts = [f"<h1>{html.escape(lesson.title)}</h1>", meta, f"<article>{article}</article>"]
    if group_ack.is_group_post(target.delivery.channel):
        who = html.escape(person.name)
        what = "" if ack is not None else (f"：「我已学习」将记入{who}的培训记录"
                                           + ("，并以邮件告知本人" if mailed else ""))
        parts.append(f"<p class=\"notice\">此链接来自{html.escape(channel_name(target.delivery.channel))}，"
                     f"仅限{who}本人使用{what}。</p>")
    if ack is not None:
        score = f"，首次测验得分 {ack.quiz_score:.0%}（记录成绩）" if ack.quiz_score is not None else ""
        tries = f"已作答 {ack.attempts} 次。" if (ack.attempts or 0) > 1 else ""
        parts.append(f"<p class=\"notice ok\">您已于 {_cn_time(ack.at)} 确认学习{score}。{tries}"
                     "可以再次练习，成绩以首次作答为准。</p>")
    given = given or {}
    quiz = _quiz(lesson)
    form = [f"<form method=\"post\" action=\"{html.escape(token)}\" id=\"quiz\">"]
    if quiz:
        form.append("<h2>随堂测验</h2>")
    for i, q in enumerate(quiz):
        form.append(f"<div class=\"q\"><p>{i + 1}. {html.escape(q['question'])}</p>")
        if q.get("kind") == "numeric":
            form.append(f"<input type=\"text\" name=\"q{i}\" inputmode=\"decimal\" autocomplete=\"off\" "
                        f"value=\"{html.escape(given.get(f'q{i}', ''))}\">")
        else:
            for opt in options(q, f"{lesson.id}:{i}"):
                checked = " checked" if given.get(f"q{i}") == opt else ""
                form.append(f"<label><input type=\"radio\" name=\"q{i}\" value=\"{html.escape(opt)}\"{checked}> "
                            f"{html.escape(opt)}</label>")
        form.append("</div>")
    form.append("<p id=\"ack\"><button type=\"submit\">我已学习</button></p></form>")
    form.append(seen_marker(token))
    form.append("<h2>有疑问？问一问</h2>" + ask_form(token, "", relative=f"{token}/"))
    if siblings:
        form.append("<h2>本次推送的其他课程</h2><ul>")
        for other, other_token, done in siblings:
            state = "<span class=\"ok\">已完成</span>" if done else "<span class=\"bad\">未完成</span>"
            form.append(f"<li><a href=\"{html.escape(other_token)}\">{html.escape(other.title)}</a> {state}</li>")
        form.append("</ul>")
    return "".join(parts + form)


def seen_marker(token: str) -> str:
    """A drawn element whose background is /l/<token>/seen: only a browser rendering the page
    fetches it (a background image, not an <img> a preview could take for a thumbnail)."""
    return f"<div class=\"seen\" aria-hidden=\"true\" style=\"background-image:url('{html.escape(token)}/seen')\"></div>"


def ask_form(token: str, question: str, *, relative: str) -> str:
    """The 问一问 form: GET <token>/ask?q=… (the lesson link's token authorises it)."""
    return (f"<form method=\"get\" action=\"{html.escape(relative)}ask\" id=\"ask\">"
            f"<input type=\"text\" name=\"q\" value=\"{html.escape(question)}\" maxlength=\"500\" "
            "placeholder=\"例如：跨省就医要先备案吗\"> <button type=\"submit\">问一问</button></form>")


def render_result(target: LinkTarget, quiz: list[dict], answers: dict[str, str], marks: list[bool],
                  score: float | None, ack: Acknowledgement) -> str:
    parts = [f"<h1>已确认学习：{html.escape(target.lesson.title)}</h1>",
             f"<p class=\"meta\">{html.escape(target.person.name)} · 确认时间 {_cn_time(ack.at)}</p>"]
    if score is not None:
        verdict = "<span class=\"ok\">通过</span>" if score >= PASS_SCORE else "<span class=\"bad\">未通过</span>"
        parts.append(f"<p id=\"score\">本次得分 <b>{score:.0%}</b>（{sum(marks)}/{len(marks)}）{verdict}</p>")
        if (ack.attempts or 1) > 1 and ack.quiz_score is not None:
            parts.append(f"<p class=\"notice\">这是第 {ack.attempts} 次作答，仅作练习；培训台账记录首次作答成绩 "
                         f"{ack.quiz_score:.0%}。</p>")
    for i, (q, ok) in enumerate(zip(quiz, marks)):
        mark = "<span class=\"ok\">✓</span>" if ok else "<span class=\"bad\">✗</span>"
        given = answers.get(f"q{i}", "") or "（未作答）"
        explain = f"<br><span class=\"meta\">{html.escape(q.get('explanation') or '')} {html.escape(q.get('ref') or '')}</span>"
        parts.append(f"<div class=\"q\">{mark} {html.escape(q['question'])}<br>您的答案：{html.escape(given)}"
                     f"{'' if ok else '；正确答案：' + html.escape(str(q.get('answer')))}{explain}</div>")
    parts.append("<p>谢谢！本次学习已记入医保办培训台账。</p>")
    return "".join(parts)


PLATFORM_NAMES = {"wecom": "企业微信群", "dingtalk": "钉钉群", "feishu": "飞书群"}


def channel_name(channel: str, departments: dict[str, str] | None = None) -> str:
    """'email' → 邮件, 'wecom:cardiology' → 企业微信群（心内科）: as staff know the channel. The group is
    named by the robot's department in subscriptions.yaml (`departments`: robot → department; read
    from the file when not given), else by the robot's name."""
    if channel == "email":
        return "邮件"
    platform, _, robot = channel.partition(":")
    if departments is None:
        departments = _robot_departments()
    return f"{PLATFORM_NAMES.get(platform, '群消息')}（{departments.get(robot) or robot or platform}）"


def _robot_departments() -> dict[str, str]:
    """Robot → department from subscriptions.yaml, parsed again only when the file changes (a staff
    file of thousands of people is not re-read on every page view)."""
    from yibao.delivery.subscriptions import default_path
    try:
        stat = default_path().stat()
    except OSError:
        return {}
    key = (str(default_path()), stat.st_mtime_ns, stat.st_size)
    if key not in _DEPARTMENTS:
        from yibao.delivery.service import load_config_quietly
        config = load_config_quietly()
        _DEPARTMENTS.clear()
        _DEPARTMENTS[key] = {name: robot.department for name, robot in (config.robots if config else {}).items()}
    return _DEPARTMENTS[key]


_DEPARTMENTS: dict[tuple, dict[str, str]] = {}


def render_unsubscribe(target: LinkTarget, done: bool) -> str:
    channel = channel_name(target.delivery.channel)
    if done:
        return (f"<h1>已退订</h1><p>{html.escape(target.person.name)}，今后不再通过{html.escape(channel)}向您发送培训通知。</p>"
                "<p class=\"notice\">医保政策培训为院内必修内容，您仍可能通过其他渠道或科室医保联络员收到提醒。"
                "如需恢复，请联系医保办。</p><p lang=\"en\">You are unsubscribed from this channel.</p>")
    return (f"<h1>退订培训通知</h1><p>{html.escape(target.person.name)}，确认不再通过{html.escape(channel)}接收医保政策培训通知？</p>"
            "<p class=\"notice\">培训为院内必修内容；退订后，医保办仍可通过其他渠道提醒您。</p>"
            "<form method=\"post\"><button type=\"submit\">确认退订 / Unsubscribe</button></form>")


def _cn_time(value: dt.datetime) -> str:
    local = beijing.local(value)
    return local.strftime("%Y-%m-%d %H:%M")
