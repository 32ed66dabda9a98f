"""Bringing more people into a test organisation the way users do: an invitation read from the
outbox and accepted through the API."""

from __future__ import annotations

from typing import Any

from tests.core.auth.mailbox import last_token
from tests.core.conftest import PASSWORD, Tenant, login, ok

ACCEPT_PATH = "/invitations/accept/"


async def invite(api: Any, settings: Any, inviter: Tenant, email: str, role: str, companies: list[str] | None = None) -> str:
    """``inviter`` invites ``email``; returns the token from the invitation mail."""
    body = {"email": email, "role": role, "allowedCompanies": companies or []}
    ok(await api.post("/api/v1/invitations", json=body, headers=inviter.auth), 201)
    return last_token(settings, email, "invitation", ACCEPT_PATH)


async def join(api: Any, settings: Any, inviter: Tenant, email: str, role: str, companies: list[str] | None = None) -> Tenant:
    """Invite ``email`` and accept as a new account (password :data:`PASSWORD`); the new member, logged in."""
    token = await invite(api, settings, inviter, email, role, companies)
    answer = ok(await api.post(f"/api/v1/invitations/accept/{token}", json={"password": PASSWORD, "firstName": email.split("@")[0]}))
    tenant = Tenant(email=email, token=answer["token"], refresh_token=answer["refresh_token"])
    if companies and len(companies) == 1:
        tenant.company_id = companies[0]
    return tenant


async def register_confirmed(api: Any, settings: Any, email: str, **extra: Any) -> Tenant:
    """Register ``email`` (open registration), confirm it with the link from the mail, log in."""
    ok(await api.post("/api/auth/register", json={"email": email, "password": PASSWORD, **extra}), 201)
    confirm = last_token(settings, email, "confirm_email", "/confirm-email?token=")
    ok(await api.post("/api/auth/confirm-email", json={"token": confirm}))
    return await login(api, email)
