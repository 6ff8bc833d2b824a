"""飞书 custom bot: ``interactive`` card (lark_md body, 开始学习 button when there is a url).

签名校验: key = f"{ts}\\n{secret}" (seconds), message = b"" — the reverse of DingTalk —
and ``timestamp``/``sign`` go at the top level of the JSON body. Request body ≤ 20 KB.
Codes: 11232 frequency limited, 19021 sign/timestamp (permanent), 19024 keyword not
found (permanent), 19022 IP not allowed, 19001 bad token, 9499 bad request,
19002 params error (all permanent). Success is ``code`` 0 or legacy ``StatusCode`` 0.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from yibao.delivery.im.base import (CONTINUED, ImMessage, ImTarget, Outcome, body_without_title, classify_reply,
                                    split_by_bytes, utf8_len)

name = "feishu"
MAX_BODY_BYTES = 20 * 1024
chunk_bytes = 16000           # leaves room for the card JSON around the text
RATE_RETRY_S = 60.0
BUTTON_TITLE = "开始学习"


def sign(secret: str, ts_s: int) -> str:
    return base64.b64encode(hmac.new(f"{ts_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()).decode()


def chunks(target: ImTarget, message: ImMessage, limit: int) -> list[str]:
    return split_by_bytes(body_without_title(message), limit - utf8_len(CONTINUED))


def payload(target: ImTarget, message: ImMessage, chunk: str, index: int, total: int) -> dict:
    title = message.title if index == 0 else f"{message.title}{CONTINUED}"
    if target.keyword and target.keyword not in title and target.keyword not in chunk:
        title = f"【{target.keyword}】{title}"
    elements: list[dict] = [{"tag": "div", "text": {"tag": "lark_md", "content": chunk}}]
    if message.url and index == total - 1:
        elements.append({"tag": "action", "actions": [{
            "tag": "button", "text": {"tag": "plain_text", "content": BUTTON_TITLE},
            "url": message.url, "type": "primary"}]})
    return {"msg_type": "interactive", "card": {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
        "elements": elements}}


def signed(target: ImTarget, body: dict, now_s: float) -> tuple[str, dict]:
    if not target.secret:
        return target.webhook_url, body
    ts = int(now_s)
    return target.webhook_url, {"timestamp": str(ts), "sign": sign(target.secret, ts), **body}


def classify(http_status: int, body: dict | None) -> Outcome:
    code = None
    if isinstance(body, dict):
        code = body.get("code", body.get("StatusCode"))
    return classify_reply(
        http_status, body, code=code, message=(body or {}).get("msg") or (body or {}).get("StatusMessage"),
        rate_codes={11232: RATE_RETRY_S},
        permanent_codes={19021, 19024, 19022, 19001, 9499, 19002},
    )
