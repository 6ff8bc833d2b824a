"""A person who opens a plugin page while logged out (a trainer following the link in an alert mail)
is sent to Airflow's login page and back, instead of reading {"detail": "Not authenticated"}.

Only GET requests a browser makes for a page (Accept: text/html) outside /api/ are redirected; API
clients and scripts keep their 401.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


def wants_page(request: Request) -> bool:
    return (request.method == "GET" and "text/html" in request.headers.get("accept", "")
            and "/api/" not in request.url.path)


def add_login_redirect(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _to_login(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 401 and wants_page(request):
            from airflow.api_fastapi.app import get_auth_manager
            return RedirectResponse(get_auth_manager().get_url_login(next_url=str(request.url)), status_code=303)
        return await http_exception_handler(request, exc)
