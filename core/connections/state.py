"""The OAuth2 ``state`` parameter (RFC 6749 §10.12): signed, short-lived, bound to one company.

``state`` is ``base64url(JSON payload) "." base64url(HMAC-SHA256(secret, payload))`` with the
appliance's secret key. The payload names the company, the provider, who started the flow (a
user id, or the authorisation link id) and the expiry (Unix seconds); a random nonce makes each
state unique. The callback trusts nothing else, so a forged or stale state cannot attach a
token to a company.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time

import msgspec

from core.errors import BadRequest

__all__ = ["STATE_TTL_SECONDS", "ConnectState", "sign_state", "read_state"]

#: How long a consent may take, in seconds (ANAF's page needs the person's certificate).
STATE_TTL_SECONDS = 900


class ConnectState(msgspec.Struct, frozen=True, kw_only=True):
    """What the callback learns from a verified ``state``; ``exp`` in Unix seconds."""

    company: str
    provider: str
    user: str | None = None
    link: str | None = None
    exp: int
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret_key: str, body: str) -> str:
    return _b64(hmac.new(secret_key.encode("utf-8"), b"connect-state:" + body.encode("ascii"), hashlib.sha256).digest())


def sign_state(secret_key: str, *, company: str, provider: str, user: str | None = None, link: str | None = None) -> str:
    """A new signed state for ``company`` at ``provider``, valid :data:`STATE_TTL_SECONDS`."""
    payload = ConnectState(company=company, provider=provider, user=user, link=link,
                           exp=int(time.time()) + STATE_TTL_SECONDS, nonce=secrets.token_hex(8))
    body = _b64(msgspec.json.encode(payload))
    return f"{body}.{_mac(secret_key, body)}"


def read_state(secret_key: str, state: str) -> ConnectState:
    """The payload of a state made by :func:`sign_state`.

    Raises :class:`core.errors.BadRequest` when it is malformed, its signature does not match,
    or it has expired.
    """
    body, _, mac = (state or "").partition(".")
    if not body or not mac or not hmac.compare_digest(mac, _mac(secret_key, body)):
        raise BadRequest("The authorisation state is invalid; start the connection again.")
    try:
        payload = msgspec.json.decode(_unb64(body), type=ConnectState)
    except (msgspec.DecodeError, msgspec.ValidationError, binascii.Error, ValueError, json.JSONDecodeError):
        raise BadRequest("The authorisation state is invalid; start the connection again.") from None
    if payload.exp < time.time():
        raise BadRequest("The authorisation took too long and expired; start the connection again.")
    return payload
