"""MFA state of a user, short-lived challenges and step-up verification tokens (objects.md §8.2).

* A user *has MFA* when their TOTP is enabled or they hold at least one passkey.
* A challenge (login MFA, step-up MFA, or a WebAuthn ceremony) is identified by a random token
  handed to the client (64 hex characters) and stored only as its SHA-256 digest; it lives
  :data:`CHALLENGE_TTL` and dies after :data:`MAX_FAILURES` failed answers.
* A step-up verification token (64 hex) is valid :data:`VERIFICATION_TTL`, bound to one user and
  spent by its first use.

Only writer of ``mfa_challenges`` and ``mfa_verifications``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from core.auth.mfa.tables import BackupCode, MfaChallenge, MfaVerification, Passkey, TotpSecret
from core.errors import StornoError

__all__ = [
    "CHALLENGE_TTL",
    "MAX_FAILURES",
    "VERIFICATION_TTL",
    "InvalidCode",
    "create",
    "discard",
    "digest",
    "fail",
    "has_mfa",
    "issue_verification",
    "load",
    "methods_for",
    "now",
    "purge_expired",
    "spend_verification",
    "start_login",
]

#: Lifetime of a challenge (login MFA, step-up, WebAuthn ceremony).
CHALLENGE_TTL = dt.timedelta(minutes=5)
#: Failed answers a challenge survives; the next attempt finds it gone.
MAX_FAILURES = 5
#: Lifetime of a step-up verification token.
VERIFICATION_TTL = dt.timedelta(minutes=2)


class InvalidCode(StornoError):
    """401 ``{"error": "Invalid code."}``: a wrong second factor, or a dead/unknown challenge
    (objects.md §8.2)."""

    status = 401


def now() -> dt.datetime:
    """The current UTC time (aware)."""
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def digest(token: str) -> str:
    """SHA-256 hex of ``token`` (how challenge and verification tokens are stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def has_mfa(user_id: str) -> bool:
    """True when ``user_id`` has an enabled TOTP or any passkey (objects.md §8.2)."""
    if await TotpSecret.exists().where((TotpSecret.user_id == user_id) & (TotpSecret.enabled == True)):  # noqa: E712
        return True
    return await Passkey.exists().where(Passkey.user_id == user_id)


async def methods_for(user_id: str) -> list[str]:
    """The second factors offered to ``user_id``, in the contract's order: ``totp`` (enabled),
    ``passkey`` (any), ``backup_code`` (unused codes left), ``email_otp`` (always)."""
    methods = []
    if await TotpSecret.exists().where((TotpSecret.user_id == user_id) & (TotpSecret.enabled == True)):  # noqa: E712
        methods.append("totp")
    if await Passkey.exists().where(Passkey.user_id == user_id):
        methods.append("passkey")
    if await BackupCode.exists().where((BackupCode.user_id == user_id) & BackupCode.used_at.is_null()):
        methods.append("backup_code")
    methods.append("email_otp")
    return methods


async def create(
    purpose: str,
    user_id: str | None,
    *,
    login_method: str | None = None,
    webauthn_challenge: str | None = None,
) -> str:
    """Store a new challenge for ``purpose`` (``login``, ``step_up``, ``passkey_login``,
    ``passkey_register``) and return its token (64 hex characters, shown once)."""
    token = secrets.token_hex(32)
    stamp = now()
    await purge_expired()  # keeps the table to the few minutes' worth of live challenges
    await MfaChallenge(
        token_hash=digest(token),
        purpose=purpose,
        user_id=user_id,
        login_method=login_method,
        webauthn_challenge=webauthn_challenge,
        expires_at=stamp + CHALLENGE_TTL,
        created_at=stamp,
    ).save()
    return token


async def load(token: str | None, purpose: str) -> dict[str, Any]:
    """The live challenge row behind ``token`` for ``purpose``.

    Raises :class:`InvalidCode` when the token is missing, unknown, of another purpose, expired,
    or has used up its :data:`MAX_FAILURES` failures (an exhausted or expired row is deleted).
    """
    if not token or len(token) > 256:
        raise InvalidCode("Invalid code.")
    row = await MfaChallenge.select().where(MfaChallenge.token_hash == digest(token)).first()
    if row is None or row["purpose"] != purpose:
        raise InvalidCode("Invalid code.")
    if _aware(row["expires_at"]) <= now() or row["attempts"] >= MAX_FAILURES:
        await MfaChallenge.delete().where(MfaChallenge.id == row["id"])
        raise InvalidCode("Invalid code.")
    return row


async def fail(row: dict[str, Any]) -> None:
    """Count one failed answer to the challenge ``row`` (atomic increment)."""
    await MfaChallenge.update({MfaChallenge.attempts: MfaChallenge.attempts + 1}).where(MfaChallenge.id == row["id"])


async def discard(row: dict[str, Any]) -> bool:
    """Delete the challenge ``row``; False when it was already gone (spent by a concurrent answer)."""
    gone = await MfaChallenge.delete().where(MfaChallenge.id == row["id"]).returning(MfaChallenge.id)
    return bool(gone)


async def update(row: dict[str, Any], **values: Any) -> None:
    """Set columns of the challenge ``row`` (e-mail code digest and expiry, WebAuthn challenge)."""
    await MfaChallenge.update({getattr(MfaChallenge, key): value for key, value in values.items()}).where(
        MfaChallenge.id == row["id"]
    )


async def purge_expired() -> int:
    """Delete challenges and verification tokens past their expiry; returns how many challenges went."""
    stamp = now()
    gone = await MfaChallenge.delete().where(MfaChallenge.expires_at <= stamp).returning(MfaChallenge.id)
    await MfaVerification.delete().where(MfaVerification.expires_at <= stamp)
    return len(gone)


async def issue_verification(user_id: str) -> str:
    """A new step-up verification token for ``user_id`` (64 hex, valid :data:`VERIFICATION_TTL`)."""
    token = secrets.token_hex(32)
    stamp = now()
    await MfaVerification(
        token_hash=digest(token), user_id=user_id, expires_at=stamp + VERIFICATION_TTL, created_at=stamp
    ).save()
    return token


async def spend_verification(user_id: str, token: str | None) -> bool:
    """Spend the step-up ``token`` of ``user_id``: True exactly once for a live token of that user.

    The guarded update (``used_at IS NULL``) makes a concurrent second use lose.
    """
    if not token or len(token) > 256:
        return False
    hashed = digest(token)
    row = await MfaVerification.select().where(MfaVerification.token_hash == hashed).first()
    if row is None or not hmac.compare_digest(row["token_hash"], hashed) or row["user_id"] != user_id:
        return False
    if row["used_at"] is not None or _aware(row["expires_at"]) <= now():
        return False
    spent = (
        await MfaVerification.update({MfaVerification.used_at: now()})
        .where((MfaVerification.id == row["id"]) & MfaVerification.used_at.is_null())
        .returning(MfaVerification.id)
    )
    return bool(spent)


async def start_login(user_id: str, *, method: str) -> dict[str, Any] | None:
    """The login MFA challenge for ``user_id`` after a successful primary login by ``method``
    (objects.md §8.2): ``{"mfa_required": true, "mfa_token": <64 hex>, "mfa_methods": [...]}``,
    or None when the user has no MFA (tokens are issued at once)."""
    if not await has_mfa(user_id):
        return None
    token = await create("login", user_id, login_method=method)
    return {"mfa_required": True, "mfa_token": token, "mfa_methods": await methods_for(user_id)}
