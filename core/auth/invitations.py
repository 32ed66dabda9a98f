"""Invitations to join an organisation (objects.md §3.18, §8.1).

A manager (``org.manage_members``) invites an e-mail address with a role (``admin``,
``accountant`` or ``employee`` — never ``owner``, 422 — and never above their own, 403) and the
companies the member will see. The invitation mail (outbox) carries a single-use token, valid
:data:`TTL` (7 days), stored only as its SHA-256 digest; resending replaces the token and
extends the expiry. 409 ``ALREADY_MEMBER`` when the address is an active member, 409
``ALREADY_INVITED`` when a live invitation exists (an expired one is replaced).

Accepting (``POST /api/v1/invitations/accept/{token}``) is also how people join while
registration is closed:

* with a bearer token: the logged-in user joins, if the invitation was sent to their address
  (403 otherwise; the token alone does not let another account take the seat);
* without one: a new account is created for the invitation's address with the ``password``
  sent (already confirmed: the link reached that mailbox), joins, and is logged in (the reply
  carries its tokens). When the address already has an account: 409, log in first.

An unknown, used or cancelled token is 404; an expired one 410.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import quote

from core.api import json as j
from core.audit.log import record
from core.auth import security, service
from core.auth.account_schemas import AcceptIn, InvitationIn
from core.auth.accounts import check_new_password
from core.auth.context import Caller
from core.auth.members import MANAGE, SEE_ALL, check_assignable, company_refs, valid_company_ids
from core.auth.permissions import require
from core.auth.tables import Invitation, Membership, Organisation, User
from core.db.engine import is_unique_violation, write_transaction
from core.errors import BadRequest, Conflict, Forbidden, Gone, NotFound, Unprocessable
from core.mail.outbox import send_mail
from core.settings import Settings

__all__ = ["TTL", "accept", "cancel", "invite", "list_invitations", "public_details", "resend"]

TTL = dt.timedelta(days=7)
NOT_FOUND = "Invitation not found."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ROLE_NAMES = {"admin": "administrator", "accountant": "accountant", "employee": "employee (read-only)"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _status(row: dict[str, Any]) -> str:
    if row["status"] == "pending" and _aware(row["expires_at"]) <= _now():
        return "expired"
    return row["status"]


async def _render(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    refs = await company_refs(sorted({c for r in rows for c in (r["allowed_companies"] or [])}))
    inviter_ids = sorted({r["invited_by"] for r in rows if r["invited_by"]})
    inviters = {
        u["id"]: u
        for u in (
            await User.select(User.id, User.first_name, User.last_name).where(User.id.is_in(inviter_ids)) if inviter_ids else []
        )
    }
    out = []
    for r in rows:
        who = inviters.get(r["invited_by"] or "")
        out.append(
            {
                "id": r["id"],
                "email": r["email"],
                "role": r["role"],
                "status": _status(r),
                "createdAt": j.stamp(r["created_at"]),
                "expiresAt": j.stamp(r["expires_at"]),
                "invitedBy": {
                    "id": r["invited_by"],
                    "firstName": who["first_name"] if who else None,
                    "lastName": who["last_name"] if who else None,
                },
                "allowedCompanies": [refs[c] for c in (r["allowed_companies"] or []) if c in refs],
            }
        )
    return out


async def list_invitations(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/invitations``: ``{data}``, the organisation's pending invitations (expired ones
    shown as ``expired`` until replaced or cancelled), newest first. Raises :class:`Forbidden`."""
    require(caller, MANAGE)
    rows = (
        await Invitation.select()
        .where((Invitation.organisation == caller.organisation_id) & (Invitation.status == "pending"))
        .order_by(Invitation.created_at, ascending=False)
        .output(load_json=True)
    )
    return {"data": await _render(rows)}


async def _mail(settings: Settings, caller: Caller, row: dict[str, Any], token: str) -> None:
    org = await Organisation.select(Organisation.name).where(Organisation.id == row["organisation"]).first()
    refs = await company_refs(list(row["allowed_companies"] or []))
    companies = ", ".join(f"{c['name']} (CIF {c['cif']})" for c in refs.values()) or "all companies of the organisation"
    link = f"{settings.public_url}/invitations/accept/{quote(token)}"
    body = (
        f"{caller.email} invites you to join {org['name']} on Storno.\n\n"
        f"Role: {_ROLE_NAMES.get(row['role'], row['role'])}\n"
        f"Companies: {companies}\n\n"
        f"Accept the invitation here (valid until {_aware(row['expires_at']).strftime('%Y-%m-%d %H:%M UTC')}, usable once):\n"
        f"{link}\n\nInvitation code: {token}\n\n"
        "If you do not expect this invitation, ignore this message.\n"
    )
    await send_mail(settings, to=row["email"], subject=f"Invitation to join {org['name']} on Storno", body=body, kind="invitation")


