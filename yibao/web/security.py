"""Security headers and the Origin check for every yibao page (plugin pages and staff link pages).

- Content-Security-Policy: scripts only from our own /yibao/static files (no inline script,
  no eval), nothing from other hosts; `frame-ancestors 'self'` because Airflow shows the
  plugin pages in an iframe of its own UI, plus the older X-Frame-Options: SAMEORIGIN.
  The staff link pages (/l/, /u/) need no script and are never framed.
- State-changing requests (POST, PUT, PATCH, DELETE) that carry an Origin header other than
  this server's own (or the configured public URL's) get 403. A request without Origin
  (curl, a mail provider's RFC 8058 one-click unsubscribe) is let through: a browser
  always sends Origin on cross-site form and fetch requests.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

REVIEW_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
LINK_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
LINK_PAGES = ("l", "u", "d", "read", "ack", "quiz", "unsubscribe")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def allowed_origins(request: Request) -> set[str]:
    """This server as the browser reached it, and the public URL links are mailed with."""
    own = {origin_of(str(request.base_url))}
    host = request.headers.get("x-forwarded-host") or request.headers.get("host")
    if host:
        scheme = request.headers.get("x-forwarded-proto") or request.url.scheme
        own.add(f"{scheme}://{host}".lower())
    public = origin_of(os.environ.get("YIBAO_PUBLIC_URL", ""))
    return own | ({public} if public else set())


def cross_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is not None and origin.lower() not in allowed_origins(request)


def _is_link_page(request: Request) -> bool:
    path = request.scope.get("path", "")
    root = request.scope.get("root_path", "")
    first = path.removeprefix(root).lstrip("/").split("/", 1)[0]
    return first in LINK_PAGES


def add_security(app: FastAPI) -> None:
    """Install the headers and the Origin check on `app` (all its routes and mounts)."""

    @app.middleware("http")
    async def yibao_security(request: Request, call_next) -> Response:
        link_page = _is_link_page(request)
        if request.method in STATE_CHANGING and cross_origin(request):
            response: Response = JSONResponse(
                {"detail": f"cross-origin request refused: Origin {request.headers['origin']} is not this site "
                           "(跨站请求被拒绝)"}, status_code=403)
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = LINK_CSP if link_page else REVIEW_CSP
        response.headers["X-Frame-Options"] = "DENY" if link_page else "SAMEORIGIN"
        response.headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` on form posts
        response.headers["Referrer-Policy"] = "same-origin"
        return response
