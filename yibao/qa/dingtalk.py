"""DingTalk outgoing robot (企业内部机器人 @消息回调): verify the call, answer in its message format.

DingTalk POSTs the group message as JSON with HTTP headers `timestamp` (ms) and `sign`:
sign = base64(HMAC-SHA256(key=appSecret, msg=f"{timestamp}\\n{appSecret}")).  A call whose
timestamp is more than an hour from our clock is refused like a bad signature (errcode 310000,
the code DingTalk itself uses for signature failures).  The reply body is a DingTalk message
(`msgtype` markdown) that DingTalk posts into the group, @-mentioning the asker: DingTalk notifies
a user in `at.atUserIds` only when `@<userid>` is also in the text.

DingTalk signs only the timestamp, not the body, so a captured call can be replayed (with any body)
while its timestamp is within the hour; that is inherent to the platform's scheme.  Hence the body
is treated as untrusted: at most `MAX_BODY_BYTES`, it must have the shape of a DingTalk message
(else `BadCallback`), and everything echoed into the reply (the question, and our own quotes
through the same path) is rendered as plain text by `plain()`, so no link or image in it is live.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time

from yibao.qa.answer import Answer

MAX_SKEW_MS = 60 * 60 * 1000
SIGN_ERROR = 310000
MAX_BODY_BYTES = 64 * 1024   # a group message is at most a few KB; a bigger body is refused unread
USER_ID = re.compile(r"[A-Za-z0-9_.:$-]{1,64}")   # what is safe to @-mention in the markdown text


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


class BadCallback(Exception):
    """A signed call whose body is too big or not a DingTalk message: HTTP `status`, DingTalk-style `body`."""

    def __init__(self, status: int, errmsg: str):
        super().__init__(errmsg)
        self.status = status
        self.body = {"errcode": status, "errmsg": errmsg}


def too_large(size: int) -> BadCallback:
    return BadCallback(413, f"body is larger than {MAX_BODY_BYTES} bytes")


def check_length(content_length: str | None) -> None:
    """Refuse by the Content-Length header, before reading the body."""
    try:
        size = int(content_length) if content_length else None
    except ValueError:
        raise BadCallback(400, "Content-Length is not a number") from None
    if size is not None and size > MAX_BODY_BYTES:
        raise too_large(size)


def parse(raw: bytes) -> tuple[str, str | None]:
    """(question, sender's userid) of a callback body; BadCallback unless it is a DingTalk message."""
    if len(raw) > MAX_BODY_BYTES:
        raise too_large(len(raw))
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadCallback(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise BadCallback(400, "body is not a JSON object")
    text = body.get("text")
    if text is not None and not isinstance(text, dict):
        raise BadCallback(400, "text is not an object")
    content = (text or {}).get("content")
    if content is not None and not isinstance(content, str):
        raise BadCallback(400, "text.content is not a string")
    sender = body.get("senderStaffId")
    if sender is not None and not isinstance(sender, str):
        raise BadCallback(400, "senderStaffId is not a string")
    return question_of(content or ""), sender or None


def question_of(content: str) -> str:
    """The text of the group message, without the @robot mention."""
    return " ".join(w for w in content.split() if not w.startswith("@")).strip()


# Markdown (and HTML) syntax characters become their full-width forms, which DingTalk shows as
# text: nothing can open a link, an image, emphasis, a heading or a quote.  Bare URLs lose "://"
# and "www." so no client autolinks them.  Whitespace runs become one space (no new block).
_PLAIN = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "\\`*_[]()<>#!|~"})
_AUTOLINK = re.compile(r"://|(?i:www)\.")


def plain(text: str) -> str:
    """`text` for a DingTalk markdown message, shown as written and never live."""
    text = " ".join(str(text).split()).translate(_PLAIN)
    return _AUTOLINK.sub(lambda m: "：//" if m.group() == "://" else m.group()[:-1] + "．", text)


def mention(sender_id: str | None) -> str | None:
    """The userid to @, if it is one (DingTalk notifies only when `@<id>` is in the text too)."""
    return sender_id if sender_id and USER_ID.fullmatch(sender_id) else None


def reply(answer: Answer, sender_id: str | None = None) -> dict:
    shown = answer.answer if (answer.synthesised or not answer.citations) else "依据以下条款："
    at = mention(sender_id)
    lines = [f"**问：**{plain(answer.question)}", "", f"**答：**{plain(shown)}", ""]
    for n, c in enumerate(answer.citations, 1):
        mark = "" if c.in_force else f"（{plain(c.status)}）"
        lines.append(f"> [{n}] 《{plain(c.document)}》{plain(c.doc_number or '')} {plain(c.clause)}{mark}："
                     f"{plain(c.text[:300])}")
        links = ([f"[原文]({c.url})"] if c.url else []) + ([f"[对照表]({c.diff_url})"] if c.diff_url else []) \
            + ([f"现行：[{plain(c.successor['title'])}]({c.successor['url']})"] if c.successor else [])
        if links:
            lines.append("> " + " · ".join(links))
        lines.append("")
    if at:
        lines.append(f"@{at}")
    msg = {"msgtype": "markdown", "markdown": {"title": "医保政策问答", "text": "\n".join(lines)}}
    if at:
        msg["at"] = {"atUserIds": [at], "isAtAll": False}
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
