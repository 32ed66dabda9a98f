"""Passwords, access tokens and refresh tokens (objects.md §8.1).

* Passwords: argon2id (argon2-cffi's RFC 9106 low-memory profile); verification is constant-time
  and a dummy hash is verified for unknown users so response time does not reveal accounts.
* Access tokens: HS256 JWTs signed with ``Settings.secret_key``; issuer ``storno-appliance``,
  audience ``storno-api``, TTL 3600 s, ``sub`` = user id, claims ``username`` and ``email`` (the
  e-mail), ``org`` (selected organisation id), ``roles``. Verification pins the algorithm, issuer
  and audience, and requires ``exp``/``iat``/``sub``.
* Refresh tokens: 48 random bytes (URL-safe text), stored as their SHA-256 digest in
  :class:`core.auth.tables.RefreshToken`; 30-day TTL; single use with rotation inside a family,
  and reuse of a spent token revokes the whole family.

This module is the only writer of ``refresh_tokens``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.auth.tables import RefreshToken
from core.db.engine import write_transaction
from core.errors import Unauthorized
from core.ids import new_id

__all__ = [
    "ACCESS_TTL",
    "AUDIENCE",
    "ISSUER",
    "REFRESH_TTL",
    "AccessClaims",
    "decode_access_token",
    "hash_password",
    "issue_access_token",
    "issue_refresh_token",
    "needs_rehash",
    "revoke_user_refresh_tokens",
    "rotate_refresh_token",
    "verify_password",
]

ISSUER = "storno-appliance"
AUDIENCE = "storno-api"
ALGORITHM = "HS256"
#: Access-token lifetime (seconds), as the reference's lexik configuration.
ACCESS_TTL = 3600
#: Refresh-token lifetime.
REFRESH_TTL = dt.timedelta(days=30)

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory parameters
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string) of ``password``."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``.

    ``stored_hash`` None (unknown user) still costs one argon2 verification, so timing does not
    reveal whether an account exists. Never raises for malformed hashes (returns False).
    """
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when ``stored_hash`` was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# --- access tokens -----------------------------------------------------------------------------


class AccessClaims(dict[str, Any]):
    """The verified claims of an access token (``sub``, ``email``, ``org``, ``exp``, ...)."""

    @property
    def user_id(self) -> str:
        """The ``sub`` claim: the user's id."""
        return str(self["sub"])

    @property
    def organisation_id(self) -> str | None:
        """The ``org`` claim: the organisation selected at login (None when the user had none)."""
        value = self.get("org")
        return str(value) if value else None


def issue_access_token(
    secret_key: str,
    *,
    user_id: str,
    email: str,
    organisation_id: str | None,
    roles: tuple[str, ...] = ("ROLE_USER",),
    now: dt.datetime | None = None,
    ttl: int = ACCESS_TTL,
) -> str:
    """A signed HS256 access JWT for ``user_id`` valid ``ttl`` seconds from ``now`` (UTC)."""
    issued = now or dt.datetime.now(dt.timezone.utc)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user_id,
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
        "exp": int(issued.timestamp()) + ttl,
        "jti": new_id(),
        "username": email,
        "email": email,
        "org": organisation_id,
        "roles": list(roles),
    }
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)


def decode_access_token(secret_key: str, token: str) -> AccessClaims:
    """Verify ``token`` (signature, algorithm, issuer, audience, expiry) and return its claims.

    Raises :class:`core.errors.Unauthorized` with ``Expired JWT Token`` or ``Invalid JWT Token``
    (objects.md §1 shape E).
    """
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Expired JWT Token") from None
    except jwt.PyJWTError:
        raise Unauthorized("Invalid JWT Token") from None
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise Unauthorized("Invalid JWT Token")
    return AccessClaims(claims)


# --- refresh tokens ----------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def issue_refresh_token(user_id: str, organisation_id: str | None, *, family: str | None = None) -> str:
    """Create and store a new refresh token for ``user_id``; returns its text (shown once).

    ``family`` groups the tokens descending from one login (a new family when None).
    """
    token = secrets.token_urlsafe(48)
    now = dt.datetime.now(dt.timezone.utc)
    await RefreshToken(
        user=user_id,
        organisation=organisation_id,
        family=family or new_id(),
        token_hash=_digest(token),
        expires_at=now + REFRESH_TTL,
        created_at=now,
    ).save()
    return token


async def rotate_refresh_token(token: str) -> tuple[str, str | None, str]:
    """Spend ``token`` and issue its successor in the same family.

    Returns ``(user_id, organisation_id, new_refresh_token)``. Raises
    :class:`core.errors.Unauthorized` (``Invalid JWT Refresh Token``) when the token is unknown,
    expired, revoked or already spent; a spent token presented again revokes its whole family,
    so a stolen token and its legitimate successor both stop working.
    """
    digest = _digest(token)
    now = dt.datetime.now(dt.timezone.utc)
    async with write_transaction():
        row = await RefreshToken.select().where(RefreshToken.token_hash == digest).first()
        if row is None or not hmac.compare_digest(row["token_hash"], digest):
            raise Unauthorized("Invalid JWT Refresh Token")
        if row["used_at"] is not None and row["revoked_at"] is None:
            await RefreshToken.update({RefreshToken.revoked_at: now}).where(
                (RefreshToken.family == row["family"]) & RefreshToken.revoked_at.is_null()
            )
        if row["used_at"] is not None or row["revoked_at"] is not None or row["expires_at"] <= now:
            revoked = True
        else:
            # The guard on used_at makes a concurrent second refresh of the same token lose.
            spent = (
                await RefreshToken.update({RefreshToken.used_at: now})
                .where((RefreshToken.id == row["id"]) & RefreshToken.used_at.is_null())
                .returning(RefreshToken.id)
            )
            revoked = not spent
        if not revoked:
            successor = await issue_refresh_token(row["user"], row["organisation"], family=row["family"])
    if revoked:  # raised outside the block so the family revocation above is committed
        raise Unauthorized("Invalid JWT Refresh Token")
    return row["user"], row["organisation"], successor


async def revoke_user_refresh_tokens(user_id: str) -> None:
    """Revoke every live refresh token of ``user_id`` (password change, deactivation)."""
    now = dt.datetime.now(dt.timezone.utc)
    await RefreshToken.update({RefreshToken.revoked_at: now}).where(
        (RefreshToken.user == user_id) & RefreshToken.revoked_at.is_null()
    )
