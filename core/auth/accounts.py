"""Account flows outside the password login: e-mail confirmation, password reset and Google
sign-in (objects.md §8.1).

* ``confirm-email``: spends a confirmation token (:mod:`core.auth.tokens`) and marks the address
  verified. ``resend-confirmation`` and ``forgot-password`` always give the same reply, whether
  or not the address belongs to an account, so they cannot be used to find accounts.
* ``reset-password``: spends a reset token (1 h, single use), sets the new password, marks the
  address verified (the mail reached its owner) and revokes every refresh token of the user.
* Google: the ID token is verified (:mod:`core.auth.google`); the account is found by Google
  ``sub``, then by e-mail (and then linked to the Google account), else a new user with their own
  organisation is created — only when registration is allowed (first run, or
  ``STORNO_OPEN_REGISTRATION``; else 403 ``registration_required``: ask for an invitation).
  The login ends in :func:`core.auth.service.complete_login` like every login.
"""

from __future__ import annotations

import asyncio
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from core.audit.log import record
from core.auth import security, service, tokens
from core.auth.google import verify_id_token
from core.auth.tables import Membership, Organisation, User
from core.db.engine import engine, is_unique_violation, write_transaction
from core.errors import BadRequest, Conflict, Forbidden
from core.settings import Settings

__all__ = [
    "CONFIRM_REPLY",
    "RESET_REPLY",
    "check_new_password",
    "confirm_email",
    "forgot_password",
    "google_login",
    "resend_confirmation",
    "reset_password",
]

#: The one reply of ``resend-confirmation`` (non-enumerating).
CONFIRM_REPLY = "If this address belongs to an account waiting for confirmation, a new confirmation e-mail is on its way."
#: The one reply of ``forgot-password`` (non-enumerating).
RESET_REPLY = "If this address belongs to an account, an e-mail with a password-reset link is on its way."
_BAD_CONFIRM = "This confirmation link is invalid, was already used or has expired."
_BAD_RESET = "This password-reset link is invalid, was already used or has expired."


def check_new_password(password: str, field: str = "password") -> None:
    """Raise :class:`BadRequest` unless ``password`` has 8 to 1024 characters (objects.md §8.1)."""
    if not isinstance(password, str) or not 8 <= len(password) <= 1024:
        raise BadRequest(f"{field} must have at least 8 characters.")


async def confirm_email(token: str) -> dict[str, Any]:
    """``POST /api/auth/confirm-email``: ``{message, email}``; raises :class:`BadRequest` for a bad token."""
    async with write_transaction():
        user_id = await tokens.spend(token, tokens.CONFIRM)
        if user_id is None:
            raise BadRequest(_BAD_CONFIRM, code="invalid_token")
        await User.update({User.email_verified: True}).where(User.id == user_id)
        user = await User.select(User.email).where(User.id == user_id).first()
    return {"message": "Your e-mail address is confirmed; you can log in now.", "email": user["email"]}


async def resend_confirmation(settings: Settings, email: str) -> dict[str, str]:
    """``POST /api/auth/resend-confirmation``: queues a new confirmation mail when the address
    belongs to an active, unconfirmed account; the reply is always :data:`CONFIRM_REPLY`."""
    address = service.normalise_email(email or "")
    async with write_transaction():
        user = await User.select(User.id, User.email, User.active, User.email_verified).where(User.email == address).first()
        if user is not None and user["active"] and not user["email_verified"]:
            await tokens.send_confirmation(settings, user["id"], user["email"])
    return {"message": CONFIRM_REPLY}


async def forgot_password(settings: Settings, email: str) -> dict[str, str]:
    """``POST /api/auth/forgot-password``: queues a reset mail (token valid 1 h) when the address
    belongs to an active account; the reply is always :data:`RESET_REPLY`."""
    address = service.normalise_email(email or "")
    async with write_transaction():
        user = await User.select(User.id, User.email, User.active).where(User.email == address).first()
        if user is not None and user["active"]:
            await tokens.send_password_reset(settings, user["id"], user["email"])
    return {"message": RESET_REPLY}


