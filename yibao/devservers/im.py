"""A local HTTP server that answers exactly like the three IM robot webhooks.

Routes (same paths as the real hosts):
  * WeCom    ``POST /cgi-bin/webhook/send?key=K``
  * DingTalk ``POST /robot/send?access_token=T[&timestamp=MS&sign=S]``
  * Feishu   ``POST /open-apis/bot/v2/hook/<token>`` (``timestamp``/``sign`` in the body)

Checks done as the platforms document them, answering HTTP 200 with the platform's
error JSON: unknown key/token, signature (DingTalk: ms timestamp within 1 h,
sign = quote_plus(b64(HMAC(secret, f"{ts}\\n{secret}"))); Feishu: key f"{ts}\\n{secret}",
empty message, second timestamp), keyword, message schema, byte limits (WeCom
markdown 4096, text 2048; Feishu body 20 KB), and rate (``per_minute`` per robot in a
sliding window; DingTalk then throttles the robot for ``throttle_s``).
Fault injection: ``fail_next(key, n, http_status=500)``.
Every request lands in ``received`` (thread-safe).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

WECOM_RATE = {"errcode": 45009, "errmsg": "api freq out of limit, hint: [local], from ip: 127.0.0.1, "
              "more info at https://open.work.weixin.qq.com/devtool/query?e=45009"}
WECOM_BAD_KEY = {"errcode": 93000, "errmsg": "invalid webhook url, hint: [local]"}
DING_RATE = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
DING_SIGN = {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}
DING_KEYWORD = {"errcode": 310000, "errmsg": "keywords not in content, more: [local]"}
DING_TOKEN = {"errcode": 300001, "errmsg": "token is not exist"}
FEISHU_RATE = {"code": 11232, "data": {}, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]appID[1500]"}
FEISHU_SIGN = {"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour from current time"}
FEISHU_KEYWORD = {"code": 19024, "data": {}, "msg": "Key Words Not Found"}
FEISHU_TOKEN = {"code": 19001, "data": {}, "msg": "param invalid: incoming webhook access token invalid"}
FEISHU_BAD_REQUEST = {"code": 9499, "data": {}, "msg": "Bad Request"}
FEISHU_PARAMS = {"code": 19002, "data": {}, "msg": "params error, msg_type need"}
OK = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"},
      "feishu": {"code": 0, "data": {}, "msg": "success"}}

PLATFORMS = ("wecom", "dingtalk", "feishu")


@dataclass
class Robot:
    platform: str
    key: str
    secret: str | None
    keyword: str | None
    per_minute: int
    sent: deque = field(default_factory=deque)     # times of accepted messages
    throttled_until: float = 0.0
    fail_budget: int = 0
    fail_status: int = 500


@dataclass(frozen=True)
class ReceivedRequest:
    platform: str
    key: str
    body: dict | None
    http_status: int
    response: dict | None
    at: float

    @property
    def accepted(self) -> bool:
        return self.http_status == 200 and bool(self.response) and \
            (self.response.get("errcode", self.response.get("code")) == 0)


class ImServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        window_s: float = 60.0,
        throttle_s: float = 600.0,
        clock: Callable[[], float] = time.time,
        max_skew_s: float = 3600.0,
    ) -> None:
        self.host = host
        self.window_s = window_s
        self.throttle_s = throttle_s
        self.clock = clock
        self.max_skew_s = max_skew_s
        self._lock = threading.Lock()
        self._robots: dict[tuple[str, str], Robot] = {}
        self._received: list[ReceivedRequest] = []
        self._httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "ImServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="yibao-im-devserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> "ImServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- configuration -----------------------------------------------------
    def add_robot(self, platform: str, key: str, secret: str | None = None, keyword: str | None = None,
                  per_minute: int = 20) -> str:
        """Register a robot; returns its webhook URL."""
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {PLATFORMS}, not {platform!r}")
        with self._lock:
            self._robots[(platform, key)] = Robot(platform, key, secret, keyword, per_minute)
        return self.url_for(platform, key)

    def url_for(self, platform: str, key: str) -> str:
        if platform == "wecom":
            return f"{self.base_url}/cgi-bin/webhook/send?key={key}"
        if platform == "dingtalk":
            return f"{self.base_url}/robot/send?access_token={key}"
        if platform == "feishu":
            return f"{self.base_url}/open-apis/bot/v2/hook/{key}"
        raise ValueError(f"platform must be one of {PLATFORMS}, not {platform!r}")

    def fail_next(self, key: str, n: int, http_status: int = 500) -> None:
        """The next ``n`` requests to robot ``key`` get a bare HTTP ``http_status``."""
        with self._lock:
            for (_, k), robot in self._robots.items():
                if k == key:
                    robot.fail_budget, robot.fail_status = n, http_status

    def reset(self) -> None:
        """Forget the log, rate windows and throttles (robots stay registered)."""
        with self._lock:
            self._received.clear()
            for robot in self._robots.values():
                robot.sent.clear()
                robot.throttled_until = 0.0
                robot.fail_budget = 0

    @property
    def received(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    def accepted(self, key: str | None = None) -> list[ReceivedRequest]:
        return [r for r in self.received if r.accepted and (key is None or r.key == key)]

    # ---- request handling (called from handler threads) ---------------------
    def handle(self, path: str, raw: bytes) -> tuple[int, dict | None, str, str]:
        """Returns (http_status, json reply or None, platform, key)."""
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/cgi-bin/webhook/send":
            platform, key = "wecom", query.get("key", "")
        elif url.path == "/robot/send":
            platform, key = "dingtalk", query.get("access_token", "")
        elif url.path.startswith("/open-apis/bot/v2/hook/"):
            platform, key = "feishu", url.path.rsplit("/", 1)[1]
        else:
            return 404, None, "", ""
        with self._lock:
            robot = self._robots.get((platform, key))
            if robot is not None and robot.fail_budget > 0:
                robot.fail_budget -= 1
                return robot.fail_status, None, platform, key
            checker = {"wecom": self._wecom, "dingtalk": self._dingtalk, "feishu": self._feishu}[platform]
            body = _parse(raw)
            reply = checker(robot, body, query, len(raw))
            return 200, reply, platform, key

    def log(self, entry: ReceivedRequest) -> None:
        with self._lock:
            self._received.append(entry)

    def _rate_ok(self, robot: Robot) -> bool:
        now = self.clock()
        while robot.sent and robot.sent[0] <= now - self.window_s:
            robot.sent.popleft()
        if len(robot.sent) >= robot.per_minute:
            return False
        robot.sent.append(now)
        return True

    def _wecom(self, robot: Robot | None, body: Any, query: dict, size: int) -> dict:
        if robot is None:
            return WECOM_BAD_KEY
        if not isinstance(body, dict):
            return {"errcode": 40035, "errmsg": "invalid json, hint: [local]"}
        msgtype = body.get("msgtype")
        limits = {"text": 2048, "markdown": 4096, "markdown_v2": 4096}
        if msgtype not in limits:
            return {"errcode": 40008, "errmsg": "invalid message type, hint: [local]"}
        content = (body.get(msgtype) or {}).get("content")
        if not isinstance(content, str) or not content:
            return {"errcode": 44004, "errmsg": "empty content, hint: [local]"}
        if len(content.encode("utf-8")) > limits[msgtype]:
            return {"errcode": 40058, "errmsg": f"{msgtype}.content exceed max length {limits[msgtype]}. "
                                                f"invalid Request Parameter, hint: [local]"}
        if not self._rate_ok(robot):
            return WECOM_RATE
        return OK["wecom"]

    def _dingtalk(self, robot: Robot | None, body: Any, query: dict, size: int) -> dict:
        if robot is None:
            return DING_TOKEN
        now = self.clock()
        if robot.secret:
            ts, sign = query.get("timestamp", ""), query.get("sign", "")
            if not ts.isdigit() or abs(now * 1000 - int(ts)) > self.max_skew_s * 1000:
                return {"errcode": 310000, "errmsg": "timestamp is not within one hour, more: [local]"}
            mac = hmac.new(robot.secret.encode(), f"{ts}\n{robot.secret}".encode(), hashlib.sha256).digest()
            # parse_qs already undid the quote_plus once, as the real server does
            if not hmac.compare_digest(sign, base64.b64encode(mac).decode()):
                return DING_SIGN
        if not isinstance(body, dict):
            return {"errcode": 40035, "errmsg": "缺少参数 json"}
        msgtype = body.get("msgtype")
        spec = {"text": ("content",), "markdown": ("title", "text"), "actionCard": ("title", "text"),
                "link": ("title", "text", "messageUrl")}
        if msgtype not in spec:
            return {"errcode": 40035, "errmsg": f"缺少参数 msgtype: {msgtype!r}"}
        part = body.get(msgtype) or {}
        for name in spec[msgtype]:
            if not isinstance(part.get(name), str) or not part.get(name):
                return {"errcode": 40035, "errmsg": f"缺少参数 {msgtype}.{name}"}
        if msgtype == "actionCard" and not (part.get("singleURL") or part.get("btns")):
            return {"errcode": 40035, "errmsg": "缺少参数 actionCard.singleURL"}
        if robot.keyword and robot.keyword not in json.dumps(part, ensure_ascii=False):
            return DING_KEYWORD
        if now < robot.throttled_until:
            return DING_RATE
        if not self._rate_ok(robot):
            robot.throttled_until = now + self.throttle_s
            return DING_RATE
        return OK["dingtalk"]

    def _feishu(self, robot: Robot | None, body: Any, query: dict, size: int) -> dict:
        if robot is None:
            return FEISHU_TOKEN
        if not isinstance(body, dict) or size > 20 * 1024:
            return FEISHU_BAD_REQUEST
        if robot.secret:
            ts, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
            if not ts.isdigit() or abs(self.clock() - int(ts)) > self.max_skew_s:
                return FEISHU_SIGN
            mac = hmac.new(f"{ts}\n{robot.secret}".encode(), b"", hashlib.sha256).digest()
            if not hmac.compare_digest(sign, base64.b64encode(mac).decode()):
                return FEISHU_SIGN
        msg_type = body.get("msg_type")
        if not msg_type:
            return FEISHU_PARAMS
        if msg_type == "interactive":
            content = body.get("card")
            if not isinstance(content, dict) or not (content.get("elements") or content.get("body")):
                return {"code": 19002, "data": {}, "msg": "params error, card need"}
        elif msg_type in ("text", "post", "share_chat", "image"):
            content = body.get("content")
            if not isinstance(content, dict) or not content:
                return {"code": 19002, "data": {}, "msg": "params error, content need"}
        else:
            return {"code": 19002, "data": {}, "msg": f"params error, unknown msg_type {msg_type}"}
        if robot.keyword and robot.keyword not in json.dumps(content, ensure_ascii=False):
            return FEISHU_KEYWORD
        if not self._rate_ok(robot):
            return FEISHU_RATE
        return OK["feishu"]


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _make_handler(server: ImServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            status, reply, platform, key = server.handle(self.path, raw)
            server.log(ReceivedRequest(platform, key, _parse(raw), status, reply, server.clock()))
            if reply is None:
                payload = f"HTTP {status}".encode()
                ctype = "text/plain"
            else:
                payload = json.dumps(reply, ensure_ascii=False).encode("utf-8")
                ctype = "application/json; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler
