"""钉钉 custom robot: ``markdown``, or ``actionCard`` with a 阅读全文 button when there is a url.

加签 (HMAC-SHA256, millisecond timestamp, sign in the query string) and 自定义关键词
are both optional per robot. Codes: 130101 too fast (the robot is then throttled for
10 minutes), 310000 sign/keyword/IP check failed (permanent), 300001/300005 bad token
(permanent), -1 system busy (retry). DingTalk documents no size limit; we split at
``chunk_bytes`` to stay conservative.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

from yibao.delivery.im.base import (CONTINUED, ImMessage, ImTarget, Outcome, body_without_title, classify_reply,
                                    split_by_bytes, utf8_len, with_keyword)

name = "dingtalk"
chunk_bytes = 15000
RATE_RETRY_S = 600.0          # the robot stays throttled for 10 minutes after 130101
BUTTON_TITLE = "阅读全文"


def sign(secret: str, ts_ms: int) -> str:
    """quote_plus(base64(HMAC_SHA256(key=secret, msg=f"{ts_ms}\\n{secret}")))"""
    mac = hmac.new(secret.encode("utf-8"), f"{ts_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(mac))


def chunks(target: ImTarget, message: ImMessage, limit: int) -> list[str]:
    overhead = utf8_len(CONTINUED + "\n") + (utf8_len(f"【{target.keyword}】") if target.keyword else 0)
    return split_by_bytes(f"#### {message.title}\n\n{body_without_title(message)}", limit - overhead)


def payload(target: ImTarget, message: ImMessage, chunk: str, index: int, total: int) -> dict:
    text = with_keyword(chunk if index == 0 else f"{CONTINUED}\n{chunk}", target.keyword)
    title = message.title if index == 0 else f"{message.title}{CONTINUED}"
    if message.url and index == total - 1:
        return {"msgtype": "actionCard", "actionCard": {
            "title": title, "text": text, "btnOrientation": "0",
            "singleTitle": BUTTON_TITLE, "singleURL": message.url}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def signed(target: ImTarget, body: dict, now_s: float) -> tuple[str, dict]:
    if not target.secret:
        return target.webhook_url, body
    ts = int(round(now_s * 1000))
    return f"{target.webhook_url}&timestamp={ts}&sign={sign(target.secret, ts)}", body


def classify(http_status: int, body: dict | None) -> Outcome:
    code = body.get("errcode") if isinstance(body, dict) else None
    return classify_reply(
        http_status, body, code=code, message=(body or {}).get("errmsg"),
        rate_codes={130101: RATE_RETRY_S, 660026: RATE_RETRY_S},
        permanent_codes={310000, 300001, 300005, 40035},
        retry_codes={-1},
    )
