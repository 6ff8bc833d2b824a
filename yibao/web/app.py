"""The yibao FastAPI app mounted in the Airflow api-server by plugins/yibao_plugin.py.

Pages (Airflow login; cookie or bearer token via GetUserDep):
  /review/                 课程审核 queue          /review/lessons/{id}   one lesson
  /control/                医保时效看板
JSON API: /api/queue, /api/lessons/{id} (GET, PUT = save edit), /api/lessons/{id}/decision (POST),
          /api/not-concerned, /api/changes/{change_id}/roles/{role} (POST: add a not-concerned role back),
          /api/lessons/{id}/audit and /api/audit (?format=json|csv), /api/control, /api/preview (POST Markdown → safe HTML)
Static: /static/*. Staff links exactly as mailed: /l/{token}, /u/{token}, and /d/{token} for a 对照表 an
answer cites (yibao.delivery.ack_app, token-authenticated, no login).
Deciding and editing are for trainers only (yibao.review.trainers); everyone who may view the
review DAG can read. Every response carries CSP/frame headers; cross-origin writes get 403
(yibao.web.security).

NB: no `from __future__ import annotations` here — FastAPI must see GetUserDep as a
real annotation, or it takes `user` for a query parameter.
"""
import csv
import io
import logging
from pathlib import Path
from typing import Any, Literal, Optional

from airflow.api_fastapi.core_api.security import GetUserDep
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from yibao import beijing
from pydantic import BaseModel, Field

from yibao.review import concerned, controlroom, decisions, queue, trainers
from yibao.review.render import action_name, stage_name, status_name
from yibao.review.errors import LessonClosed, LessonNotFound, ReviewConflict, ReviewInputError
from yibao.store.db import open_session
from yibao.web import hitl_bridge, paths
from yibao.web.login_redirect import add_login_redirect
from yibao.web.params import RowId
from yibao.web.render import render_markdown
from yibao.web.security import add_security

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
paths.add_to(templates)
templates.env.filters["beijing"] = beijing.shown   # stored naive UTC → Beijing, as the CLI and report show
templates.env.filters["status_name"] = status_name   # a lesson's status as trainers read it (已驳回 …)
templates.env.filters["stage_name"] = stage_name      # an alert's stage (采集, 返工 …)
templates.env.filters["action_name"] = action_name   # an audit row's action (驳回, 重新起草 …)
AUDIT_FIELDS = ["id", "lesson_id", "at", "actor", "action", "comment", "edit_diff", "before_md", "after_md"]
ACTION_TO_OPTION = {"approve": "Approve", "reject": "Reject", "regenerate": "Regenerate"}


MAX_BODY_CHARS = 200_000   # the lesson text a trainer saves or previews (a long regulation's lesson is ~30 000)


class EditIn(BaseModel):
    revision: int = Field(ge=1)
    body_md: Optional[str] = Field(default=None, max_length=MAX_BODY_CHARS)
    quiz: Optional[list[dict[str, Any]]] = Field(default=None, max_length=50)
    comment: str = Field(default="", max_length=5_000)


class DecisionIn(EditIn):
    action: Literal["approve", "reject", "regenerate"]


class PreviewIn(BaseModel):
    body_md: str = Field(max_length=MAX_BODY_CHARS)


def _user_name(user: Any) -> str:
    return str(user.get_name() or user.get_id())


def _require(user: Any, method: str) -> None:
    """GET: may read the review DAG. PUT (edit, decide): a trainer (config) who may answer its HITL tasks."""
    if method != "GET":
        try:
            allowed = trainers.is_trainer(user)
        except trainers.TrainersConfigError as exc:
            raise HTTPException(503, f"培训审核人配置有误，暂时不能做决定 / trainers config is invalid: {exc}") from None
        if not allowed:
            raise HTTPException(403, trainers.refusal(user))
    if not hitl_bridge.can_review(user, method):
        raise HTTPException(403, f"用户 {_user_name(user)} 无权{'审核' if method == 'PUT' else '查看'}课程（需能处理 yibao_review 的审核任务）")


