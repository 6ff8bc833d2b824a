"""The one shared HTTP client. All politeness lives here, never in parsers.

- identifying User-Agent (env YIBAO_USER_AGENT), explicit timeouts
- per-host rate limit (min delay between requests to the same host)
- retries with exponential backoff on connection errors, timeouts, 500/502/504
- robots.txt honoured (cached per origin)
- allowed-hosts check on every request and every redirect hop (HostNotAllowed)
- challenge detection (412, JS-cookie pages, 403/429/503/521, near-empty shells)
  -> ChallengeError, plus a per-host cool-down so we never hammer a blocked site
- conditional GET (If-None-Match / If-Modified-Since) -> FetchResult.not_modified
- decoding from bytes: header charset, <meta> charset, UTF-8, GB18030
"""
from __future__ import annotations

import email.utils
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

import requests

from scrapers.errors import (
    ChallengeError, FetchError, HostNotAllowed, ResponseTooLarge, RobotsDisallowed,
)
from scrapers.robots import RobotsCache, robots_url

DEFAULT_USER_AGENT = "yibao/0.1 (+policy-training bot; contact: set YIBAO_CONTACT)"
RETRY_STATUSES = {500, 502, 504}
CHALLENGE_STATUSES = {412: "412", 403: "403", 429: "429", 503: "503", 521: "521"}
NEAR_EMPTY_CHARS = 200
MAX_REDIRECTS = 5


def default_user_agent() -> str:
    ua = os.environ.get("YIBAO_USER_AGENT") or DEFAULT_USER_AGENT
    contact = os.environ.get("YIBAO_CONTACT")
    if contact and "set YIBAO_CONTACT" in ua:
        ua = ua.replace("set YIBAO_CONTACT", contact)
    return ua


# ------------------------------------------------------------------ decoding

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_UNTRUSTED = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_GB_ALIASES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "cp936"}


