"""DingTalk outgoing robot (企业内部机器人 @消息回调): verify the call, answer in its message format.

DingTalk POSTs the group message as JSON with HTTP headers `timestamp` (ms) and `sign`:
sign = base64(HMAC-SHA256(key=appSecret, msg=f"{timestamp}\\n{appSecret}")).  A call whose
timestamp is more than an hour from our clock is refused like a bad signature (errcode 310000,
the code DingTalk itself uses for signature failures).  The reply body is a DingTalk message
(`msgtype` markdown) that DingTalk posts into the group.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time

from yibao.qa.answer import Answer

MAX_SKEW_MS = 60 * 60 * 1000
SIGN_ERROR = 310000


class CallbackRefused(Exception):
    def __init__(self, errmsg: str):
        super().__init__(errmsg)
        self.body = {"errcode": SIGN_ERROR, "errmsg": errmsg}


def sign(timestamp: str, app_secret: str) -> str:
    mac = hmac.new(app_secret.encode(), f"{timestamp}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def verify(timestamp: str | None, signature: str | None, app_secret: str, now_ms: int | None = None) -> None:
    if not timestamp or not signature:
        raise CallbackRefused("sign not match, more: timestamp and sign headers are required")
    try:
        ts = int(timestamp)
    except ValueError:
        raise CallbackRefused("sign not match, more: timestamp is not a number") from None
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now_ms - ts) > MAX_SKEW_MS:
        raise CallbackRefused("sign not match, more: timestamp is not within one hour of the server time")
    if not hmac.compare_digest(sign(timestamp, app_secret), signature):
        raise CallbackRefused("sign not match")


def question_of(body: dict) -> str:
    """The text of the group message, without the @robot mention."""
    text = ((body.get("text") or {}).get("content") or "").strip()
    return " ".join(w for w in text.split() if not w.startswith("@")).strip()


def reply(answer: Answer, sender_id: str | None = None) -> dict:
    shown = answer.answer if (answer.synthesised or not answer.citations) else "依据以下条款："
    lines = [f"**问：**{answer.question}", "", f"**答：**{shown}", ""]
    for n, c in enumerate(answer.citations, 1):
        mark = "" if c.in_force else f"（{c.status}）"
        lines.append(f"> [{n}] 《{c.document}》{c.doc_number or ''} {c.clause}{mark}：{c.text[:300]}")
        lines.append(f"> [原文]({c.url})" + (f" · [对照表]({c.diff_url})" if c.diff_url else "")
                     + (f" · 现行：[{c.successor['title']}]({c.successor['url']})" if c.successor else ""))
        lines.append("")
    msg = {"msgtype": "markdown", "markdown": {"title": "医保政策问答", "text": "\n".join(lines)}}
    if sender_id:
        msg["at"] = {"atUserIds": [sender_id], "isAtAll": False}
    return msg


def app_secret() -> str | None:
    """env YIBAO_DINGTALK_APP_SECRET, else the password of the Airflow connection yibao_dingtalk_callback."""
    value = os.environ.get("YIBAO_DINGTALK_APP_SECRET")
    if value:
        return value
    try:
        from airflow.sdk import BaseHook
        return BaseHook.get_connection("yibao_dingtalk_callback").password or None
    except Exception:
        return None
