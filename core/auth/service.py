"""Accounts: registration, login, token refresh, the caller behind a token, and ``GET /me``.

Only writer of ``users``, ``organisations`` and ``memberships`` (objects.md §8.1, §8.4, §3.18).

First run: while no organisation exists, ``POST /api/auth/register`` creates the user, their
organisation and the owner membership, with the e-mail verified so the owner can log in at once
(the person installing the appliance, before any SMTP server may be configured; the demo and the
tests rely on it, in every ``STORNO_ENV``). Afterwards registration is refused (403) unless
``Settings.open_registration``; users registered then start unverified and get a confirmation
e-mail (:mod:`core.auth.tokens`; login answers 403 ``email_not_confirmed`` until they confirm
through ``POST /api/auth/confirm-email``). Everyone else joins through an invitation
(:mod:`core.auth.invitations`).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from core.api import json as j
from core.audit.log import record
from core.auth import security, tokens
from core.auth.context import Caller
from core.auth.mfa import challenges as mfa_challenges
from core.auth.permissions import effective_permissions
from core.auth.schemas import RegisterIn
from core.auth.tables import Company, Membership, Organisation, User
from core.db.engine import engine, write_transaction
from core.errors import BadRequest, Conflict, Forbidden, Unauthorized
from core.ratelimit import limiter as ratelimit
from core.settings import Settings

__all__ = [
    "FIRST_RUN_LOCK",
    "check_account",
    "complete_login",
    "issue_login",
    "load_caller",
    "login",
    "me",
    "normalise_email",
    "refresh",
    "register",
    "slug",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: PostgreSQL advisory lock ("STRN") serialising the flows that may create the first organisation
#: (registration here, Google sign-up in :mod:`core.auth.accounts`).
FIRST_RUN_LOCK = 0x53_54_52_4E


def normalise_email(value: str) -> str:
    """``value`` trimmed and lower-cased (e-mails are stored lower-case)."""
    return value.strip().lower()


def slug(text: str) -> str:
    """An organisation's ``slug`` from its name: lower-case ASCII letters, digits and dashes, ≤ 200."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:200] or "organisation"


async def register(settings: Settings, data: RegisterIn) -> dict[str, Any]:
    """Create a user, their organisation and the owner membership; returns ``{message, email}``.

    Raises :class:`BadRequest` (invalid e-mail, password shorter than 8 characters),
    :class:`Forbidden` (registration closed: an organisation exists and open registration is off)
    and :class:`Conflict` (e-mail already registered).
    """
    if not settings.open_registration and await Organisation.count() > 0:
        raise Forbidden("Registration is closed on this appliance; ask an administrator for an invitation.")
    email = normalise_email(data.email)
    if not _EMAIL.match(email) or len(email) > 255:
        raise BadRequest("A valid e-mail address is required.")
    if not 8 <= len(data.password) <= 1024:
        raise BadRequest("The password must have at least 8 characters.")
    locale = data.locale if data.locale in ("ro", "en") else "ro"
    # argon2 is slow on purpose: hash in a worker thread, before taking the write lock
    password_hash = await asyncio.to_thread(security.hash_password, data.password)
    async with write_transaction():
        if isinstance(engine(), PostgresEngine):
            await Organisation.raw(f"SELECT pg_advisory_xact_lock({FIRST_RUN_LOCK})")
        first_run = await Organisation.count() == 0
        if not first_run and not settings.open_registration:
            raise Forbidden("Registration is closed on this appliance; ask an administrator for an invitation.")
        if await User.exists().where(User.email == email):
            raise Conflict("An account with this e-mail address already exists.")
        names = " ".join(part for part in (data.first_name, data.last_name) if part)
        org_name = (data.organization_name or names or email.split("@")[0]).strip()[:255]
        user = User(
            email=email,
            password_hash=password_hash,
            first_name=(data.first_name or None),
            last_name=(data.last_name or None),
            locale=locale,
            email_verified=first_run,
        )
        await user.save()
        org = Organisation(name=org_name, slug=slug(org_name))
        await org.save()
        await Membership(user=user.id, organisation=org.id, role="owner", allowed_companies=[]).save()
        if not first_run:
            await tokens.send_confirmation(settings, user.id, email)
        await record(
            "auth.register", actor=user.id, organisation=org.id, target=user.id, details={"firstRun": first_run}
        )
    message = (
        "Account created; you can log in now."
        if first_run
        else "Account created; confirm your e-mail address to log in."
    )
    return {"message": message, "email": email}