def _error(exc: Exception) -> HTTPException:
    if isinstance(exc, LessonNotFound):
        return HTTPException(404, str(exc))
    if isinstance(exc, ReviewConflict):
        return HTTPException(409, {"message": str(exc), "current_revision": exc.current_revision})
    if isinstance(exc, LessonClosed):
        return HTTPException(409, {"message": str(exc)})
    return HTTPException(422, str(exc))


REVIEW_ERRORS = (LessonNotFound, ReviewConflict, LessonClosed, ReviewInputError)


def _audit_response(rows: list[dict], fmt: str, name: str) -> Response:
    if fmt == "json":
        return JSONResponse(rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=AUDIT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def create_app() -> FastAPI:
    # no /openapi.json: it would list every trainer and 医保办 route to anyone without a login
    app = FastAPI(title="yibao review and control room", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _include_link_pages(app)
    _include_qa(app)
    add_security(app)
    add_login_redirect(app)

    @app.get("/review/", response_class=HTMLResponse)
    def review_queue_page(request: Request, user: GetUserDep):
        _require(user, "GET")
        with open_session() as s:
            rows = queue.as_dicts(queue.queue_rows(s))
            others = concerned.as_dicts(concerned.not_concerned_rows(s, queue.OPEN_STATUSES))
        return templates.TemplateResponse(request, "queue.html",
                                          {"rows": rows, "not_concerned": others, "user": _user_name(user)})

    @app.get("/review/lessons/{lesson_id}", response_class=HTMLResponse)
    def lesson_page(request: Request, lesson_id: RowId, user: GetUserDep):
        _require(user, "GET")
        try:
            with open_session() as s:
                view = queue.lesson_view(s, lesson_id)
        except LessonNotFound as exc:
            raise _error(exc) from None
        return templates.TemplateResponse(request, "lesson.html", {"lesson": view, "user": _user_name(user)})

    @app.get("/control/", response_class=HTMLResponse)
    def control_page(request: Request, user: GetUserDep):
        _require(user, "GET")
        from yibao.delivery.effect import charts

        with open_session() as s:
            data = controlroom.control_room(s)
        return templates.TemplateResponse(request, "control.html", {"data": data, "charts": charts(data["effect"]),
                                                                    "link_base": paths.app_base(request),
                                                                    "user": _user_name(user)})

    @app.get("/api/queue")
    def api_queue(user: GetUserDep, status: Literal["open", "all"] = "open"):
        _require(user, "GET")
        statuses = queue.OPEN_STATUSES if status == "open" else tuple(
            {s for _, s in decisions.OPTIONS.values()} | set(queue.OPEN_STATUSES))
        with open_session() as s:
            return queue.as_dicts(queue.queue_rows(s, statuses=statuses))

    @app.get("/api/not-concerned")
    def api_not_concerned(user: GetUserDep):
        _require(user, "GET")
        with open_session() as s:
            return concerned.as_dicts(concerned.not_concerned_rows(s, queue.OPEN_STATUSES))

    @app.post("/api/changes/{change_id}/roles/{role}")
    def api_add_role(request: Request, change_id: RowId, role: str, user: GetUserDep):
        """A trainer adds back a role the document was judged not to concern: its lesson is drafted."""
        _require(user, "PUT")
        try:
            with open_session() as s:
                lesson_id = concerned.add_role(s, change_id, role, _user_name(user))
        except REVIEW_ERRORS as exc:
            raise _error(exc) from None
        return {"lesson_id": lesson_id, "url": f"{paths.app_base(request)}/review/lessons/{lesson_id}"}

    @app.get("/api/lessons/{lesson_id}")
    def api_lesson(lesson_id: RowId, user: GetUserDep):
        _require(user, "GET")
        try:
            with open_session() as s:
                return queue.lesson_view(s, lesson_id)
        except REVIEW_ERRORS as exc:
            raise _error(exc) from None

    @app.put("/api/lessons/{lesson_id}")
    def api_save(lesson_id: RowId, payload: EditIn, user: GetUserDep):
        _require(user, "PUT")
        try:
            with open_session() as s:
                review = decisions.save_edit(s, lesson_id, actor=_user_name(user), revision=payload.revision,
                                             body_md=payload.body_md, quiz=payload.quiz, comment=payload.comment)
                return {"saved": True, "revision": decisions.get_lesson(s, lesson_id).revision,
                        "audit_id": review.id}
        except REVIEW_ERRORS as exc:
            raise _error(exc) from None

    @app.post("/api/lessons/{lesson_id}/decision")
    def api_decide(lesson_id: RowId, payload: DecisionIn, user: GetUserDep):
        _require(user, "PUT")
        option = ACTION_TO_OPTION[payload.action]
        try:
            with open_session() as s:   # the store first: committed before Airflow hears of it
                review = decisions.record_decision(
                    s, lesson_id, option=option, actor=_user_name(user), revision=payload.revision,
                    body_md=payload.body_md, quiz=payload.quiz, comment=payload.comment)
                audit_id = review.id
            # where the task waits is read only after the decision is committed: a task that writes its
            # request later re-reads the store after it and finds the decision; read inside the same
            # transaction, a request written meanwhile was missed and the task parked for good
            with open_session() as s:
                lesson = decisions.get_lesson(s, lesson_id)
                ref = decisions.latest_request(s, lesson_id)
                run_id, body, revision, status = (lesson.review_dag_run_id, lesson.body_md, lesson.revision,
                                                  lesson.status)
        except REVIEW_ERRORS as exc:
            raise _error(exc) from None
        try:
            resolution = hitl_bridge.resolve(user, lesson_id, ref, run_id, option,
                                             {"body_md": body, "comment": payload.comment},
                                             needs_apply=option in ("Approve", "Regenerate"))
        except Exception as exc:  # noqa: BLE001 - the decision is stored; the DAG run will pick it up
            log.exception("resolving the HITL task of lesson %s failed", lesson_id)
            resolution = hitl_bridge.Resolution("stored", f"could not reach the review task: {exc}")
        return {"status": status, "revision": revision, "audit_id": audit_id,
                "hitl": {"status": resolution.status, "detail": resolution.detail}}

    @app.get("/api/lessons/{lesson_id}/audit")
    def api_lesson_audit(lesson_id: RowId, user: GetUserDep, format: Literal["json", "csv"] = "json"):
        _require(user, "GET")
        try:
            with open_session() as s:
                rows = decisions.audit_rows(s, lesson_id)
        except REVIEW_ERRORS as exc:
            raise _error(exc) from None
        return _audit_response(rows, format, f"lesson-{lesson_id}-audit")

    @app.get("/api/audit")
    def api_audit(user: GetUserDep, format: Literal["json", "csv"] = "csv"):
        _require(user, "GET")
        with open_session() as s:
            rows = decisions.audit_rows(s)
        return _audit_response(rows, format, "yibao-review-audit")

    @app.post("/api/preview")
    def api_preview(payload: PreviewIn, user: GetUserDep):
        _require(user, "GET")
        return {"html": render_markdown(payload.body_md)}

    @app.get("/api/control")
    def api_control(user: GetUserDep):
        _require(user, "GET")
        with open_session() as s:
            return controlroom.control_room(s)

    return app


def _include_qa(app: FastAPI) -> None:
    """政策智能问答: the /qa/ page, its JSON API, the 对照表 links and the IM robot callback."""
    from yibao.qa.web import create_router

    app.include_router(create_router())


def _include_link_pages(app: FastAPI) -> None:
    """Staff read/ack/unsubscribe pages at /l/{token} and /u/{token} of this app, i.e. exactly
    the mailed <public_url>/l/… and /u/…, and the cited 对照表 at /d/{token} (token-authenticated,
    not behind the Airflow login)."""
    from yibao.delivery.ack_app import ack_router

    app.include_router(ack_router())