async def _get(caller: Caller, invitation_id: str) -> dict[str, Any]:
    row = await (
        Invitation.select()
        .where((Invitation.id == invitation_id) & (Invitation.organisation == caller.organisation_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def invite(settings: Settings, caller: Caller, data: InvitationIn, *, ip: str | None = None) -> dict[str, Any]:
    """``POST /api/v1/invitations``: the new invitation (201), its mail queued.

    Raises :class:`Forbidden` (no ``org.manage_members``; role above the caller's),
    :class:`BadRequest` (e-mail, role, companies), :class:`Unprocessable` (``owner``) and
    :class:`Conflict` ``ALREADY_MEMBER`` / ``ALREADY_INVITED``.
    """
    require(caller, MANAGE)
    email = service.normalise_email(data.email)
    if not _EMAIL.match(email) or len(email) > 255:
        raise BadRequest("A valid e-mail address is required.")
    check_assignable(caller, data.role)
    companies = await valid_company_ids(caller.organisation_id, data.allowed_companies)
    if data.role in SEE_ALL:  # admins see every company (objects.md §8.4)
        companies = []
    now = _now()
    token = secrets.token_urlsafe(32)
    row = Invitation(
        organisation=caller.organisation_id, email=email, role=data.role, allowed_companies=companies,
        token_hash=_digest(token), invited_by=caller.user_id, expires_at=now + TTL, created_at=now,
    )
    try:
        async with write_transaction():
            member = await Membership.exists().where(
                (Membership.organisation == caller.organisation_id)
                & (Membership.user.email == email)
                & (Membership.active == True)  # noqa: E712 - piccolo
            )
            if member:
                raise Conflict("This person is already a member of the organization.", code="ALREADY_MEMBER")
            live = await Invitation.select(Invitation.id, Invitation.expires_at).where(
                (Invitation.organisation == caller.organisation_id) & (Invitation.email == email) & (Invitation.status == "pending")
            )
            for old in live:
                if _aware(old["expires_at"]) > now:
                    raise Conflict("This e-mail address already has a pending invitation.", code="ALREADY_INVITED")
                await Invitation.update({Invitation.status: "expired"}).where(Invitation.id == old["id"])
            await row.save()
            saved = row.to_dict()
            await _mail(settings, caller, saved, token)
            await record(
                "member.invited", actor=caller.user_id, organisation=caller.organisation_id, target=email, ip=ip,
                details={"invitation": row.id, "role": data.role, "allowedCompanies": companies},
            )
    except Exception as exc:
        if is_unique_violation(exc):  # a concurrent invitation of the same address won
            raise Conflict("This e-mail address already has a pending invitation.", code="ALREADY_INVITED") from None
        raise
    return (await _render([await _get(caller, row.id)]))[0]


async def cancel(caller: Caller, invitation_id: str) -> None:
    """``DELETE /api/v1/invitations/{id}``: the invitation is cancelled (its link stops working).

    Raises :class:`NotFound` (unknown or another organisation's), :class:`Forbidden` and
    :class:`Unprocessable` (already accepted or cancelled).
    """
    require(caller, MANAGE)
    row = await _get(caller, invitation_id)
    if row["status"] != "pending":
        raise Unprocessable(f"This invitation is {row['status']} and can no longer be cancelled.")
    await Invitation.update({Invitation.status: "cancelled"}).where(
        (Invitation.id == invitation_id) & (Invitation.status == "pending")
    )


async def resend(settings: Settings, caller: Caller, invitation_id: str) -> dict[str, Any]:
    """``POST /api/v1/invitations/{id}/resend``: a new token and 7 more days; the old link stops working.

    Raises :class:`NotFound`, :class:`Forbidden` and :class:`Unprocessable` (accepted or cancelled).
    """
    require(caller, MANAGE)
    row = await _get(caller, invitation_id)
    if row["status"] != "pending":
        raise Unprocessable(f"This invitation is {row['status']} and cannot be sent again.")
    token = secrets.token_urlsafe(32)
    expires = _now() + TTL
    async with write_transaction():
        await Invitation.update({Invitation.token_hash: _digest(token), Invitation.expires_at: expires}).where(
            Invitation.id == invitation_id
        )
        await _mail(settings, caller, {**row, "expires_at": expires}, token)
    return (await _render([await _get(caller, invitation_id)]))[0]


async def _by_token(token: str) -> dict[str, Any]:
    if not token or len(token) > 200:
        raise NotFound(NOT_FOUND)
    row = await (
        Invitation.select()
        .where((Invitation.token_hash == _digest(token)) & (Invitation.status == "pending"))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(NOT_FOUND)
    if _aware(row["expires_at"]) <= _now():
        raise Gone("This invitation has expired; ask for a new one.")
    return row


async def _organisation(organisation_id: str) -> dict[str, Any]:
    return await Organisation.select(Organisation.id, Organisation.name, Organisation.slug).where(
        Organisation.id == organisation_id
    ).first()


async def public_details(token: str) -> dict[str, Any]:
    """``GET /api/v1/invitations/accept/{token}`` (public): what the accept page shows.

    Raises :class:`NotFound` (unknown, used, cancelled) and :class:`Gone` (expired).
    """
    row = await _by_token(token)
    shown = (await _render([row]))[0]
    return {
        "email": row["email"],
        "role": row["role"],
        "organization": await _organisation(row["organisation"]),
        "invitedBy": shown["invitedBy"],
        "expiresAt": shown["expiresAt"],
        "allowedCompanies": shown["allowedCompanies"],
        "userExists": await User.exists().where((User.email == row["email"]) & (User.active == True)),  # noqa: E712
    }


async def _join(row: dict[str, Any], token: str, user_id: str, ip: str | None) -> None:
    """Spend the invitation and make ``user_id`` a member (inside the caller's transaction)."""
    spent = (
        await Invitation.update({Invitation.status: "accepted", Invitation.accepted_at: _now(), Invitation.accepted_by: user_id})
        .where((Invitation.id == row["id"]) & (Invitation.status == "pending") & (Invitation.token_hash == _digest(token)))
        .returning(Invitation.id)
    )
    if not spent:  # accepted concurrently
        raise NotFound(NOT_FOUND)
    existing = await Membership.select(Membership.id, Membership.active).where(
        (Membership.organisation == row["organisation"]) & (Membership.user == user_id)
    ).first()
    if existing is not None and existing["active"]:
        raise Conflict("You are already a member of this organization.", code="ALREADY_MEMBER")
    values = {"role": row["role"], "allowed_companies": list(row["allowed_companies"] or []), "permissions": None}
    if existing is not None:  # a deactivated membership comes back with the invitation's terms
        await Membership.update(
            {Membership.role: values["role"], Membership.allowed_companies: values["allowed_companies"],
             Membership.permissions: None, Membership.active: True}
        ).where(Membership.id == existing["id"])
    else:
        await Membership(user=user_id, organisation=row["organisation"], active=True, **values).save()
    await User.update({User.email_verified: True}).where(User.id == user_id)
    await record(
        "member.joined", actor=user_id, organisation=row["organisation"], target=user_id, ip=ip,
        details={"invitation": row["id"], "role": row["role"], "allowedCompanies": values["allowed_companies"]},
    )


async def accept(
    settings: Settings, token: str, *, user_id: str | None, data: AcceptIn | None, ip: str | None = None
) -> dict[str, Any]:
    """``POST /api/v1/invitations/accept/{token}``: ``{message, organization, role}`` plus
    ``token``/``refresh_token`` when a new account was created (see the module docstring).

    ``user_id`` is the verified bearer's user, or None. Raises :class:`NotFound`, :class:`Gone`,
    :class:`Forbidden` (another address; inactive account), :class:`Conflict` (already a member;
    the address has an account but nobody is logged in) and :class:`BadRequest` (password).
    """
    row = await _by_token(token)
    answer: dict[str, Any] = {
        "message": "You joined the organization.",
        "organization": await _organisation(row["organisation"]),
        "role": row["role"],
    }
    if user_id is not None:
        user = await User.select(User.id, User.email, User.active).where(User.id == user_id).first()
        if user is None or not user["active"]:
            raise Forbidden("This account is inactive.", code="account_inactive")
        if user["email"] != row["email"]:
            raise Forbidden("This invitation was sent to another e-mail address.")
        async with write_transaction():
            await _join(row, token, user_id, ip)
        return answer
    if await User.exists().where(User.email == row["email"]):
        raise Conflict("An account with this e-mail address exists: log in, then accept the invitation.", code="account_exists")
    password = data.password if data else None
    check_new_password(password or "")
    password_hash = await asyncio.to_thread(security.hash_password, password)
    names = {
        "first_name": ((data.first_name or "").strip()[:100] or None) if data else None,
        "last_name": ((data.last_name or "").strip()[:100] or None) if data else None,
    }
    user = User(email=row["email"], password_hash=password_hash, email_verified=True, **names)
    try:
        async with write_transaction():
            await user.save()
            await record("auth.register", actor=user.id, organisation=row["organisation"], target=user.id, details={"invitation": row["id"]})
            await _join(row, token, user.id, ip)
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("An account with this e-mail address exists: log in, then accept the invitation.", code="account_exists") from None
        raise
    tokens = await service.complete_login(settings, await User.select().where(User.id == user.id).first(), method="invitation", ip=ip)
    return {
        **answer,
        "message": "Your account is ready and you joined the organization.",
        "token": tokens.get("token"),
        "refresh_token": tokens.get("refresh_token"),
    }
