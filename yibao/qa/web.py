"""Routes of 政策智能问答 in the yibao web app (mounted under /yibao/qa by the Airflow plugin).

  GET  /qa/                 医保政策问答 page (Airflow login)
  GET  /qa/api/ask?q=&role= the answer as JSON (Airflow login)
  GET  /qa/diff/{change_id} the 对照表 a citation links to (Airflow login)
  POST /qa/im/dingtalk      the DingTalk robot callback (its own signature, no login)

NB: no `from __future__ import annotations` — FastAPI must see GetUserDep as a real annotation.
"""
from pathlib import Path
from typing import Optional

from airflow.api_fastapi.core_api.security import GetUserDep
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from yibao.lessons.roles import ROLES, UnknownRoleError, role_id
from yibao.qa import ask
from yibao.qa import dingtalk
from yibao.store import Change
from yibao.store.db import open_session
from yibao.web import paths
from yibao.web.params import RowId

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "web" / "templates"))
paths.add_to(templates)
MAX_QUESTION = 500


def _checked(q: str, role: Optional[str]) -> tuple[str, Optional[str]]:
    q = (q or "").strip()
    if len(q) > MAX_QUESTION:
        raise HTTPException(400, f"问题过长（最多 {MAX_QUESTION} 字）")
    if role:
        try:
            role_id(role)
        except UnknownRoleError as exc:
            raise HTTPException(400, str(exc))
    return q, role or None


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, read only until it is past `limit` bytes (whatever Content-Length said)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)


def create_router() -> APIRouter:
    router = APIRouter()

    @router.get("/qa/", response_class=HTMLResponse)
    def qa_page(request: Request, user: GetUserDep, q: str = "", role: str = ""):
        error = None
        try:
            q, role = _checked(q, role)
        except HTTPException as exc:   # the page again, with the reason above the form
            error, answer = exc.detail, None
        else:
            answer = ask(q, role) if q else None
        return templates.TemplateResponse(request, "qa.html", {"q": q[:MAX_QUESTION], "role": role or "", "roles": ROLES,
                                                               "user": str(user.get_name() or user.get_id()),
                                                               "answer": answer, "error": error},
                                          status_code=400 if error else 200)

    @router.get("/qa/api/ask")
    def qa_api(user: GetUserDep, q: str, role: str = ""):
        q, role = _checked(q, role)
        if not q:
            raise HTTPException(400, "问题为空")
        return ask(q, role).to_dict()

    @router.get("/qa/diff/{change_id}", response_class=HTMLResponse)
    def qa_diff(change_id: RowId, user: GetUserDep):
        from yibao.diff.render_html import render_change
        with open_session() as s:
            change = s.get(Change, change_id)
            if change is None:
                raise HTTPException(404, f"对照表 {change_id} 不存在")
            return HTMLResponse(render_change(change))   # the whole page

    @router.post("/qa/im/dingtalk")
    async def dingtalk_callback(request: Request):
        secret = dingtalk.app_secret()
        if not secret:
            return JSONResponse({"errcode": 300001, "errmsg": "robot callback not configured"}, status_code=503)
        try:
            dingtalk.verify(request.headers.get("timestamp"), request.headers.get("sign"), secret)
        except dingtalk.CallbackRefused as exc:
            return JSONResponse(exc.body, status_code=403)
        try:
            dingtalk.check_length(request.headers.get("content-length"))
            question, sender = dingtalk.parse(await _read_capped(request, dingtalk.MAX_BODY_BYTES))
        except dingtalk.BadCallback as exc:
            return JSONResponse(exc.body, status_code=exc.status)
        question = question[:MAX_QUESTION]
        if not question:
            return {"msgtype": "text", "text": {"content": "请在 @机器人 后写下您的医保政策问题。"}}
        return dingtalk.reply(ask(question), sender)

    return router

