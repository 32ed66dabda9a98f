"""Single-use e-mail tokens of the account flows: e-mail confirmation and password reset (objects.md §8.1).

A token is 32 random bytes (URL-safe text) that exists only in the e-mail; the database keeps its
SHA-256 digest (:class:`core.auth.tables.AccountToken`). Issuing a new token of a purpose spends
the user's earlier ones of that purpose, so only the latest link works. Spending is one guarded
UPDATE, so two concurrent uses of one token cannot both succeed. Lifetimes: confirmation
:data:`CONFIRM_TTL` (48 h), reset :data:`RESET_TTL` (1 h).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from urllib.parse import quote

from core.auth.tables import AccountToken
from core.mail.outbox import send_mail
from core.settings import Settings

__all__ = [
    "CONFIRM",
    "CONFIRM_TTL",
    "RESET",
    "RESET_TTL",
    "digest",
    "issue",
    "send_confirmation",
    "send_password_reset",
    "spend",
]

CONFIRM = "confirm_email"
RESET = "password_reset"
CONFIRM_TTL = dt.timedelta(hours=48)
RESET_TTL = dt.timedelta(hours=1)


def digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def issue(user_id: str, purpose: str, ttl: dt.timedelta) -> str:
    """A new token of ``purpose`` for ``user_id`` valid ``ttl``; earlier unspent ones are spent."""
    now = _now()
    await AccountToken.update({AccountToken.used_at: now}).where(
        (AccountToken.user == user_id) & (AccountToken.purpose == purpose) & AccountToken.used_at.is_null()
    )
    token = secrets.token_urlsafe(32)
    await AccountToken(user=user_id, purpose=purpose, token_hash=digest(token), expires_at=now + ttl, created_at=now).save()
    return token


async def spend(token: str, purpose: str) -> str | None:
    """Spend ``token`` of ``purpose``: the user id, or None when unknown, expired or already spent."""
    if not token or len(token) > 200:
        return None
    now = _now()
    rows = (
        await AccountToken.update({AccountToken.used_at: now})
        .where(
            (AccountToken.token_hash == digest(token))
            & (AccountToken.purpose == purpose)
            & AccountToken.used_at.is_null()
            & (AccountToken.expires_at > now)
        )
        .returning(AccountToken.user)
    )
    return str(rows[0]["user"]) if rows else None


async def send_confirmation(settings: Settings, user_id: str, email: str) -> None:
    """Issue a confirmation token for ``user_id`` and queue the e-mail with its link (outbox)."""
    token = await issue(user_id, CONFIRM, CONFIRM_TTL)
    link = f"{settings.public_url}/confirm-email?token={quote(token)}"
    body = (
        "Welcome to Storno.\n\n"
        f"Confirm your e-mail address by opening this link (valid {int(CONFIRM_TTL.total_seconds() // 3600)} hours):\n"
        f"{link}\n\nConfirmation code: {token}\n\n"
        "If you did not create an account, ignore this message.\n"
    )
    await send_mail(settings, to=email, subject="Confirm your e-mail address", body=body, kind=CONFIRM)


async def send_password_reset(settings: Settings, user_id: str, email: str) -> None:
    """Issue a reset token for ``user_id`` and queue the e-mail with its link (outbox)."""
    token = await issue(user_id, RESET, RESET_TTL)
    link = f"{settings.public_url}/reset-password?token={quote(token)}"
    body = (
        "Someone asked to reset the password of your Storno account.\n\n"
        f"Choose a new password here (valid 1 hour, usable once):\n{link}\n\nReset code: {token}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n"
    )
    await send_mail(settings, to=email, subject="Reset your password", body=body, kind=RESET)
