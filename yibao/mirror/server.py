"""HTTP server for the mirror: ``http://host:port/<site id>/...``.

Generic behaviour lives here (robots.txt, failure modes challenge_412 / ruishu /
503 / slow, ETag + Last-Modified + 304, request log, admin endpoints); the
page shapes come from the family renderers in ``yibao.mirror.sites``.

Admin over HTTP (for a separate demo process):
- ``POST /__mirror__/publish``  body: MirrorDocument JSON (attachments base64)
- ``POST /__mirror__/failure``  body: {"site": "nhsa", "mode": "503" | null}
- ``POST /__mirror__/revise``   body: {"site", "doc_id", "old", "new"} (an in-place revision)
- ``POST /__mirror__/withdraw`` body: {"site", "doc_id"} (its page answers 404 from now on)
- ``GET  /__mirror__/sites``    the sites and their columns
"""
from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from yibao.mirror.model import FAILURE_MODES, MirrorDocument, MirrorSite, Request, Response, html_response
from yibao.mirror.sites import discover_renderers

RUISHU_BODY = """<!DOCTYPE html><html><head><meta charset="utf-8">
<script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=48231;$_ts.cd="qEcBrrAlEcVqDGlLpGA";
document.cookie="FSSBBIl1UgzbN7N80S=" + Math.random().toString(36).slice(2) + "; path=/";</script>
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc.js"></script>
</head><body><script>window.location.reload();</script></body></html>"""


def _http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


class MirrorServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, sites: list[MirrorSite] | None = None,
                 slow_delay_s: float = 2.0) -> None:
        if sites is None:
            from yibao.mirror.content import default_sites

            sites = default_sites()
        self.host = host
        self.port = port
        self.slow_delay_s = slow_delay_s
        self.sites: dict[str, MirrorSite] = {s.id: s for s in sites}
        self.renderers = discover_renderers()
        missing = sorted({s.family for s in sites} - set(self.renderers))
        if missing:
            raise ValueError(f"no mirror renderer for family/families {missing}")
        self.requests: list[tuple[str, str]] = []
        self._modified: dict[str, float] = {sid: float(int(time.time())) for sid in self.sites}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ............................................................ lifecycle
    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("mirror server is not started")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def start(self) -> "MirrorServer":
        handler = type("MirrorHandler", (_Handler,), {"mirror": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="yibao-mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "MirrorServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block until interrupted (used by `yibao mirror serve`)."""
        if self._httpd is None:
            self.start()
        try:
            while self._thread and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # ................................................................ admin
    def publish(self, doc: MirrorDocument) -> None:
        """Add a document, or replace the one with the same site and doc_id."""
        site = self.sites.get(doc.site)
        if site is None:
            raise KeyError(f"no mirror site {doc.site!r}; known: {sorted(self.sites)}")
        with self._lock:
            site.documents = [d for d in site.documents if d.doc_id != doc.doc_id] + [doc]
            if doc.column not in site.columns:
                site.columns.append(doc.column)
            self._touch(site.id)

    # ....................................................... scenario modes
    def _doc(self, site_id: str, doc_id: str) -> MirrorDocument:
        site = self.sites.get(site_id)
        if site is None:
            raise KeyError(f"no mirror site {site_id!r}; known: {', '.join(sorted(self.sites))}")
        doc = site.find_document(str(doc_id))
        if doc is None:
            raise KeyError(f"no document {doc_id!r} on mirror site {site_id!r}")
        return doc

    def revise_in_place(self, site_id: str, doc_id: str, old: str, new: str) -> None:
        """Change one passage of a published article, as bureaus do: same URL, same list row
        (list pages stay byte-identical), a new Maketime."""
        with self._lock:
            doc = self._doc(site_id, doc_id)
            if old not in doc.body:
                raise ValueError(f"{old!r} is not in the body of {site_id}/{doc_id}")
            doc.body = doc.body.replace(old, new)
            doc.extra["maketime"] = time.strftime("%Y-%m-%d %H:%M:%S")
            doc.extra["revisions"] = int(doc.extra.get("revisions", 0)) + 1
            self._touch(site_id)

    def revise_attachment(self, site_id: str, doc_id: str, data: bytes, index: int = 0) -> None:
        """New bytes behind the same attachment link and name."""
        with self._lock:
            doc = self._doc(site_id, doc_id)
            # a new object: attachments are shared between sites built in one process (cached)
            doc.attachments[index] = dataclasses.replace(doc.attachments[index], data=data)
            self._touch(site_id)

    def withdraw(self, site_id: str, doc_id: str) -> None:
        """The article's page answers 404 from now on; its list row stays (cached list pages)."""
        with self._lock:
            self._doc(site_id, doc_id).extra["gone"] = True
            self._touch(site_id)

    def set_failure(self, site_id: str, mode: str | None) -> None:
        if mode not in FAILURE_MODES:
            raise ValueError(f"unknown failure mode {mode!r}; expected one of {FAILURE_MODES}")
        if site_id not in self.sites:
            raise KeyError(f"no mirror site {site_id!r}; known: {sorted(self.sites)}")
        with self._lock:
            self.sites[site_id].failure = mode
            self._touch(site_id)

    def _touch(self, site_id: str) -> None:
        self._modified[site_id] = max(self._modified[site_id] + 1, float(int(time.time())))

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # .............................................................. routing
    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Response:
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith("/__mirror__/"):
            return self._admin(method, path, body)
        with self._lock:
            self.requests.append((method, raw_path))
        if path == "/robots.txt":
            return self._robots_root()
        segs = path.split("/", 2)
        site = self.sites.get(segs[1]) if len(segs) > 1 else None
        if site is None:
            return html_response("<html><body><h1>404 Not Found</h1></body></html>", 404)
        sub = "/" + (segs[2] if len(segs) > 2 else "")
        if sub == "/robots.txt":
            return Response(200, site.robots_txt.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})
        failure = self._failure_response(site)
        if failure is not None:
            return failure
        form = {}
        if method == "POST" and body:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        req = Request(method=method, path=sub, query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                      form=form, headers=headers)
        with self._lock:
            resp = self.renderers[site.family].handle(site, req)
        if resp is None:
            return html_response("<html><body><h1>404 Not Found</h1><p>页面不存在</p></body></html>", 404)
        if method == "GET" and resp.status == 200:  # pages, API answers and attachments alike
            return self._conditional(site, resp, headers)
        return resp

    def _failure_response(self, site: MirrorSite) -> Response | None:
        mode = site.failure
        if mode == "challenge_412":
            return html_response(RUISHU_BODY, 412, headers={"Set-Cookie": "FSSBBIl1UgzbN7N80O=abc; path=/"})
        if mode == "ruishu":
            return html_response(RUISHU_BODY, 200, headers={"Set-Cookie": "FSSBBIl1UgzbN7N80O=abc; path=/"})
        if mode == "503":
            return html_response("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", 503,
                                 headers={"Retry-After": "120"})
        if mode == "slow":
            time.sleep(float(site.extra.get("slow_s", self.slow_delay_s)))
        return None

    def _conditional(self, site: MirrorSite, resp: Response, headers: dict[str, str]) -> Response:
        etag = '"' + hashlib.sha1(resp.body).hexdigest()[:20] + '"'
        modified = self._modified[site.id]
        resp.headers.setdefault("ETag", etag)
        resp.headers.setdefault("Last-Modified", _http_date(modified))
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm is not None:
            if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                return Response(304, b"", {"ETag": etag, "Last-Modified": resp.headers["Last-Modified"]})
        elif ims:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                since = None
            if since is not None and modified <= since:
                return Response(304, b"", {"ETag": etag, "Last-Modified": resp.headers["Last-Modified"]})
        return resp

    def _robots_root(self) -> Response:
        lines = ["User-agent: *"]
        for site in self.sites.values():
            for line in site.robots_txt.splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() in ("disallow", "allow") and value.strip():
                    lines.append(f"{key.strip()}: /{site.id}{value.strip()}")
        return Response(200, ("\n".join(lines) + "\n").encode(), {"Content-Type": "text/plain; charset=utf-8"})

    def _admin(self, method: str, path: str, body: bytes) -> Response:
        try:
            if path == "/__mirror__/sites":
                data = [{"id": s.id, "family": s.family, "columns": s.columns, "documents": len(s.documents),
                         "failure": s.failure} for s in self.sites.values()]
                return _json(200, data)
            if method != "POST":
                return _json(405, {"error": "use POST"})
            payload = json.loads(body.decode("utf-8") or "{}")
            if path == "/__mirror__/publish":
                doc = MirrorDocument.from_dict(payload)
                self.publish(doc)
                return _json(200, {"published": doc.doc_id, "site": doc.site})
            if path == "/__mirror__/failure":
                self.set_failure(payload.get("site", ""), payload.get("mode"))
                return _json(200, {"site": payload.get("site"), "mode": payload.get("mode")})
            if path == "/__mirror__/revise":
                self.revise_in_place(payload.get("site", ""), str(payload.get("doc_id", "")),
                                     payload.get("old") or "", payload.get("new") or "")
                return _json(200, {"revised": payload.get("doc_id")})
            if path == "/__mirror__/withdraw":
                self.withdraw(payload.get("site", ""), str(payload.get("doc_id", "")))
                return _json(200, {"withdrawn": payload.get("doc_id")})
            return _json(404, {"error": f"no admin endpoint {path}"})
        except (ValueError, KeyError) as exc:
            return _json(400, {"error": str(exc.args[0]) if exc.args else str(exc)})   # KeyError: no repr quotes


def _json(status: int, data: Any) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                    {"Content-Type": "application/json; charset=utf-8"})


class _Handler(BaseHTTPRequestHandler):
    mirror: MirrorServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            resp = self.mirror.handle(self.command, self.path, headers, body)
        except Exception as exc:  # a renderer bug must show as a 500, not kill the server
            resp = html_response(f"<html><body><h1>500</h1><pre>{type(exc).__name__}: {exc}</pre></body></html>", 500)
        try:
            self.send_response(resp.status)
            for key, value in resp.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if self.command != "HEAD" and resp.status != 304:
                self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout on the "slow" failure mode)

    do_GET = do_POST = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass
