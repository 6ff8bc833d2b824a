"""企业微信 group robot: ``markdown`` messages of at most 4096 bytes (UTF-8).

Longer lessons are split on line boundaries; parts after the first start with "（续）".
Codes: 45009 rate limit (20/min per robot), 93000 invalid webhook URL (permanent),
40058 content too long (re-split smaller once), -1 system busy (retry).
"""
from __future__ import annotations

from yibao.delivery.im.base import (CONTINUED, ImMessage, ImTarget, Outcome, body_without_title, classify_reply,
                                    split_by_bytes, utf8_len)

name = "wecom"
MAX_BYTES = 4096
chunk_bytes = 4000            # margin below 4096 in case the server counts differently
RATE_RETRY_S = 65.0           # what well-behaved clients wait after 45009


def full_text(message: ImMessage) -> str:
    text = f"### {message.title}\n{body_without_title(message)}"
    if message.url and f"({message.url})" not in text:    # a digest already links it: not twice
        text += f"\n\n[查看详情]({message.url})"
    return text


def chunks(target: ImTarget, message: ImMessage, limit: int) -> list[str]:
    return split_by_bytes(full_text(message), limit - utf8_len(CONTINUED + "\n"))


def payload(target: ImTarget, message: ImMessage, chunk: str, index: int, total: int) -> dict:
    content = chunk if index == 0 else f"{CONTINUED}\n{chunk}"
    return {"msgtype": "markdown", "markdown": {"content": content}}


def signed(target: ImTarget, body: dict, now_s: float) -> tuple[str, dict]:
    return target.webhook_url, body     # WeCom has no signing: the key is the secret


def classify(http_status: int, body: dict | None) -> Outcome:
    code = body.get("errcode") if isinstance(body, dict) else None
    return classify_reply(
        http_status, body, code=code, message=(body or {}).get("errmsg"),
        rate_codes={45009: RATE_RETRY_S},
        permanent_codes={93000, 40008, 44004, 40035},
        too_long_codes={40058},
        retry_codes={-1},
    )
