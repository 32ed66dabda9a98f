"""Routes of the account flows, the current user's account, members and invitations
(objects.md §8.1, §3.18, §8.5). Thin: each handler hands its body to
:mod:`core.auth.accounts`, :mod:`core.auth.profile`, :mod:`core.auth.members` or
:mod:`core.auth.invitations`. Mounted by the app factory from :data:`ROUTES`.

Public (no bearer token): ``/api/auth/confirm-email``, ``resend-confirmation``,
``forgot-password``, ``reset-password``, ``google``, and the invitation accept page
(``GET``/``POST /api/v1/invitations/accept/{token}``; the ``POST`` uses the bearer token when
one is sent, see :mod:`core.auth.invitations`).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.api import json as j
from core.auth import accounts, invitations, members, profile
from core.auth.account_schemas import (
    AcceptIn,
    AcceptResult,
    ConfirmIn,
    ConfirmResult,
    EmailIn,
    GoogleIn,
    InvitationIn,
    InvitationList,
    InvitationOut,
    InvitationPublic,
    MeDelete,
    MemberList,
    MemberOut,
    MemberPatch,
    MePatch,
    Message,
    PermissionsReference,
    ResetIn,
)
from core.auth.context import Caller
from core.auth.controllers import with_refresh_cookie
from core.auth.deps import client_ip, settings_of
from core.auth.security import decode_access_token
from core.errors import Unauthorized

__all__ = ["ROUTES"]

MemberId = Annotated[str, PathParameter(description="Membership id (UUID).")]
InvitationId = Annotated[str, PathParameter(description="Invitation id (UUID).")]
InvitationToken = Annotated[str, PathParameter(description="The token from the invitation e-mail.")]


class AccountController(Controller):
    """``/api/auth/...``: e-mail confirmation, password reset, Google sign-in. Public."""

    path = "/api/auth"
    tags = ["auth"]

    @post("/confirm-email", status_code=200, summary="Confirm the e-mail address with the token from the mail")
    async def confirm_email(self, data: JSONBody[ConfirmIn]) -> ConfirmResult:
        return j.view(ConfirmResult, await accounts.confirm_email(data.token))

    @post("/resend-confirmation", status_code=200, summary="Send the confirmation e-mail again (same reply for any address)")
    async def resend_confirmation(self, request: Request, data: JSONBody[EmailIn]) -> Message:
        return j.view(Message, await accounts.resend_confirmation(settings_of(request), data.email))

    @post("/forgot-password", status_code=200, summary="E-mail a password-reset link (same reply for any address)")
    async def forgot_password(self, request: Request, data: JSONBody[EmailIn]) -> Message:
        return j.view(Message, await accounts.forgot_password(settings_of(request), data.email))

    @post("/reset-password", status_code=200, summary="Set a new password with the reset token (min 8 characters)")
    async def reset_password(self, request: Request, data: JSONBody[ResetIn]) -> Message:
        return j.view(Message, await accounts.reset_password(data.token, data.password, ip=client_ip(request)))

    @post("/google", status_code=200, summary="Sign in (or up, when registration is open) with a Google ID token")
    async def google(self, request: Request, data: JSONBody[GoogleIn]) -> Response[dict[str, Any]]:
        return with_refresh_cookie(await accounts.google_login(settings_of(request), data.token, ip=client_ip(request)))


@patch("/api/v1/me", tags=["auth"], summary="Update profile and preferences; change the password (currentPassword + newPassword)")
async def update_me(request: Request, caller: NamedDependency[Caller], data: JSONBody[MePatch]) -> dict[str, Any]:
    """``PATCH /api/v1/me``: the ``GET /me`` body after the change."""
    return await profile.update_me(caller, data, ip=client_ip(request))


@delete("/api/v1/me", tags=["auth"], status_code=200, summary="Delete one's own account (verificationToken when MFA is on)")
async def delete_me(request: Request, caller: NamedDependency[Caller], data: JSONBody[MeDelete | None] = None) -> Message:
    """``DELETE /api/v1/me``: ``{message}``."""
    token = data.verification_token if data else None
    return j.view(Message, await profile.delete_me(caller, token, ip=client_ip(request)))


class MemberController(Controller):
    """``/api/v1/members``: the organisation's members (managing needs ``org.manage_members``)."""

    path = "/api/v1/members"
    tags = ["members"]

    @get("/", summary="Members of the organisation, with meta (canManage, maxUsers, currentCount)")
    async def index(self, caller: NamedDependency[Caller]) -> MemberList:
        return j.view(MemberList, await members.list_members(caller))

    @get("/permissions-reference", summary="Every permission by category, and the defaults of each role")
    async def reference(self, caller: NamedDependency[Caller]) -> PermissionsReference:
        return j.view(PermissionsReference, members.permissions_reference())

    @patch("/{member_id:str}", summary="Change a member's role, allowed companies, permissions or active flag")
    async def update(
        self, request: Request, caller: NamedDependency[Caller], member_id: MemberId, data: JSONBody[MemberPatch]
    ) -> MemberOut:
        return j.view(MemberOut, await members.update_member(caller, member_id, data, ip=client_ip(request)))

    @delete("/{member_id:str}", status_code=204, summary="Remove a member from the organisation")
    async def remove(self, request: Request, caller: NamedDependency[Caller], member_id: MemberId) -> None:
        await members.remove_member(caller, member_id, ip=client_ip(request))