async def reset_password(token: str, password: str, *, ip: str | None = None) -> dict[str, str]:
    """``POST /api/auth/reset-password``: sets the password, revokes the user's refresh tokens.

    Raises :class:`BadRequest` (password shorter than 8 characters; token unknown, spent or expired).
    """
    check_new_password(password)
    password_hash = await asyncio.to_thread(security.hash_password, password)
    async with write_transaction():
        user_id = await tokens.spend(token, tokens.RESET)
        if user_id is None:
            raise BadRequest(_BAD_RESET, code="invalid_token")
        await User.update({User.password_hash: password_hash, User.email_verified: True}).where(User.id == user_id)
        await security.revoke_user_refresh_tokens(user_id)
        await record("auth.password_reset", actor=user_id, target=user_id, ip=ip)
    return {"message": "Your password has been changed; log in with the new one."}


async def _registration_allowed(settings: Settings) -> bool:
    return settings.open_registration or await Organisation.count() == 0


async def _google_user(settings: Settings, identity: Any) -> dict[str, Any]:
    """The user row for a verified Google identity: by sub, then e-mail (linked), else created."""
    user = await User.select().where(User.google_sub == identity.sub).first()
    if user is not None:
        return user
    user = await User.select().where(User.email == identity.email).first()
    if user is not None:
        if user["google_sub"] and user["google_sub"] != identity.sub:
            raise Conflict("This e-mail address is linked to another Google account.")
        # Google verified the address: link the account and count the address as confirmed
        await User.update({User.google_sub: identity.sub, User.email_verified: True}).where(User.id == user["id"])
        return await User.select().where(User.id == user["id"]).first()
    closed = "Registration is closed on this appliance; ask an administrator for an invitation."
    if not await _registration_allowed(settings):
        raise Forbidden(closed, code="registration_required")
    try:
        async with write_transaction():
            if isinstance(engine(), PostgresEngine):
                await Organisation.raw(f"SELECT pg_advisory_xact_lock({service.FIRST_RUN_LOCK})")
            if not await _registration_allowed(settings):
                raise Forbidden(closed, code="registration_required")
            names = " ".join(p for p in (identity.first_name, identity.last_name) if p)
            org_name = (names or identity.email.split("@")[0]).strip()[:255]
            user = User(
                email=identity.email,
                password_hash="",  # Google-only until the user sets a password (hasPassword false)
                first_name=(identity.first_name or None) and identity.first_name[:100],
                last_name=(identity.last_name or None) and identity.last_name[:100],
                email_verified=True,
                google_sub=identity.sub,
            )
            await user.save()
            org = Organisation(name=org_name, slug=service.slug(org_name))
            await org.save()
            await Membership(user=user.id, organisation=org.id, role="owner", allowed_companies=[]).save()
            await record("auth.register", actor=user.id, organisation=org.id, target=user.id, details={"method": "google"})
    except Exception as exc:
        if is_unique_violation(exc):  # a concurrent first sign-in of the same Google account won
            raise Conflict("This Google account was just registered; sign in again.") from None
        raise
    return await User.select().where(User.id == user.id).first()


async def google_login(settings: Settings, credential: str, *, ip: str | None = None) -> dict[str, Any]:
    """``POST /api/auth/google``: tokens (or the MFA challenge) of :func:`core.auth.service.complete_login`.

    Raises :class:`BadRequest` (not configured, no token), :class:`core.errors.Unauthorized`
    (token refused), :class:`Forbidden` (``registration_required``; ``account_inactive``) and
    :class:`Conflict` (the address is linked to another Google account).
    """
    identity = await verify_id_token(settings, credential)
    user = await _google_user(settings, identity)
    if not user["active"]:
        raise Forbidden("This account is inactive.", code="account_inactive")
    return await service.complete_login(settings, user, method="google", ip=ip)
