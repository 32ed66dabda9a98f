"""The current user's own account: ``PATCH /api/v1/me`` (profile, preferences, password) and
``DELETE /api/v1/me`` (account deletion), objects.md §3.18, §8.2.

* A password change needs ``currentPassword`` + ``newPassword`` (at least 8 characters); a user
  without a password (Google only) sets a first one with ``newPassword`` alone, after a step-up
  verification (``verificationToken``) when they have MFA. Every refresh token of the user is
  revoked afterwards, so other sessions must log in again.
* Deletion needs the step-up ``verificationToken`` when the user has MFA. An owner of an
  organisation that still has other active members must first hand it over (422). The user is
  deactivated and anonymised at once (address, names, password, Google link), the memberships
  end, and the companies of organisations left without members are soft-deleted (purged after
  the 5-day grace of objects.md §3.12).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import zoneinfo
from typing import Any

from core.audit.log import record
from core.auth import security, service
from core.auth.accounts import check_new_password
from core.auth.context import Caller
from core.auth.account_schemas import MePatch
from core.auth.stepup import require_step_up
from core.auth.tables import Company, Invitation, Membership, User
from core.db.engine import write_transaction
from core.errors import BadRequest, Unprocessable

__all__ = ["delete_me", "update_me"]

_PREFERENCES = ("primaryColor", "neutralColor", "colorMode")


def _profile_changes(data: MePatch, current_preferences: Any) -> dict[Any, Any]:
    changes: dict[Any, Any] = {}
    for field, column, limit in (("first_name", User.first_name, 100), ("last_name", User.last_name, 100), ("phone", User.phone, 50)):
        value = getattr(data, field)
        if value is not None:
            value = value.strip()
            if len(value) > limit:
                raise BadRequest(f"{field} must have at most {limit} characters.")
            changes[column] = value or None
    if data.locale is not None:
        if data.locale not in ("ro", "en"):
            raise BadRequest("locale must be 'ro' or 'en'.")
        changes[User.locale] = data.locale
    if data.timezone is not None:
        try:
            zoneinfo.ZoneInfo(data.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise BadRequest("timezone must be an IANA time zone such as Europe/Bucharest.") from None
        changes[User.timezone] = data.timezone
    if data.preferences is not None:
        unknown = sorted(set(data.preferences) - set(_PREFERENCES))
        if unknown:
            raise BadRequest(f"Unknown preferences: {', '.join(unknown)} (allowed: {', '.join(_PREFERENCES)}).")
        if any(v is not None and (not isinstance(v, str) or len(v) > 50) for v in data.preferences.values()):
            raise BadRequest("Preferences are short texts or null.")
        merged = {**(current_preferences if isinstance(current_preferences, dict) else {}), **data.preferences}
        changes[User.preferences] = {k: v for k, v in merged.items() if v is not None}
    return changes


async def update_me(caller: Caller, data: MePatch, *, ip: str | None = None) -> dict[str, Any]:
    """``PATCH /api/v1/me``: the updated ``GET /me`` body.

    Raises :class:`BadRequest` (field values; ``currentPassword`` missing or wrong; new password
    shorter than 8 characters) and :class:`core.errors.Forbidden` ``mfa_required`` (first
    password of an MFA user without a step-up verification).
    """
    user = await User.select().where(User.id == caller.user_id).output(load_json=True).first()
    changes = _profile_changes(data, user["preferences"])
    if data.new_password is not None:
        check_new_password(data.new_password, "newPassword")
        if user["password_hash"]:
            if not data.current_password:
                raise BadRequest("currentPassword is required to change the password.")
            if not await asyncio.to_thread(security.verify_password, user["password_hash"], data.current_password):
                raise BadRequest("currentPassword is not correct.", code="invalid_password")
        else:
            await require_step_up(caller.user_id, data.verification_token)
        changes[User.password_hash] = await asyncio.to_thread(security.hash_password, data.new_password)
    if changes:
        async with write_transaction():
            await User.update(changes).where(User.id == caller.user_id)
            if User.password_hash in changes:
                await security.revoke_user_refresh_tokens(caller.user_id)
                await record(
                    "auth.password_changed", actor=caller.user_id, organisation=caller.organisation_id,
                    target=caller.user_id, ip=ip, details={"firstPassword": not user["password_hash"]},
                )
    return await service.me(caller)


async def delete_me(caller: Caller, verification_token: str | None, *, ip: str | None = None) -> dict[str, str]:
    """``DELETE /api/v1/me``: ``{message}`` once the account is deactivated and anonymised.

    Raises :class:`core.errors.Forbidden` ``mfa_required`` (MFA user without step-up) and
    :class:`Unprocessable` (owner of an organisation that still has other active members).
    """
    await require_step_up(caller.user_id, verification_token)
    now = dt.datetime.now(dt.timezone.utc)
    async with write_transaction():
        mine = await Membership.select(Membership.organisation, Membership.role).where(Membership.user == caller.user_id)
        emptied: list[str] = []
        for row in mine:
            others = await Membership.count().where(
                (Membership.organisation == row["organisation"]) & (Membership.user != caller.user_id) & (Membership.active == True)  # noqa: E712
            )
            if others and row["role"] == "owner":
                raise Unprocessable(
                    "You own an organisation that has other members: make one of them owner or remove them first."
                )
            if not others:
                emptied.append(row["organisation"])
        await Membership.delete().where(Membership.user == caller.user_id)
        if emptied:
            await Company.update({Company.deleted_at: now}).where(
                Company.organisation.is_in(emptied) & Company.deleted_at.is_null()
            )
            await Invitation.update({Invitation.status: "cancelled"}).where(
                Invitation.organisation.is_in(emptied) & (Invitation.status == "pending")
            )
        await User.update(
            {
                User.email: f"deleted-{caller.user_id}@deleted.invalid",
                User.password_hash: "",
                User.first_name: None,
                User.last_name: None,
                User.phone: None,
                User.google_sub: None,
                User.active: False,
                User.deleted_at: now,
            }
        ).where(User.id == caller.user_id)
        await security.revoke_user_refresh_tokens(caller.user_id)
        await record(
            "auth.account_deleted", actor=caller.user_id, organisation=caller.organisation_id, target=caller.user_id,
            ip=ip, details={"organisationsClosed": emptied},
        )
    return {"message": "Your account has been deleted."}