def _norm_charset(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("'\"").lower()
    if name in _UNTRUSTED:
        return None  # servers default to latin-1 when they know nothing
    return "gb18030" if name in _GB_ALIASES else name


def header_charset(content_type: str | None) -> str | None:
    m = re.search(r"charset\s*=\s*([^\s;]+)", content_type or "", re.I)
    return _norm_charset(m.group(1)) if m else None


def decode_body(content: bytes, content_type: str | None = None) -> str:
    """Bytes -> text: header charset, then <meta> charset, then UTF-8 strict, then GB18030."""
    candidates = [header_charset(content_type)]
    m = _META_CHARSET_RE.search(content[:4096])
    candidates.append(_norm_charset(m.group(1).decode("ascii", "ignore")) if m else None)
    candidates += ["utf-8", "gb18030"]
    for cs in candidates:
        if not cs:
            continue
        try:
            text = content.decode(cs)
        except (LookupError, UnicodeDecodeError):
            continue
        return text[1:] if text.startswith("\ufeff") else text
    return content.decode("utf-8", errors="replace")


# ------------------------------------------------------- challenge detection

_SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_STYLE_RE = re.compile(r"<(style|noscript)\b[^>]*>.*?</\1>", re.S | re.I)
_TAG_RE = re.compile(r"<[^>]+>")
_JS_CHALLENGE_MARKERS = ("$_ts", "__jsl_clearance", "acw_sc__v2", "_$$", "__jsluid")


def visible_text_length(html: str) -> int:
    """Visible characters of a page; embedded datastore XML counts as visible."""
    def keep_xml(m: re.Match) -> str:
        return m.group(1) if "<datastore" in m.group(1) or "<record" in m.group(1) else " "

    text = _SCRIPT_RE.sub(keep_xml, html)
    text = _STYLE_RE.sub(" ", text)
    text = re.sub(r"<!--(?!\s*<\$).*?-->", " ", text, flags=re.S)
    text = _TAG_RE.sub(" ", text)
    text = re.sub(r"&[a-zA-Z#0-9]+;", " ", text)
    return len(re.sub(r"\s+", "", text))


def classify_challenge(status: int, html: str | None, *, expect_page: bool) -> str | None:
    """The challenge kind of a response, or None when it looks like content."""
    if status in CHALLENGE_STATUSES:
        if status == 412 or (html and any(m in html for m in _JS_CHALLENGE_MARKERS)):
            return "412" if status == 412 else "ruishu_js"
        return CHALLENGE_STATUSES[status]
    if html is None:
        return None
    head = html[:20000]
    if any(m in head for m in _JS_CHALLENGE_MARKERS):
        return "ruishu_js"
    scripts = _SCRIPT_RE.findall(head)
    if scripts and "document.cookie" in "".join(scripts) and visible_text_length(html) < NEAR_EMPTY_CHARS:
        return "ruishu_js"
    if status == 202 and scripts:
        return "ruishu_js"
    if expect_page and visible_text_length(html) < NEAR_EMPTY_CHARS:
        return "near_empty"
    return None


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# ------------------------------------------------------------------- fetcher

@dataclass
class FetchResult:
    status: int
    url: str  # final URL after redirects
    headers: dict[str, str]
    content: bytes
    not_modified: bool = False
    elapsed: float = 0.0
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = decode_body(self.content, self.headers.get("Content-Type"))
        return self._text

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def _source_id(source: Any) -> str:
    return getattr(source, "id", None) or "adhoc"


class Fetcher:
    """Polite HTTP client shared by every crawl of a process.

    ``min_delay_s`` / ``timeout_s`` / ``retries`` default to the source's poll
    settings when given a source; explicit values here override them.
    """

    def __init__(self, user_agent: str | None = None, min_delay_s: float | None = None,
                 timeout_s: float | None = None, retries: int | None = None, respect_robots: bool = True,
                 backoff_s: float = 1.0, challenge_cooldown_s: float = 900.0, max_retry_after_s: float = 3600.0,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.user_agent = user_agent or default_user_agent()
        self.min_delay_s = min_delay_s
        self.timeout_s = timeout_s
        self.retries = retries
        self.respect_robots = respect_robots
        self.backoff_s = backoff_s
        self.challenge_cooldown_s = challenge_cooldown_s
        self.max_retry_after_s = max_retry_after_s
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": self.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"})
        self._sleep = sleep
        self._robots = RobotsCache()
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_request: dict[str, float] = {}
        self._cooldown_until: dict[str, tuple[float, str]] = {}
        self.requests_made = 0
        self.requests_log: list[tuple[str, str, int]] = []  # (method, url, status)

    # ..................................................... settings per source
    def _delay(self, source: Any) -> float:
        if self.min_delay_s is not None:
            return self.min_delay_s
        return float(getattr(getattr(source, "poll", None), "min_delay_s", 1.5))

    def _timeout(self, source: Any) -> float:
        if self.timeout_s is not None:
            return self.timeout_s
        return float(getattr(getattr(source, "poll", None), "timeout_s", 20.0))

    def _retries(self, source: Any) -> int:
        if self.retries is not None:
            return self.retries
        return int(getattr(getattr(source, "poll", None), "retries", 2))

    # ................................................................ checks
    def check_host(self, url: str, source: Any) -> None:
        if source is None:
            return
        host = (urlsplit(url).hostname or "").lower()
        allowed = [h.lower() for h in getattr(source, "allowed_hosts", [])]
        if host not in allowed:
            raise HostNotAllowed(_source_id(source), url)

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str, delay: float) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                self._sleep(wait)

    def _check_cooldown(self, url: str, source: Any) -> None:
        host = urlsplit(url).netloc
        until = self._cooldown_until.get(host)
        if until and time.monotonic() < until[0]:
            raise ChallengeError(_source_id(source), url, until[1], retry_after=until[0] - time.monotonic())

    def _start_cooldown(self, url: str, kind: str, retry_after: float | None) -> None:
        seconds = min(max(retry_after or 0.0, self.challenge_cooldown_s), self.max_retry_after_s)
        if seconds > 0:
            self._cooldown_until[urlsplit(url).netloc] = (time.monotonic() + seconds, kind)

    def _robots_allows(self, url: str, source: Any) -> bool:
        entry = self._robots.get(url)
        if entry is None:
            rurl = robots_url(url)
            try:
                resp = self._send("GET", rurl, source=source, headers={}, data=None, params=None, max_bytes=512 * 1024)
                text = decode_body(resp.content, resp.headers.get("Content-Type")) if resp.status_code == 200 else None
            except FetchError:
                text = None  # unreachable robots.txt: treat as absent, the page fetch will tell
            entry = self._robots.put(url, text)
        return RobotsCache.allowed(entry, self.user_agent, url)

    # ............................................................... sending
    def _send(self, method: str, url: str, *, source: Any, headers: dict, data: dict | None,
              params: dict | None, max_bytes: int | None) -> requests.Response:
        """One request with retries and rate limit; follows redirects on allowed hosts."""
        host = urlsplit(url).netloc
        retries = self._retries(source)
        attempt = 0
        while True:
            with self._host_lock(host):
                self._wait_turn(host, self._delay(source))
                try:
                    resp = self.session.request(method, url, headers=headers, data=data, params=params,
                                                timeout=self._timeout(source), allow_redirects=False, stream=True)
                    self._read_body(resp, source, url, max_bytes)
                    error = None
                except (requests.ConnectionError, requests.Timeout) as exc:
                    resp, error = None, exc
                finally:
                    self._last_request[host] = time.monotonic()
                    self.requests_made += 1
            self.requests_log.append((method, url, resp.status_code if resp is not None else 0))
            retryable = error is not None or resp.status_code in RETRY_STATUSES
            if not retryable:
                return resp
            if attempt >= retries:
                detail = f"{type(error).__name__}: {error}" if error else f"HTTP {resp.status_code}"
                raise FetchError(_source_id(source), url, f"{detail} after {attempt + 1} attempt(s)",
                                 status=None if resp is None else resp.status_code)
            self._sleep(self.backoff_s * (2 ** attempt) * (1 + random.random() * 0.25))
            attempt += 1

    @staticmethod
    def _read_body(resp: requests.Response, source: Any, url: str, max_bytes: int | None) -> None:
        if max_bytes is not None:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                resp.close()
                raise ResponseTooLarge(_source_id(source), url, max_bytes)
        chunks, size = [], 0
        for chunk in resp.iter_content(65536):
            chunks.append(chunk)
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                resp.close()
                raise ResponseTooLarge(_source_id(source), url, max_bytes)
        resp._content = b"".join(chunks)  # make resp.content available after streaming

    def request(self, method: str, url: str, *, source: Any = None, headers: dict | None = None,
                data: dict | None = None, params: dict | None = None, kind: str = "page",
                max_bytes: int | None = None) -> FetchResult:
        """Fetch with every politeness rule applied.

        kind: "page" (HTML list/article: near-empty bodies count as challenges),
        "api" (paging/API answers) or "attachment" (binary, no text checks).
        """
        site = _source_id(source)
        self.check_host(url, source)
        self._check_cooldown(url, source)
        if self.respect_robots and not self._robots_allows(url, source):
            raise RobotsDisallowed(site, url)
        started = time.monotonic()
        current, hops = url, 0
        while True:
            resp = self._send(method, current, source=source, headers=headers or {}, data=data,
                              params=params, max_bytes=max_bytes)
            if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise FetchError(site, url, f"more than {MAX_REDIRECTS} redirects")
                current = urljoin(current, resp.headers["Location"])
                self.check_host(current, source)
                if resp.status_code == 303:
                    method, data = "GET", None
                params = None
                continue
            break
        result = FetchResult(status=resp.status_code, url=current, headers=dict(resp.headers),
                             content=resp.content or b"", elapsed=time.monotonic() - started)
        if resp.status_code == 304:
            result.not_modified = True
            return result
        is_html = kind != "attachment" and ("html" in result.content_type or "xml" in result.content_type
                                            or not result.content_type)
        challenge = classify_challenge(resp.status_code, result.text if is_html else None,
                                       expect_page=(kind == "page" and resp.status_code == 200))
        if challenge:
            retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
            self._start_cooldown(current, challenge, retry_after)
            raise ChallengeError(site, current, challenge, retry_after=retry_after)
        if resp.status_code >= 400:
            raise FetchError(site, current, f"HTTP {resp.status_code}", status=resp.status_code)
        return result

    def get(self, url: str, *, source: Any = None, etag: str | None = None, last_modified: str | None = None,
            referer: str | None = None, kind: str = "page", max_bytes: int | None = None,
            params: dict | None = None) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if referer:
            headers["Referer"] = referer
        return self.request("GET", url, source=source, headers=headers, params=params, kind=kind, max_bytes=max_bytes)

    def post(self, url: str, data: dict, *, source: Any = None, params: dict | None = None,
             referer: str | None = None, kind: str = "api") -> FetchResult:
        headers = {"Referer": referer} if referer else {}
        return self.request("POST", url, source=source, headers=headers, data=data, params=params, kind=kind)

    def close(self) -> None:
        self.session.close()
