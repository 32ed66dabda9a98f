"""Request and response bodies of the account, member and invitation endpoints
(objects.md §8.1, §3.18), camelCase on the wire.

Request Structs ignore unknown fields (clients send ``turnstileToken`` and the like). Response
Structs forbid undeclared keys: handlers return them through :func:`core.api.json.view`, so the
OpenAPI document shows exactly what is sent.
"""

from __future__ import annotations

import msgspec

from core.api.json import Stamp

__all__ = [
    "AcceptIn", "AcceptResult", "CompanyRef", "ConfirmIn", "ConfirmResult", "EmailIn", "GoogleIn", "InvitationIn",
    "InvitationList", "InvitationOut", "InvitationPublic", "Inviter", "MeDelete", "MePatch", "MemberList",
    "MemberMeta", "MemberOut", "MemberPatch", "MemberUser", "Message", "OrganisationRef", "PermissionCategory",
    "PermissionsReference", "ResetIn",
]


# --- requests ----------------------------------------------------------------------------------


class ConfirmIn(msgspec.Struct, kw_only=True):
    """``POST /api/auth/confirm-email``."""

    token: str


class EmailIn(msgspec.Struct, kw_only=True):
    """``POST /api/auth/resend-confirmation`` and ``/api/auth/forgot-password``."""

    email: str


class ResetIn(msgspec.Struct, kw_only=True):
    """``POST /api/auth/reset-password``: the token from the e-mail and the new password (≥ 8)."""

    token: str
    password: str


class GoogleIn(msgspec.Struct, kw_only=True):
    """``POST /api/auth/google``: the Google ID token as ``credential`` (backend) or ``idToken`` (docs, [doc drift])."""

    credential: str | None = None
    id_token: str | None = msgspec.field(default=None, name="idToken")

    @property
    def token(self) -> str:
        """Whichever spelling the client sent."""
        return self.credential or self.id_token or ""


class MePatch(msgspec.Struct, rename="camel", kw_only=True):
    """``PATCH /api/v1/me``: only the fields sent change. A password change sends
    ``currentPassword`` + ``newPassword``; a first password (Google-only account) ``newPassword``
    and, for MFA users, ``verificationToken``."""

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    locale: str | None = None
    timezone: str | None = None
    preferences: dict[str, str | None] | None = None
    current_password: str | None = None
    new_password: str | None = None
    verification_token: str | None = None


class MeDelete(msgspec.Struct, rename="camel", kw_only=True):
    """``DELETE /api/v1/me``: the step-up ``verificationToken`` (required when the user has MFA)."""

    verification_token: str | None = None


class MemberPatch(msgspec.Struct, rename="camel", kw_only=True):
    """``PATCH /api/v1/members/{id}``: only the fields sent change. ``permissions`` is an explicit
    list replacing the role defaults (``null`` returns to the defaults); ``allowedCompanies`` empty
    means every company."""

    role: str | msgspec.UnsetType = msgspec.UNSET
    allowed_companies: list[str] | msgspec.UnsetType = msgspec.UNSET
    permissions: list[str] | None | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET


class InvitationIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/invitations``: e-mail, role (``admin``, ``accountant``, ``employee``) and
    the companies the member will see (empty: all)."""

    email: str
    role: str = "employee"
    allowed_companies: list[str] = msgspec.field(default_factory=list)


class AcceptIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/invitations/accept/{token}`` without a bearer token: the new account's
    password and names (the invitation's e-mail becomes the login)."""

    password: str | None = None
    first_name: str | None = None
    last_name: str | None = None


# --- responses ---------------------------------------------------------------------------------


class Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of the response Structs: camelCase keys, no undeclared key."""


class Message(Body):
    """A reply that only informs: ``{message}``."""

    message: str


class ConfirmResult(Body):
    """``POST /api/auth/confirm-email``."""

    message: str
    email: str


class CompanyRef(Body):
    """A company a member may see."""

    id: str
    name: str
    cif: int | str


class MemberUser(Body):
    """The user behind a membership."""

    id: str
    email: str
    first_name: str | None
    last_name: str | None
    last_connected_at: Stamp | None


class MemberOut(Body):
    """A member (objects.md §3.18): ``id`` is the membership id."""

    id: str
    user: MemberUser
    role: str
    is_active: bool
    joined_at: Stamp
    allowed_companies: list[CompanyRef]
    is_current_user: bool
    is_super_admin: bool
    permissions: list[str]
    has_custom_permissions: bool


class MemberMeta(Body):
    """``canManage`` (caller has ``org.manage_members``), ``maxUsers`` (null: no limit), ``currentCount`` (active members)."""

    can_manage: bool
    max_users: int | None
    current_count: int


class MemberList(Body):
    """``GET /api/v1/members``."""

    data: list[MemberOut]
    meta: MemberMeta


class PermissionCategory(Body):
    """Permissions of one area (``invoice``, ``org``…)."""

    category: str
    permissions: list[str]


class PermissionsReference(Body):
    """``GET /api/v1/members/permissions-reference``: every permission by category, and each role's defaults."""

    categories: list[PermissionCategory]
    roles: dict[str, list[str]]


class Inviter(Body):
    """Who sent an invitation."""

    id: str | None
    first_name: str | None
    last_name: str | None


class InvitationOut(Body):
    """An invitation (objects.md §3.18); ``status`` ``pending``, ``accepted``, ``cancelled`` or ``expired``."""

    id: str
    email: str
    role: str
    status: str
    created_at: Stamp
    expires_at: Stamp
    invited_by: Inviter
    allowed_companies: list[CompanyRef]


class InvitationList(Body):
    """``GET /api/v1/invitations``."""

    data: list[InvitationOut]


class OrganisationRef(Body):
    """An organisation by id, name and slug."""

    id: str
    name: str
    slug: str


class InvitationPublic(Body):
    """``GET /api/v1/invitations/accept/{token}``: what the accept page shows; ``userExists`` tells
    it whether to ask for a login or for a new password."""

    email: str
    role: str
    organization: OrganisationRef
    invited_by: Inviter
    expires_at: Stamp
    allowed_companies: list[CompanyRef]
    user_exists: bool


class AcceptResult(Body):
    """``POST /api/v1/invitations/accept/{token}``: the organisation joined; for a new account also
    its tokens (``token``, ``refresh_token``), as a login answers."""

    message: str
    organization: OrganisationRef
    role: str
    token: str | None = msgspec.field(default=None, name="token")
    refresh_token: str | None = msgspec.field(default=None, name="refresh_token")
