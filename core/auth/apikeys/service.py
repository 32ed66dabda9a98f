"""API keys: creation, listing, scope changes, revocation, and authentication of a presented key.

objects.md §8.3 and §3.16:

* a key is ``af_`` + 64 lower-case hex characters (256 random bits); only its SHA-256 hex digest
  is stored, with ``tokenPrefix`` = its first 12 characters; the raw key is returned once, by
  :func:`create_key`;
* a key is bound to the user who created it and the organisation they were acting in; its
  ``scopes`` are permission names (§8.5), each held by the creator at creation;
* a request authenticated by a key may use only permissions that both the membership and the key
  hold (:func:`core.auth.permissions.effective_permissions` intersects ``Caller.scopes``);
* a revoked (``revokedAt``) or expired (``expireAt``) key is refused from that instant, with 403
  shape F (:class:`core.errors.InvalidApiToken`); ``lastUsedAt`` is updated on every accepted use,
  at a resolution of :data:`LAST_USED_RESOLUTION` (a busy key is not rewritten on every request:
  on SQLite each write is a commit that takes the database's write lock);
* keys are managed only from a browser/JWT session: a caller authenticated by a key gets 403;
* creation needs a fresh step-up verification when the user has MFA
  (:func:`core.auth.stepup.require_step_up`).

Only writer of ``api_keys``. Creations, changes and revocations are audited
(``api_key.created``/``api_key.updated``/``api_key.revoked``, never the raw key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any

import msgspec

from core.api import json as j
from core.audit.log import record
from core.auth.apikeys.tables import ApiKey
from core.auth.context import Caller
from core.auth.permissions import ROLE_PERMISSIONS, effective_permissions, require
from core.auth.stepup import require_step_up
from core.errors import BadRequest, Forbidden, InvalidApiToken, NotFound

__all__ = [
    "ALL_SCOPES",
    "KEY_PREFIX",
    "ApiKeyIn",
    "ApiKeyPatch",
    "KeyIdentity",
    "authenticate",
    "create_key",
    "digest",
    "generate_key",
    "grantable_scopes",
    "list_keys",
    "revoke_key",
    "update_key",
]

#: Every API key starts with this marker (objects.md §8.3).
KEY_PREFIX = "af_"
#: Characters of a key shown as ``tokenPrefix``.
PREFIX_LENGTH = 12
_KEY_SHAPE = re.compile(r"^af_[0-9a-f]{64}$")
#: ``lastUsedAt`` is rewritten only when the stored value is older than this.
LAST_USED_RESOLUTION = dt.timedelta(seconds=1)

#: Every permission name a key may carry: the owner's set, which is all 50 of objects.md §8.5.
ALL_SCOPES: frozenset[str] = ROLE_PERMISSIONS["owner"]


class ApiKeyIn(msgspec.Struct, kw_only=True):
    """``POST /api/v1/api-tokens``: ``name``, ``scopes`` (≥ 1 permission name), optional expiry
    (``expireAt``, or ``expiresAt``: an RFC 3339 timestamp in the future) and the step-up
    ``verification_token`` (needed when the user has MFA, objects.md §8.2)."""

    name: str
    scopes: list[str]
    expire_at: dt.datetime | None = msgspec.field(default=None, name="expireAt")  # objects.md §3.16
    expires_at: dt.datetime | None = msgspec.field(default=None, name="expiresAt")  # the same, as the issue spells it
    verification_token: str | None = None


class ApiKeyPatch(msgspec.Struct, kw_only=True):
    """``PATCH /api/v1/api-tokens/{uuid}``: a new ``name`` and/or a replacement ``scopes`` list."""

    name: str | None = None
    scopes: list[str] | None = None


class KeyIdentity(msgspec.Struct, frozen=True):
    """Who a valid key speaks for: its user and organisation, its id and scopes."""

    key_id: str
    user_id: str
    organisation_id: str
    scopes: frozenset[str]


def generate_key() -> str:
    """A new raw key: ``af_`` + ``secrets.token_hex(32)`` (64 hex characters, 256 bits)."""
    return KEY_PREFIX + secrets.token_hex(32)


def digest(raw_key: str) -> str:
    """SHA-256 hex digest of ``raw_key``: what is stored and looked up."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite may hand back naive UTC
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _scopes_of(row: dict[str, Any]) -> list[str]:
    scopes = row["scopes"]
    if isinstance(scopes, str):
        scopes = msgspec.json.decode(scopes)
    return sorted(scopes or [])


