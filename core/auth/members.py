"""Members of an organisation: list, change, remove; the permission reference (objects.md §3.18, §8.5).

Managing needs ``org.manage_members``. Rules that keep an organisation safe:

* a membership id of another organisation (or unknown) is 404 ``Member not found.``;
* nobody but the owner touches the owner's membership, and the owner role is never given,
  taken or removed here (ownership stays until the owner deletes their account);
* a manager cannot give a role above their own, nor permissions they do not have themselves
  (``permissions`` is an explicit list replacing the role defaults), nor act on a member whose
  role is above theirs (403);
* nobody changes the role, permissions or active flag of their own membership, nor removes it
  here (422): an organisation cannot lose its last manager by accident;
* ``allowedCompanies`` must be companies of the organisation (400); owners and admins see every
  company (objects.md §8.4), so their list is kept empty.
"""

from __future__ import annotations

from typing import Any

import msgspec

from core.api import json as j
from core.audit.log import record
from core.auth.account_schemas import MemberPatch
from core.auth.context import Caller
from core.auth.permissions import ROLE_PERMISSIONS, ROLES, effective_permissions, require
from core.auth.tables import Company, Membership, RefreshToken
from core.db.engine import write_transaction
from core.errors import BadRequest, Forbidden, NotFound, Unprocessable

__all__ = [
    "RANK",
    "SEE_ALL",
    "all_permissions",
    "check_assignable",
    "company_refs",
    "list_members",
    "permissions_reference",
    "remove_member",
    "update_member",
    "valid_company_ids",
]

#: Roles by power: a manager may give roles up to their own rank.
RANK = {"employee": 0, "accountant": 1, "admin": 2, "owner": 3}
MANAGE = "org.manage_members"
#: Roles that see every company of the organisation whatever ``allowedCompanies`` says (objects.md §8.4).
SEE_ALL = ("owner", "admin")
NOT_FOUND = "Member not found."


def all_permissions() -> list[str]:
    """Every permission name known to the appliance (the union of the role defaults, objects.md §8.5)."""
    return sorted(set().union(*ROLE_PERMISSIONS.values()))


def permissions_reference() -> dict[str, Any]:
    """``GET /api/v1/members/permissions-reference``: ``{categories: [{category, permissions}], roles: {role: [...]}}``."""
    by_area: dict[str, list[str]] = {}
    for name in all_permissions():
        by_area.setdefault(name.split(".", 1)[0], []).append(name)
    return {
        "categories": [{"category": area, "permissions": names} for area, names in sorted(by_area.items())],
        "roles": {role: sorted(ROLE_PERMISSIONS[role]) for role in ROLES},
    }


def check_assignable(caller: Caller, role: str) -> None:
    """Raise unless ``caller`` may give ``role``: :class:`BadRequest` (unknown role),
    :class:`Unprocessable` (``owner`` is never given), :class:`Forbidden` (above the caller's role)."""
    if role not in RANK:
        raise BadRequest(f"role must be one of: {', '.join(r for r in ROLES if r != 'owner')}.")
    if role == "owner":
        raise Unprocessable("The owner role cannot be given to another member.")
    if RANK[role] > RANK.get(caller.role, -1):
        raise Forbidden("You cannot give a role above your own.")


async def valid_company_ids(organisation_id: str, ids: list[str]) -> list[str]:
    """``ids`` deduplicated, after checking each is a live company of the organisation (else :class:`BadRequest`)."""
    wanted = list(dict.fromkeys(str(i) for i in ids))
    if not wanted:
        return []
    found = {
        r["id"]
        for r in await Company.select(Company.id).where(
            Company.id.is_in(wanted) & (Company.organisation == organisation_id) & Company.deleted_at.is_null()
        )
    }
    unknown = [i for i in wanted if i not in found]
    if unknown:
        raise BadRequest(f"allowedCompanies holds companies that are not in this organisation: {', '.join(unknown)}.")
    return wanted


async def company_refs(ids: list[str]) -> dict[str, dict[str, Any]]:
    """``{id: {id, name, cif}}`` of the companies ``ids`` (deleted ones left out)."""
    if not ids:
        return {}
    rows = await Company.select(Company.id, Company.name, Company.cif).where(
        Company.id.is_in(list(ids)) & Company.deleted_at.is_null()
    )
    return {r["id"]: {"id": r["id"], "name": r["name"], "cif": int(r["cif"]) if r["cif"].isdigit() else r["cif"]} for r in rows}


def _member_json(
    row: dict[str, Any], caller: Caller, refs: dict[str, dict[str, Any]], seen: dict[str, Any]
) -> dict[str, Any]:
    custom = row["permissions"] if isinstance(row["permissions"], list) else None
    allowed = row["allowed_companies"] or []
    return {
        "id": row["id"],
        "user": {
            "id": row["user_id"],
            "email": row["email"],
            "firstName": row["first_name"],
            "lastName": row["last_name"],
            "lastConnectedAt": j.stamp(seen.get(row["user_id"])),
        },
        "role": row["role"],
        "isActive": row["active"],
        "joinedAt": j.stamp(row["created_at"]),
        "allowedCompanies": [refs[c] for c in allowed if c in refs],
        "isCurrentUser": row["user_id"] == caller.user_id,
        "isSuperAdmin": False,
        "permissions": sorted(custom) if custom is not None else [],
        "hasCustomPermissions": custom is not None,
    }


def _select():
    return Membership.select(
        Membership.id,
        Membership.role,
        Membership.active,
        Membership.allowed_companies,
        Membership.permissions,
        Membership.created_at,
        Membership.user.id.as_alias("user_id"),
        Membership.user.email.as_alias("email"),
        Membership.user.first_name.as_alias("first_name"),
        Membership.user.last_name.as_alias("last_name"),
    ).output(load_json=True)


