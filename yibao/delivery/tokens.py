"""Signed links in messages: read / ack / quiz / unsubscribe, and diff (a 对照表 an answer cites).

A token is ``<payload>.<mac>``, both base64url without padding. The payload is compact
JSON ``{"a": action, "d": delivery_id, "e": expires_at}``; the mac is HMAC-SHA256 of
the payload text under the link secret. Expiry is inside the signed payload, so it
cannot be stretched. No server-side state is needed to verify a link.

The secret comes from ``YIBAO_LINK_SECRET`` or an Airflow Variable / Connection
``yibao_links`` (password). Only when ``YIBAO_DEV=1`` a fixed development secret is
used, with a warning. Never keep the secret in a file in git.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import time
import warnings
from dataclasses import dataclass
from typing import Literal

Action = Literal["read", "ack", "quiz", "unsubscribe", "diff"]
ACTIONS: tuple[str, ...] = ("read", "ack", "quiz", "unsubscribe", "diff")
_DEV_SECRET = b"yibao-dev-link-secret-not-for-production"


class TokenError(ValueError):
    """Base class: the link token cannot be accepted."""


class TokenInvalid(TokenError):
    """Malformed, forged or tampered token."""


class TokenExpired(TokenError):
    """Correctly signed, but past its expiry time."""


class LinkSecretMissing(RuntimeError):
    """No link secret configured."""


@dataclass(frozen=True)
class TokenClaims:
    action: str
    delivery_id: str
    expires_at: int      # unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenInvalid(f"token is not base64url: {exc}") from None


def _mac(secret: bytes, payload: str) -> bytes:
    return hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()


def make_token(action: Action, delivery_id: str, *, secret: bytes, ttl_s: int, now: float | None = None) -> str:
    if action not in ACTIONS:
        raise ValueError(f"link action must be one of {ACTIONS}, not {action!r}")
    if not delivery_id:
        raise ValueError("delivery_id is empty")
    if ttl_s <= 0:
        raise ValueError(f"ttl_s must be positive, not {ttl_s}")
    if not secret:
        raise LinkSecretMissing("link secret is empty")
    expires = int((time.time() if now is None else now) + ttl_s)
    payload = _b64(json.dumps({"a": action, "d": delivery_id, "e": expires},
                              separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{payload}.{_b64(_mac(secret, payload))}"


def link_path(action: Action, token: str) -> str:
    """The ack app's page for a token: /l/<token> (+#ack / #quiz) for a lesson, /u/<token> to unsubscribe,
    /d/<token> for a 对照表 (its "delivery id" is the change's id)."""
    if action == "unsubscribe":
        return f"/u/{token}"
    if action == "diff":
        return f"/d/{token}"
    return f"/l/{token}" + {"ack": "#ack", "quiz": "#quiz"}.get(action, "")


def sign_link(base_url: str, action: Action, delivery_id: str, *, secret: bytes, ttl_s: int,
              now: float | None = None) -> str:
    """A signed link to the ack app page for `action` (see `link_path`)."""
    token = make_token(action, delivery_id, secret=secret, ttl_s=ttl_s, now=now)
    return base_url.rstrip("/") + link_path(action, token)


def verify_token(token: str, *, secret: bytes, now: float | None = None) -> TokenClaims:
    """Check signature first, then expiry. Raises TokenInvalid / TokenExpired."""
    if not isinstance(token, str) or token.count(".") != 1:
        raise TokenInvalid("token must be '<payload>.<signature>'")
    payload, mac_text = token.split(".")
    if not payload or not mac_text:
        raise TokenInvalid("token has an empty payload or signature")
    if not payload.isascii():
        raise TokenInvalid("token payload is not ASCII")
    if not hmac.compare_digest(_unb64(mac_text), _mac(secret, payload)):
        raise TokenInvalid("token signature does not match (tampered, or signed with another secret)")
    try:
        data = json.loads(_unb64(payload).decode("utf-8"))
        claims = TokenClaims(action=str(data["a"]), delivery_id=str(data["d"]), expires_at=int(data["e"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenInvalid(f"token payload is not valid claims: {exc}") from None
    if claims.action not in ACTIONS:
        raise TokenInvalid(f"token action {claims.action!r} is unknown")
    current = time.time() if now is None else now
    if current >= claims.expires_at:
        raise TokenExpired(f"link for delivery {claims.delivery_id} ({claims.action}) expired at "
                           f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(claims.expires_at))}")
    return claims


def link_secret(environ: dict[str, str] | None = None) -> bytes:
    """The link secret: env YIBAO_LINK_SECRET, else Airflow Variable/Connection
    ``yibao_links``, else (only with YIBAO_DEV=1) a fixed dev secret with a warning."""
    env = os.environ if environ is None else environ
    value = env.get("YIBAO_LINK_SECRET")
    if value:
        return value.encode("utf-8")
    value = _from_airflow()
    if value:
        return value.encode("utf-8")
    if env.get("YIBAO_DEV") == "1":
        text = "YIBAO_LINK_SECRET is not set; using the development link secret (YIBAO_DEV=1)"
        logging.getLogger(__name__).warning(text)
        warnings.warn(text, RuntimeWarning, stacklevel=2)
        return _DEV_SECRET
    raise LinkSecretMissing("set YIBAO_LINK_SECRET or the Airflow Variable/Connection 'yibao_links' "
                            "(or YIBAO_DEV=1 for a development secret)")


def _from_airflow() -> str | None:
    try:
        from airflow.sdk import BaseHook, Variable
    except ImportError:
        return None
    try:
        value = Variable.get("yibao_links", default=None)
        if value:
            return str(value)
    except Exception:   # no Airflow context / metadata DB: not configured there
        pass
    try:
        return BaseHook.get_connection("yibao_links").password or None
    except Exception:
        return None
