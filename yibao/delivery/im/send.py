"""Send one ImMessage to one robot: pace, sign, post, read the JSON code, report per part.

``send_im`` makes one pass: it stops at the first part that fails and reports how many
parts were accepted (``ImResult.parts_sent``), so a later call with
``start_part=result.parts_sent`` resumes without sending anything twice.
``send_im_with_retry`` does that resume loop itself with back-off.
"""
from __future__ import annotations

import json
import logging
import time
from types import ModuleType
from typing import Callable

import httpx

from yibao.delivery.im import dingtalk, feishu, wecom
from yibao.delivery.im.base import ImMessage, ImResult, ImTarget, PartResult, split_by_bytes, utf8_len
from yibao.delivery.ratelimit import RobotLimiter

log = logging.getLogger(__name__)

ADAPTERS: dict[str, ModuleType] = {"wecom": wecom, "dingtalk": dingtalk, "feishu": feishu}


def send_im(
    target: ImTarget,
    message: ImMessage,
    *,
    limiter: RobotLimiter,
    session: httpx.Client | None = None,
    start_part: int = 0,
    timeout_s: float = 10.0,
    wall_clock: Callable[[], float] = time.time,
) -> ImResult:
    adapter = ADAPTERS[target.platform]
    chunks = adapter.chunks(target, message, adapter.chunk_bytes)
    client = session or httpx.Client(timeout=timeout_s)
    parts: list[PartResult] = [PartResult(i, True, 0, None, utf8_len(c)) for i, c in enumerate(chunks[:start_part])]
    resplit = False
    last_response: dict = {}
    try:
        i = start_part
        while i < len(chunks):
            body = adapter.payload(target, message, chunks[i], i, len(chunks))
            limiter.acquire(target.limiter_key)
            url, body = adapter.signed(target, body, wall_clock())
            try:
                resp = client.post(url, content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                   headers={"Content-Type": "application/json; charset=utf-8"}, timeout=timeout_s)
                status, reply = resp.status_code, _json(resp)
            except httpx.HTTPError as exc:
                error = f"network error posting to {target.redacted_url}: {type(exc).__name__}: {exc}"
                parts.append(PartResult(i, False, None, error, utf8_len(chunks[i])))
                return _result(message, False, False, None, None, error, {}, parts, len(chunks))
            last_response = reply or {}
            outcome = adapter.classify(status, reply)
            if outcome.kind == "ok":
                parts.append(PartResult(i, True, 0, None, utf8_len(chunks[i])))
                i += 1
                continue
            if outcome.kind == "too_long" and not resplit:
                # The server counted more bytes than we did: cut this part in half once.
                resplit = True
                smaller = split_by_bytes(chunks[i], max(64, utf8_len(chunks[i]) // 2))
                chunks[i:i + 1] = smaller
                continue
            parts.append(PartResult(i, False, outcome.code, outcome.error, utf8_len(chunks[i])))
            if outcome.kind == "rate" and outcome.retry_after_s:
                limiter.block(target.limiter_key, outcome.retry_after_s)
            permanent = outcome.kind in ("permanent", "too_long")
            log.warning("%s delivery %s part %d/%d failed: %s", target.platform, message.delivery_id,
                        i + 1, len(chunks), outcome.error)
            return _result(message, False, permanent, outcome.retry_after_s, outcome.code, outcome.error,
                           last_response, parts, len(chunks))
        return _result(message, True, False, None, 0, None, last_response, parts, len(chunks))
    finally:
        if session is None:
            client.close()


def send_im_with_retry(
    target: ImTarget,
    message: ImMessage,
    *,
    limiter: RobotLimiter,
    session: httpx.Client | None = None,
    max_attempts: int = 4,
    backoff_s: float = 2.0,
    max_wait_s: float = 900.0,
    sleep: Callable[[float], None] = time.sleep,
) -> ImResult:
    """Retry retryable failures (rate limits, 5xx, network), resuming after the parts
    already accepted. Waits ``retry_after_s`` when the platform implies one, else
    exponential back-off; gives up (returning the last result) after ``max_attempts``
    or when a wait would exceed ``max_wait_s`` (then the caller reschedules)."""
    start = 0
    result: ImResult | None = None
    for attempt in range(max_attempts):
        result = send_im(target, message, limiter=limiter, session=session, start_part=start)
        if result.ok or result.permanent:
            return result
        start = result.parts_sent
        wait = result.retry_after_s or backoff_s * (2 ** attempt)
        if attempt == max_attempts - 1 or wait > max_wait_s:
            break
        sleep(wait)
    assert result is not None
    return result


def _json(resp: httpx.Response) -> dict | None:
    try:
        data = resp.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _result(message: ImMessage, ok: bool, permanent: bool, retry_after_s: float | None, code: int | None,
            error: str | None, response: dict, parts: list[PartResult], total: int) -> ImResult:
    return ImResult(message.delivery_id, ok, permanent, retry_after_s, code, error, response, parts, total)