class InvitationController(Controller):
    """``/api/v1/invitations``: invite people, and the public accept page."""

    path = "/api/v1/invitations"
    tags = ["invitations"]

    @get("/", summary="Pending invitations of the organisation")
    async def index(self, caller: NamedDependency[Caller]) -> InvitationList:
        return j.view(InvitationList, await invitations.list_invitations(caller))

    @post("/", status_code=201, summary="Invite an e-mail address with a role and allowed companies")
    async def create(self, request: Request, caller: NamedDependency[Caller], data: JSONBody[InvitationIn]) -> InvitationOut:
        return j.view(InvitationOut, await invitations.invite(settings_of(request), caller, data, ip=client_ip(request)))

    @delete("/{invitation_id:str}", status_code=204, summary="Cancel an invitation")
    async def cancel(self, caller: NamedDependency[Caller], invitation_id: InvitationId) -> None:
        await invitations.cancel(caller, invitation_id)

    @post("/{invitation_id:str}/resend", status_code=200, summary="Send the invitation again with a new link and expiry")
    async def resend(self, request: Request, caller: NamedDependency[Caller], invitation_id: InvitationId) -> InvitationOut:
        return j.view(InvitationOut, await invitations.resend(settings_of(request), caller, invitation_id))

    @get("/accept/{token:str}", summary="Public: the invitation behind a token, for the accept page")
    async def details(self, token: InvitationToken) -> InvitationPublic:
        return j.view(InvitationPublic, await invitations.public_details(token))

    @post("/accept/{token:str}", status_code=200, summary="Accept: the logged-in user joins, or a new account is created")
    async def accept(self, request: Request, token: InvitationToken, data: JSONBody[AcceptIn | None] = None) -> AcceptResult:
        user_id = None
        header = request.headers.get("authorization", "")
        if header:
            scheme, _, bearer = header.partition(" ")
            if scheme.lower() != "bearer" or not bearer.strip():
                raise Unauthorized("Invalid JWT Token")
            user_id = decode_access_token(settings_of(request).secret_key, bearer.strip()).user_id
        answer = await invitations.accept(settings_of(request), token, user_id=user_id, data=data, ip=client_ip(request))
        return j.view(AcceptResult, answer)


#: Mounted by the app factory.
ROUTES: list[Any] = [AccountController, update_me, delete_me, MemberController, InvitationController]