def key_json(row: dict[str, Any], raw_key: str | None = None) -> dict[str, Any]:
    """The API key object of objects.md §3.16 (``token`` only when ``raw_key`` is given)."""
    expires = j.stamp(_aware(row["expires_at"]))
    body = {
        "id": row["id"],
        "name": row["name"],
        "tokenPrefix": row["token_prefix"],
        "scopes": _scopes_of(row),
        "expireAt": expires,
        "expiresAt": expires,
        "lastUsedAt": j.stamp(_aware(row["last_used_at"])),
        "revokedAt": j.stamp(_aware(row["revoked_at"])),
        "createdAt": j.stamp(_aware(row["created_at"])),
        "updatedAt": j.stamp(_aware(row["updated_at"])),
    }
    if raw_key is not None:
        body["token"] = raw_key
    return body


# --- authentication ----------------------------------------------------------------------------


async def authenticate(raw_key: str, *, now: dt.datetime | None = None) -> KeyIdentity:
    """The identity behind ``raw_key`` (the whole ``Authorization`` value), marking it used.

    Looks the key up by its SHA-256 digest and compares digests in constant time
    (``hmac.compare_digest``). Raises :class:`core.errors.InvalidApiToken` (403 shape F) when the
    key is malformed, unknown, revoked or expired at ``now`` (default: the current instant).
    """
    candidate = raw_key.strip()
    if not _KEY_SHAPE.match(candidate):
        raise InvalidApiToken("Malformed API token.")
    wanted = digest(candidate)
    row = (
        await ApiKey.select(
            ApiKey.id,
            ApiKey.user,
            ApiKey.organisation,
            ApiKey.token_hash,
            ApiKey.scopes,
            ApiKey.expires_at,
            ApiKey.revoked_at,
            ApiKey.last_used_at,
        )
        .where(ApiKey.token_hash == wanted)
        .output(load_json=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row["token_hash"], wanted):
        raise InvalidApiToken("Unknown API token.")
    instant = now or _now()
    if row["revoked_at"] is not None and _aware(row["revoked_at"]) <= instant:
        raise InvalidApiToken("API token revoked.")
    expires = _aware(row["expires_at"])
    if expires is not None and expires <= instant:
        raise InvalidApiToken("API token expired.")
    last_used = _aware(row["last_used_at"])
    if last_used is None or instant - last_used >= LAST_USED_RESOLUTION:
        await ApiKey.update({ApiKey.last_used_at: instant}).where(ApiKey.id == row["id"])
    return KeyIdentity(
        key_id=row["id"], user_id=row["user"], organisation_id=row["organisation"], scopes=frozenset(_scopes_of(row))
    )


# --- management --------------------------------------------------------------------------------


def _session_only(caller: Caller) -> None:
    if caller.api_key_id is not None:
        raise Forbidden("API keys are managed from a signed-in session, not with an API key.")


def _checked_scopes(caller: Caller, scopes: list[str]) -> list[str]:
    wanted = sorted({s.strip() for s in scopes if isinstance(s, str) and s.strip()})
    if not wanted:
        raise BadRequest("Choose at least one scope.", field="scopes")
    unknown = [s for s in wanted if s not in ALL_SCOPES]
    if unknown:
        raise BadRequest(f"Unknown scope(s): {', '.join(unknown)}.", field="scopes")
    beyond = [s for s in wanted if s not in effective_permissions(caller)]
    if beyond:
        raise Forbidden(f"You cannot grant scope(s) you do not hold: {', '.join(beyond)}.")
    return wanted


def _checked_name(name: str | None) -> str:
    text = (name or "").strip()
    if not text or len(text) > 255:
        raise BadRequest("A name of 1 to 255 characters is required.", field="name")
    return text


def grantable_scopes(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/api-tokens/scopes``: the scopes ``caller`` may grant, grouped by category
    (the part before the dot): ``{"data": [{"category", "scopes": [names]}]}``."""
    _session_only(caller)
    require(caller, "api_key.view")
    groups: dict[str, list[str]] = {}
    for name in sorted(effective_permissions(caller) & ALL_SCOPES):
        groups.setdefault(name.split(".", 1)[0], []).append(name)
    return {"data": [{"category": category, "scopes": names} for category, names in groups.items()]}


async def list_keys(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/api-tokens``: the caller's keys in the current organisation, newest first
    (revoked ones included, with ``revokedAt``): ``{"data": [key]}``."""
    _session_only(caller)
    require(caller, "api_key.view")
    rows = (
        await ApiKey.select()
        .where((ApiKey.user == caller.user_id) & (ApiKey.organisation == caller.organisation_id))
        .order_by(ApiKey.created_at, ascending=False)
        .output(load_json=True)
    )
    return {"data": [key_json(row) for row in rows]}


async def create_key(caller: Caller, data: ApiKeyIn, *, ip: str | None = None) -> dict[str, Any]:
    """``POST /api/v1/api-tokens``: a new key; the response carries the raw ``token`` once.

    Raises :class:`Forbidden` (API-key caller, no ``api_key.manage``, a scope the caller does
    not hold, step-up ``mfa_required``) and :class:`BadRequest` (name, no/unknown scope, expiry
    in the past).
    """
    _session_only(caller)
    require(caller, "api_key.manage")
    name = _checked_name(data.name)
    scopes = _checked_scopes(caller, data.scopes)
    expires = _aware(data.expire_at or data.expires_at)
    now = _now()
    if expires is not None and expires <= now:
        raise BadRequest("The expiry must be in the future.", field="expireAt")
    await require_step_up(caller.user_id, data.verification_token)
    raw_key = generate_key()
    row = ApiKey(
        user=caller.user_id,
        organisation=caller.organisation_id,
        name=name,
        token_prefix=raw_key[:PREFIX_LENGTH],
        token_hash=digest(raw_key),
        scopes=scopes,
        expires_at=expires,
        created_at=now,
        updated_at=now,
    )
    await row.save()
    await record(
        "api_key.created",
        actor=caller.user_id,
        organisation=caller.organisation_id,
        target=row.id,
        ip=ip,
        details={"name": name, "scopes": scopes, "tokenPrefix": raw_key[:PREFIX_LENGTH], "expireAt": j.stamp(expires)},
    )
    stored = await ApiKey.select().where(ApiKey.id == row.id).output(load_json=True).first()
    return key_json(stored, raw_key)


async def _own_key(caller: Caller, key_id: str) -> dict[str, Any]:
    row = (
        await ApiKey.select()
        .where(
            (ApiKey.id == key_id) & (ApiKey.user == caller.user_id) & (ApiKey.organisation == caller.organisation_id)
        )
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound("API token not found.")
    return row


async def update_key(caller: Caller, key_id: str, data: ApiKeyPatch, *, ip: str | None = None) -> dict[str, Any]:
    """``PATCH /api/v1/api-tokens/{uuid}``: rename the key and/or replace its scopes.

    Raises :class:`NotFound` (not the caller's key in this organisation), :class:`Forbidden`
    and :class:`BadRequest` as :func:`create_key`; a revoked key cannot be changed (400).
    """
    _session_only(caller)
    require(caller, "api_key.manage")
    row = await _own_key(caller, key_id)
    if row["revoked_at"] is not None:
        raise BadRequest("A revoked API token cannot be changed.")
    values: dict[Any, Any] = {ApiKey.updated_at: _now()}
    details: dict[str, Any] = {}
    if data.name is not None:
        values[ApiKey.name] = details["name"] = _checked_name(data.name)
    if data.scopes is not None:
        values[ApiKey.scopes] = details["scopes"] = _checked_scopes(caller, data.scopes)
    await ApiKey.update(values).where(ApiKey.id == key_id)
    await record(
        "api_key.updated",
        actor=caller.user_id,
        organisation=caller.organisation_id,
        target=key_id,
        ip=ip,
        details=details,
    )
    return key_json(await _own_key(caller, key_id))


async def revoke_key(caller: Caller, key_id: str, *, ip: str | None = None) -> None:
    """``DELETE /api/v1/api-tokens/{uuid}``: set ``revokedAt`` now; the key is refused from this
    instant. Revoking an already revoked key changes nothing. Raises :class:`NotFound`."""
    _session_only(caller)
    require(caller, "api_key.manage")
    row = await _own_key(caller, key_id)
    if row["revoked_at"] is not None:
        return
    now = _now()
    await ApiKey.update({ApiKey.revoked_at: now, ApiKey.updated_at: now}).where(ApiKey.id == key_id)
    await record(
        "api_key.revoked",
        actor=caller.user_id,
        organisation=caller.organisation_id,
        target=key_id,
        ip=ip,
        details={"tokenPrefix": row["token_prefix"]},
    )
