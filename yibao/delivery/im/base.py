"""Shared types for IM robot delivery (WeCom, DingTalk, Feishu).

Every platform answers HTTP 200 even on failure; the platform modules read the JSON
code and turn it into an :class:`Outcome`. The webhook key/token *is* the credential:
``ImTarget`` never shows it in ``repr`` and ``redacted_url`` hides it for logs.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import urlsplit

Platform = Literal["wecom", "dingtalk", "feishu"]
PLATFORMS: tuple[str, ...] = ("wecom", "dingtalk", "feishu")
CONTINUED = "（续）"


class ImConfigError(ValueError):
    """An IM target is misconfigured (platform, URL, connection fields)."""


@dataclass(frozen=True)
class ImTarget:
    platform: Platform
    webhook_url: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)   # DingTalk 加签 / Feishu 签名校验
    keyword: str | None = None                              # 自定义关键词, if the robot has one

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ImConfigError(f"IM platform must be one of {PLATFORMS}, not {self.platform!r}")
        parts = urlsplit(self.webhook_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImConfigError(f"{self.platform} webhook URL is not http(s): {self.redacted_url}")

    @property
    def limiter_key(self) -> str:
        """Identity of the robot for rate limiting, without revealing its key."""
        return f"{self.platform}:{hashlib.sha256(self.webhook_url.encode()).hexdigest()[:16]}"

    @property
    def redacted_url(self) -> str:
        url = re.sub(r"(key|access_token)=[^&]+", r"\1=***", self.webhook_url)
        return re.sub(r"(/hook/)[^/?]+", r"\1***", url)

    def __repr__(self) -> str:
        return f"ImTarget(platform={self.platform!r}, webhook_url={self.redacted_url!r}, " \
               f"signed={self.secret is not None}, keyword={self.keyword!r})"

    @classmethod
    def from_airflow_connection(cls, conn_id: str) -> "ImTarget":
        """host = webhook URL (or its base), password = key/token if not in the URL,
        extra JSON: ``platform`` (required), ``secret``, ``keyword``."""
        try:
            from airflow.sdk import BaseHook
        except ImportError:
            try:
                from airflow.hooks.base import BaseHook  # type: ignore[no-redef]
            except ImportError:
                raise ImConfigError("Airflow is not installed; build ImTarget directly") from None
        conn = BaseHook.get_connection(conn_id)
        extra = conn.extra_dejson or {}
        platform = extra.get("platform") or conn.conn_type
        if platform not in PLATFORMS:
            raise ImConfigError(f"connection {conn_id!r}: extra.platform must be one of {PLATFORMS}")
        url = conn.host or ""
        if not url.startswith(("http://", "https://")):
            url = f"https://{url}"
        if conn.password:
            url = with_token(platform, url, conn.password)
        return cls(platform, url, secret=extra.get("secret") or None, keyword=extra.get("keyword") or None)


def with_token(platform: str, base_url: str, token: str) -> str:
    """Append the robot key/token to a webhook base URL the way each platform wants it."""
    if platform == "feishu":
        return f"{base_url.rstrip('/')}/{token}"
    param = "key" if platform == "wecom" else "access_token"
    return f"{base_url}{'&' if '?' in base_url else '?'}{param}={token}"


@dataclass(frozen=True)
class ImMessage:
    delivery_id: str
    title: str
    markdown: str
    url: str | None = None


@dataclass(frozen=True)
class PartResult:
    index: int                # 0-based part number
    ok: bool
    code: int | None
    error: str | None
    bytes: int                # size of the part's text (UTF-8)


@dataclass
class ImResult:
    delivery_id: str
    ok: bool
    permanent: bool
    retry_after_s: float | None
    code: int | None
    error: str | None
    provider_response: dict
    parts: list[PartResult] = field(default_factory=list)
    parts_total: int = 1

    @property
    def parts_sent(self) -> int:
        """Parts accepted in order; pass as ``start_part`` to resume without duplicates."""
        n = 0
        for p in self.parts:
            if not p.ok:
                break
            n += 1
        return n


Kind = Literal["ok", "rate", "too_long", "permanent", "retry"]


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    code: int | None
    error: str | None
    retry_after_s: float | None = None


class PlatformAdapter(Protocol):
    name: str
    chunk_bytes: int           # normal text budget per message part

    def chunks(self, target: ImTarget, message: ImMessage, limit: int) -> list[str]: ...
    def payload(self, target: ImTarget, message: ImMessage, chunk: str, index: int, total: int) -> dict: ...
    def signed(self, target: ImTarget, payload: dict, now_s: float) -> tuple[str, dict]: ...
    def classify(self, http_status: int, body: dict | None) -> Outcome: ...


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_by_bytes(text: str, limit: int) -> list[str]:
    """Split on line boundaries so every piece is at most ``limit`` UTF-8 bytes.
    A single line longer than the limit is cut between characters."""
    if limit < 16:
        raise ValueError(f"split limit too small: {limit} bytes")
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for segment in _cut_line(line, limit):
            extra = utf8_len(segment) + (1 if current else 0)
            if current and size + extra > limit:
                pieces.append("\n".join(current))
                current, size = [], 0
                extra = utf8_len(segment)
            current.append(segment)
            size += extra
    if current:
        pieces.append("\n".join(current))
    return [p for p in pieces if p.strip()] or [""]


def _cut_line(line: str, limit: int) -> list[str]:
    if utf8_len(line) <= limit:
        return [line]
    out, buf, size = [], [], 0
    for ch in line:
        n = utf8_len(ch)
        if size + n > limit:
            out.append("".join(buf))
            buf, size = [], 0
        buf.append(ch)
        size += n
    if buf:
        out.append("".join(buf))
    return out


RESEND_MARK = "（补发）"


def body_without_title(message: ImMessage) -> str:
    """The markdown without a line that only repeats the title the platform shows anyway
    (a heading or a bold line among the first two; composed messages open with one)."""
    lines = message.markdown.strip().split("\n")
    titles = {message.title.strip(), message.title.replace(RESEND_MARK, "").strip()}
    for i, line in enumerate(lines[:2]):
        if line.strip().lstrip("#").strip().strip("*").strip() in titles:
            return "\n".join(lines[:i] + lines[i + 1:]).strip()
    return message.markdown.strip()


def with_keyword(text: str, keyword: str | None) -> str:
    """Robots with 自定义关键词 drop messages that lack it: prepend when missing."""
    if keyword and keyword not in text:
        return f"【{keyword}】{text}"
    return text


def classify_reply(
    http_status: int,
    body: dict | None,
    *,
    code: int | None,
    rate_codes: dict[int, float],
    permanent_codes: set[int],
    too_long_codes: set[int] = frozenset(),   # type: ignore[assignment]
    retry_codes: set[int] = frozenset(),      # type: ignore[assignment]
    message: str | None = None,
) -> Outcome:
    """The common decision table; each platform passes its own codes."""
    if http_status == 429:
        return Outcome("rate", code, f"HTTP 429 {message or ''}".strip(), max(rate_codes.values(), default=60.0))
    if http_status >= 500:
        return Outcome("retry", code, f"HTTP {http_status} from the webhook")
    if http_status != 200:
        return Outcome("permanent", code, f"HTTP {http_status} from the webhook (wrong URL?)")
    if body is None or code is None:
        return Outcome("retry", None, "webhook answered 200 without a JSON error code")
    if code == 0:
        return Outcome("ok", 0, None)
    text = f"{code} {message or ''}".strip()
    if code in rate_codes:
        return Outcome("rate", code, f"rate limited: {text}", rate_codes[code])
    if code in too_long_codes:
        return Outcome("too_long", code, f"message too long: {text}")
    if code in retry_codes:
        return Outcome("retry", code, f"temporary error: {text}")
    if code in permanent_codes:
        return Outcome("permanent", code, f"rejected (check robot key/secret/keyword): {text}")
    return Outcome("permanent", code, f"unknown error code: {text}")