async def _last_connected(user_ids: list[str]) -> dict[str, Any]:
    """When each user last logged in or refreshed a session: every login and refresh issues a
    refresh token, so the newest one's ``created_at`` is the last connection."""
    seen: dict[str, Any] = {}
    for user_id in user_ids:  # one indexed lookup per member (refresh_tokens_user_idx)
        newest = await (
            RefreshToken.select(RefreshToken.created_at)
            .where(RefreshToken.user == user_id)
            .order_by(RefreshToken.created_at, ascending=False)
            .first()
        )
        if newest is not None:
            seen[user_id] = newest["created_at"]
    return seen


async def _render(rows: list[dict[str, Any]], caller: Caller) -> list[dict[str, Any]]:
    refs = await company_refs(sorted({c for r in rows for c in (r["allowed_companies"] or [])}))
    seen = await _last_connected(sorted({r["user_id"] for r in rows}))
    return [_member_json(r, caller, refs, seen) for r in rows]


async def list_members(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/members``: ``{data: [member], meta: {canManage, maxUsers, currentCount}}``, oldest first.

    Every member may see the list (it shows who works in the organisation); managing needs
    ``org.manage_members``. ``maxUsers`` is null: the licence sets no member limit.
    """
    rows = await _select().where(Membership.organisation == caller.organisation_id).order_by(Membership.created_at)
    return {
        "data": await _render(rows, caller),
        "meta": {
            "canManage": MANAGE in effective_permissions(caller),
            "maxUsers": None,
            "currentCount": sum(1 for r in rows if r["active"]),
        },
    }


async def _target(caller: Caller, member_id: str) -> dict[str, Any]:
    row = await _select().where((Membership.id == member_id) & (Membership.organisation == caller.organisation_id)).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    if row["role"] == "owner" and row["user_id"] != caller.user_id:
        raise Forbidden("Only the owner can change the owner's membership.")
    if RANK.get(row["role"], 0) > RANK.get(caller.role, -1):
        raise Forbidden("You cannot change a member whose role is above yours.")
    return row


async def update_member(caller: Caller, member_id: str, data: MemberPatch, *, ip: str | None = None) -> dict[str, Any]:
    """``PATCH /api/v1/members/{id}``: the updated member.

    Raises :class:`NotFound`, :class:`Forbidden` (no ``org.manage_members``; owner; escalation),
    :class:`BadRequest` (unknown role, permission or company) and :class:`Unprocessable`
    (owner role given or taken; own membership deactivated).
    """
    require(caller, MANAGE)
    row = await _target(caller, member_id)
    changes: dict[Any, Any] = {}
    sent = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if row["user_id"] == caller.user_id:
        new_active = sent.get("active", sent.get("is_active", row["active"]))
        if sent.get("role", row["role"]) != row["role"] or "permissions" in sent or new_active != row["active"]:
            raise Unprocessable("You cannot change your own role, permissions or active flag.")
    if "role" in sent and sent["role"] != row["role"]:
        if row["role"] == "owner":
            raise Unprocessable("The owner's role cannot be changed.")
        check_assignable(caller, sent["role"])
        changes[Membership.role] = sent["role"]
    if "allowed_companies" in sent:
        changes[Membership.allowed_companies] = await valid_company_ids(caller.organisation_id, sent["allowed_companies"])
    if sent.get("role", row["role"]) in SEE_ALL:
        if row["allowed_companies"] or changes.get(Membership.allowed_companies):
            changes[Membership.allowed_companies] = []
    if "permissions" in sent:
        wanted = sent["permissions"]
        if wanted is not None:
            wanted = sorted(set(wanted))
            unknown = [p for p in wanted if p not in all_permissions()]
            if unknown:
                raise BadRequest(f"Unknown permissions: {', '.join(unknown)}.")
            beyond = [p for p in wanted if p not in effective_permissions(caller)]
            if beyond:
                raise Forbidden(f"You cannot give permissions you do not have: {', '.join(beyond)}.")
        changes[Membership.permissions] = wanted
    active = sent.get("active", sent.get("is_active"))
    if active is not None and active != row["active"]:
        changes[Membership.active] = active
    if changes:
        async with write_transaction():
            await Membership.update(changes).where(Membership.id == member_id)
            details = {c._meta.name: (v if not isinstance(v, list) else sorted(v)) for c, v in changes.items()}
            await record(
                "member.updated", actor=caller.user_id, organisation=caller.organisation_id, target=row["user_id"],
                ip=ip, details={"membership": member_id, **details},
            )
    updated = await _select().where(Membership.id == member_id).first()
    return (await _render([updated], caller))[0]


async def remove_member(caller: Caller, member_id: str, *, ip: str | None = None) -> None:
    """``DELETE /api/v1/members/{id}``: the membership ends (the user account stays).

    Raises :class:`NotFound`, :class:`Forbidden` (no ``org.manage_members``; the owner; a higher
    role) and :class:`Unprocessable` (own membership).
    """
    require(caller, MANAGE)
    row = await _target(caller, member_id)
    if row["user_id"] == caller.user_id:
        raise Unprocessable("You cannot remove yourself from the organisation.")
    async with write_transaction():
        await Membership.delete().where(Membership.id == member_id)
        await record(
            "member.removed", actor=caller.user_id, organisation=caller.organisation_id, target=row["user_id"],
            ip=ip, details={"membership": member_id, "email": row["email"], "role": row["role"]},
        )