async def _memberships(user_id: str) -> list[dict[str, Any]]:
    """Active memberships of ``user_id`` with their organisation, oldest first."""
    return await (
        Membership.select(
            Membership.id,
            Membership.role,
            Membership.allowed_companies,
            Membership.permissions,
            Membership.organisation.id.as_alias("org_id"),
            Membership.organisation.name.as_alias("org_name"),
            Membership.organisation.slug.as_alias("org_slug"),
            Membership.organisation.created_at.as_alias("org_created_at"),
        )
        .where((Membership.user == user_id) & (Membership.active == True))  # noqa: E712 - piccolo
        .order_by(Membership.created_at)
        .output(load_json=True)
    )


async def _default_membership(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """objects.md §8.4: the only membership; else the first whose organisation has companies; else the owner one."""
    if len(rows) <= 1:
        return rows[0] if rows else None
    for row in rows:
        if await Company.exists().where((Company.organisation == row["org_id"]) & Company.deleted_at.is_null()):
            return row
    return next((row for row in rows if row["role"] == "owner"), rows[0])


def check_account(user: dict[str, Any]) -> None:
    """Raise the account-state 403 (``account_inactive``, ``email_not_confirmed``) for ``user``
    (a ``users`` row); every login path calls it once the user is authenticated."""
    if not user["active"]:
        raise Forbidden("This account is inactive.", code="account_inactive")
    if not user["email_verified"]:
        raise Forbidden("Confirm your e-mail address before logging in.", code="email_not_confirmed")


async def login(settings: Settings, email: str, password: str, *, ip: str | None = None) -> dict[str, Any]:
    """Check the password and return ``{token, refresh_token}`` (objects.md §8.1), or the MFA
    challenge of :func:`complete_login`; ``ip`` (the client's address) goes to the audit log.

    Raises :class:`Unauthorized` ``Invalid credentials.`` (unknown e-mail or wrong password, in
    the same time either way) and :class:`Forbidden` ``account_inactive`` /
    ``email_not_confirmed`` (checked only after a correct password, so they reveal nothing);
    :class:`core.errors.TooManyRequests` from the 6th attempt on one account within a minute
    (objects.md §9; the per-IP limit is the middleware's), before any password is checked.
    """
    await ratelimit.hit_current("login_account", normalise_email(email))
    user = await User.select().where(User.email == normalise_email(email)).first()
    valid = await asyncio.to_thread(security.verify_password, user["password_hash"] if user else None, password)
    if not valid or user is None:
        raise Unauthorized("Invalid credentials.")
    check_account(user)
    if security.needs_rehash(user["password_hash"]):
        rehashed = await asyncio.to_thread(security.hash_password, password)
        await User.update({User.password_hash: rehashed}).where(User.id == user["id"])
    return await complete_login(settings, user, method="password", ip=ip)


async def complete_login(
    settings: Settings, user: dict[str, Any], *, method: str, ip: str | None = None
) -> dict[str, Any]:
    """What every primary login (``method``: ``password``, ``google``…) ends with, once the user
    is authenticated and their account checked: ``{token, refresh_token}`` for the default
    membership's organisation (objects.md §8.1, §8.4) — or, when the user has MFA (an enabled
    TOTP or any passkey), no tokens but the challenge ``{"mfa_required": true, "mfa_token":
    <64 hex>, "mfa_methods": [...]}`` to answer at ``POST /api/auth/mfa/verify`` (§8.2).

    The single place where a second factor is demanded and where the login is audited
    (``auth.login``, via :func:`issue_login`), so no login path can skip either.
    """
    challenge = await mfa_challenges.start_login(user["id"], method=method)
    if challenge is not None:
        return challenge
    return await issue_login(settings, user, method=method, ip=ip)


async def issue_login(
    settings: Settings,
    user: dict[str, Any],
    *,
    method: str,
    ip: str | None = None,
    second_factor: str | None = None,
) -> dict[str, str]:
    """Issue ``{token, refresh_token}`` to ``user`` for the default membership's organisation and
    audit ``auth.login`` (``details``: ``method``, and ``mfa`` = the second factor's type when
    one was answered). Called by :func:`complete_login`, after a login MFA challenge is answered,
    and by the passkey login (which is a second factor in itself); never skip the MFA check by
    calling it from a primary login.
    """
    membership = await _default_membership(await _memberships(user["id"]))
    organisation_id = membership["org_id"] if membership else None
    issued = {
        "token": security.issue_access_token(
            settings.secret_key, user_id=user["id"], email=user["email"], organisation_id=organisation_id
        ),
        "refresh_token": await security.issue_refresh_token(user["id"], organisation_id),
    }
    details = {"method": method, **({"mfa": second_factor} if second_factor else {})}
    await record(
        "auth.login", actor=user["id"], organisation=organisation_id, target=user["id"], ip=ip, details=details
    )
    return issued


async def refresh(settings: Settings, refresh_token: str | None) -> dict[str, str]:
    """Spend ``refresh_token`` and return a new ``{token, refresh_token}`` pair.

    Raises :class:`Unauthorized` (missing, unknown, expired, spent or revoked token) and
    :class:`Forbidden` (the account was deactivated since).
    """
    if not refresh_token:
        raise Unauthorized("JWT Refresh Token Not Found")
    user_id, organisation_id, successor = await security.rotate_refresh_token(refresh_token)
    user = await User.select().where(User.id == user_id).first()
    if user is None:
        raise Unauthorized("Invalid JWT Refresh Token")
    check_account(user)
    rows = await _memberships(user_id)
    if not any(row["org_id"] == organisation_id for row in rows):
        membership = await _default_membership(rows)
        organisation_id = membership["org_id"] if membership else None
    token = security.issue_access_token(
        settings.secret_key, user_id=user_id, email=user["email"], organisation_id=organisation_id
    )
    return {"token": token, "refresh_token": successor}


async def load_caller(user_id: str, token_org: str | None, requested_org: str | None = None) -> Caller:
    """The :class:`Caller` for a verified token: the user must still exist and be active.

    The organisation is ``requested_org`` (``X-Organization``) when given, else the token's
    ``org`` if still a membership, else the default membership (objects.md §8.4).
    Raises :class:`Unauthorized` (user gone) and :class:`Forbidden` (inactive account, no
    membership, or an organisation the user does not belong to).
    """
    user = await User.select(User.id, User.email, User.active).where(User.id == user_id).first()
    if user is None:
        raise Unauthorized("Invalid JWT Token")
    if not user["active"]:
        raise Forbidden("This account is inactive.", code="account_inactive")
    rows = await _memberships(user_id)
    if requested_org:
        row = next((r for r in rows if r["org_id"] == requested_org), None)
        if row is None:
            raise Forbidden("You are not a member of this organization.")
    else:
        row = next((r for r in rows if r["org_id"] == token_org), None) or await _default_membership(rows)
    if row is None:
        raise Forbidden("You are not a member of any organization.")
    allowed = row["allowed_companies"] or []
    custom = row.get("permissions")
    return Caller(
        user_id=user["id"],
        email=user["email"],
        organisation_id=row["org_id"],
        role=row["role"],
        allowed_companies=tuple(str(c) for c in allowed),
        permissions=frozenset(str(p) for p in custom) if isinstance(custom, list) else None,
    )


async def me(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/me``: the profile subset of objects.md §3.18 (no plan/billing)."""
    user = await User.select().where(User.id == caller.user_id).output(load_json=True).first()
    rows = await _memberships(caller.user_id)
    current = next(r for r in rows if r["org_id"] == caller.organisation_id)
    full_name = " ".join(p for p in (user["first_name"], user["last_name"]) if p) or None
    return {
        "id": user["id"],
        "email": user["email"],
        "firstName": user["first_name"],
        "lastName": user["last_name"],
        "fullName": full_name,
        "phone": user["phone"],
        "locale": user["locale"],
        "timezone": user["timezone"],
        "roles": ["ROLE_USER"],
        "active": user["active"],
        "emailVerified": user["email_verified"],
        "mfaEnabled": await mfa_challenges.has_mfa(caller.user_id),
        "hasPassword": bool(user["password_hash"]),
        "createdAt": j.stamp(user["created_at"]),
        "preferences": user["preferences"] if isinstance(user["preferences"], dict) else {},
        "organization": {
            "id": current["org_id"],
            "name": current["org_name"],
            "slug": current["org_slug"],
            "createdAt": j.stamp(current["org_created_at"]),
        },
        "memberships": [
            {
                "id": r["id"],
                "role": r["role"],
                "organization": {"id": r["org_id"], "name": r["org_name"], "slug": r["org_slug"]},
            }
            for r in rows
        ],
        "permissions": sorted(effective_permissions(caller)),
        "currentRole": caller.role,
        "allowedCompanies": list(caller.allowed_companies),
    }
