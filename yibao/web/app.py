"""The yibao FastAPI app mounted in the Airflow api-server by plugins/yibao_plugin.py.

Pages (Airflow login; cookie or bearer token via GetUserDep):
  /review/                 课程审核 queue          /review/lessons/{id}   one lesson
  /control/                医保时效看板
JSON API: /api/queue, /api/lessons/{id} (GET, PUT = save edit), /api/lessons/{id}/decision (POST),
          /api/lessons/{id}/audit and /api/audit (?format=json|csv), /api/control
Static: /static/*. Staff read/ack links: /l/* (yibao.delivery.ack_app, token-authenticated, no login).

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
from pydantic import BaseModel, Field

from yibao.review import controlroom, decisions, queue
from yibao.review.errors import LessonClosed, LessonNotFound, ReviewConflict, ReviewInputError
from yibao.store.db import open_session
from yibao.web import hitl_bridge

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
AUDIT_FIELDS = ["id", "lesson_id", "at", "actor", "action", "comment", "edit_diff", "before_md", "after_md"]
ACTION_TO_OPTION = {"approve": "Approve", "reject": "Reject", "regenerate": "Regenerate"}


class EditIn(BaseModel):
    revision: int = Field(ge=1)
    body_md: Optional[str] = None
    quiz: Optional[list[dict[str, Any]]] = None
    comment: str = ""


class DecisionIn(EditIn):
    action: Literal["approve", "reject", "regenerate"]


def _user_name(user: Any) -> str:
    return str(user.get_name() or user.get_id())


def _require(user: Any, method: str) -> None:
    if not hitl_bridge.can_review(user, method):
        raise HTTPException(403, f"user {_user_name(user)} may not {'review' if method == 'PUT' else 'view'} lessons")


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
    app = FastAPI(title="yibao review and control room", docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _mount_ack_app(app)
    _include_qa(app)

    @app.get("/review/", response_class=HTMLResponse)
    def review_queue_page(request: Request, user: GetUserDep):
        _require(user, "GET")
        with open_session() as s:
            rows = queue.as_dicts(queue.queue_rows(s))
        return templates.TemplateResponse(request, "queue.html", {"rows": rows, "user": _user_name(user)})

    @app.get("/review/lessons/{lesson_id}", response_class=HTMLResponse)
    def lesson_page(request: Request, lesson_id: int, user: GetUserDep):
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
        with open_session() as s:
            data = controlroom.control_room(s)
        return templates.TemplateResponse(request, "control.html", {"data": data, "user": _user_name(user)})

    @app.get("/api/queue")
    def api_queue(user: GetUserDep, status: Literal["open", "all"] = "open"):
        _require(user, "GET")
        statuses = queue.OPEN_STATUSES if status == "open" else tuple(
            {s for _, s in decisions.OPTIONS.values()} | set(queue.OPEN_STATUSES))
        with open_session() as s:
            return queue.as_dicts(queue.queue_rows(s, statuses=statuses))

    @app.get("/api/lessons/{lesson_id}")
    def api_lesson(lesson_id: int, user: GetUserDep):
        _require(user, "GET")
        try:
            with open_session() as s:
                return queue.lesson_view(s, lesson_id)
        except REVIEW_ERRORS as exc:
            raise _error(exc) from None

    @app.put("/api/lessons/{lesson_id}")
    def api_save(lesson_id: int, payload: EditIn, user: GetUserDep):
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
    def api_decide(lesson_id: int, payload: DecisionIn, user: GetUserDep):
        _require(user, "PUT")
        option = ACTION_TO_OPTION[payload.action]
        try:
            with open_session() as s:   # the store first: committed before Airflow hears of it
                review = decisions.record_decision(
                    s, lesson_id, option=option, actor=_user_name(user), revision=payload.revision,
                    body_md=payload.body_md, quiz=payload.quiz, comment=payload.comment)
                lesson = decisions.get_lesson(s, lesson_id)
                ref = decisions.latest_request(s, lesson_id)
                run_id, body, revision, status = (lesson.review_dag_run_id, lesson.body_md, lesson.revision,
                                                  lesson.status)
                audit_id = review.id
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
    def api_lesson_audit(lesson_id: int, user: GetUserDep, format: Literal["json", "csv"] = "json"):
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


def _mount_ack_app(app: FastAPI) -> None:
    """Staff read/ack links, token-authenticated by the ack app itself (not behind the Airflow login)."""
    from yibao.delivery.ack_app import create_ack_app

    app.mount("/l", create_ack_app())
