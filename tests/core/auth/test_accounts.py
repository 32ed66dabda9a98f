"""Account flows (objects.md §8.1, §3.18): registration with e-mail confirmation, resend,
forgotten password and reset, profile and password change, account deletion. Mail is read from
the outbox directory, as an operator without SMTP would."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from core.audit.tables import AuditEntry
from core.auth.tables import AccountToken, Company, User
from tests.core.auth.mailbox import last_token, messages
from tests.core.conftest import PASSWORD, in_app, login, ok, register, start_api

NEW_PASSWORD = "another-long-password-2"


@pytest.fixture
async def open_api(settings):
    """The app with open registration; the first-run owner ``owner@alfa.ro`` is registered."""
    opened = msgspec.structs.replace(settings, open_registration=True)
    async with start_api(opened) as client:
        await register(client, "owner@alfa.ro")
        yield client


def _actions(api) -> list[str]:
    return in_app(api, AuditEntry.select(AuditEntry.action).order_by(AuditEntry.seq).output(as_list=True).run)


async def test_first_run_owner_needs_no_confirmation_mail(api, settings):
    await register(api, "owner@alfa.ro")
    assert messages(settings, "owner@alfa.ro") == []
    assert "auth.register" in _actions(api)


async def test_open_registration_sends_a_single_use_confirmation(open_api, settings):
    ok(await open_api.post("/api/auth/register", json={"email": "Beta@Beta.ro", "password": PASSWORD}), 201)
    refused = await open_api.post("/api/auth", json={"email": "beta@beta.ro", "password": PASSWORD})
    assert refused.status_code == 403 and refused.json()["code"] == "email_not_confirmed"
    token = last_token(settings, "beta@beta.ro", "confirm_email", "/confirm-email?token=")
    assert settings.public_url in messages(settings, "beta@beta.ro")[0].get_content()
    # stored only as a digest
    stored = in_app(open_api, AccountToken.select(AccountToken.token_hash).output(as_list=True).run)
    assert token not in stored and len(stored[0]) == 64
    confirmed = ok(await open_api.post("/api/auth/confirm-email", json={"token": token}))
    assert confirmed["email"] == "beta@beta.ro"
    await login(open_api, "beta@beta.ro")
    again = await open_api.post("/api/auth/confirm-email", json={"token": token})
    assert again.status_code == 400 and again.json()["code"] == "invalid_token"
    assert (await open_api.post("/api/auth/confirm-email", json={"token": "made-up"})).status_code == 400
    assert _actions(open_api).count("auth.register") == 2


async def test_resend_confirmation_does_not_tell_which_addresses_exist(open_api, settings):
    ok(await open_api.post("/api/auth/register", json={"email": "beta@beta.ro", "password": PASSWORD}), 201)
    first = last_token(settings, "beta@beta.ro", "confirm_email", "/confirm-email?token=")
    replies = [
        ok(await open_api.post("/api/auth/resend-confirmation", json={"email": address}))
        for address in ("beta@beta.ro", "nobody@nowhere.ro", "owner@alfa.ro")
    ]
    assert replies[0] == replies[1] == replies[2]
    assert messages(settings, "nobody@nowhere.ro") == [] and messages(settings, "owner@alfa.ro") == []
    assert len(messages(settings, "beta@beta.ro", "confirm_email")) == 2
    latest = last_token(settings, "beta@beta.ro", "confirm_email", "/confirm-email?token=")
    # only the latest link works
    assert (await open_api.post("/api/auth/confirm-email", json={"token": first})).status_code == 400
    ok(await open_api.post("/api/auth/confirm-email", json={"token": latest}))


async def test_expired_confirmation_is_refused(open_api, settings):
    ok(await open_api.post("/api/auth/register", json={"email": "beta@beta.ro", "password": PASSWORD}), 201)
    token = last_token(settings, "beta@beta.ro", "confirm_email", "/confirm-email?token=")
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    in_app(open_api, AccountToken.update({AccountToken.expires_at: past}).where(AccountToken.purpose == "confirm_email").run)
    assert (await open_api.post("/api/auth/confirm-email", json={"token": token})).status_code == 400


async def test_password_reset_end_to_end(api, settings):
    tenant = await register(api, "owner@alfa.ro")
    replies = [ok(await api.post("/api/auth/forgot-password", json={"email": e})) for e in ("OWNER@alfa.ro", "ghost@alfa.ro")]
    assert replies[0] == replies[1]
    assert messages(settings, "ghost@alfa.ro") == []
    token = last_token(settings, "owner@alfa.ro", "password_reset", "/reset-password?token=")
    short = await api.post("/api/auth/reset-password", json={"token": token, "password": "short"})
    assert short.status_code == 400
    ok(await api.post("/api/auth/reset-password", json={"token": token, "password": NEW_PASSWORD}))
    old = await api.post("/api/auth", json={"email": "owner@alfa.ro", "password": PASSWORD})
    assert old.status_code == 401
    ok(await api.post("/api/auth", json={"email": "owner@alfa.ro", "password": NEW_PASSWORD}))
    # single use, and every session from before the reset is over
    reused = await api.post("/api/auth/reset-password", json={"token": token, "password": "yet-another-password"})
    assert reused.status_code == 400 and reused.json()["code"] == "invalid_token"
    assert (await api.post("/api/auth/refresh", json={"refresh_token": tenant.refresh_token})).status_code == 401
    assert "auth.password_reset" in _actions(api)


async def test_reset_token_expires_after_an_hour(api, settings):
    await register(api, "owner@alfa.ro")
    ok(await api.post("/api/auth/forgot-password", json={"email": "owner@alfa.ro"}))
    token = last_token(settings, "owner@alfa.ro", "password_reset", "/reset-password?token=")
    row = in_app(api, AccountToken.select().where(AccountToken.purpose == "password_reset").first().run)
    assert dt.timedelta(minutes=59) < row["expires_at"] - row["created_at"] <= dt.timedelta(hours=1)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    in_app(api, AccountToken.update({AccountToken.expires_at: past}).where(AccountToken.id == row["id"]).run)
    expired = await api.post("/api/auth/reset-password", json={"token": token, "password": NEW_PASSWORD})
    assert expired.status_code == 400


async def test_profile_and_preferences_change(api):
    tenant = await register(api, "owner@alfa.ro", firstName="Ana")
    me = ok(
        await api.patch(
            "/api/v1/me",
            json={"lastName": "Pop", "phone": "0722000000", "locale": "en", "timezone": "Europe/Berlin",
                  "preferences": {"colorMode": "dark"}},
            headers=tenant.auth,
        )
    )
    assert (me["firstName"], me["lastName"], me["fullName"], me["phone"]) == ("Ana", "Pop", "Ana Pop", "0722000000")
    assert me["locale"] == "en" and me["timezone"] == "Europe/Berlin" and me["preferences"] == {"colorMode": "dark"}
    me = ok(await api.patch("/api/v1/me", json={"preferences": {"primaryColor": "blue"}}, headers=tenant.auth))
    assert me["preferences"] == {"colorMode": "dark", "primaryColor": "blue"}
    assert ok(await api.get("/api/v1/me", headers=tenant.auth))["preferences"] == me["preferences"]
    for bad in ({"locale": "fr"}, {"timezone": "Mars/Olympus"}, {"preferences": {"fontSize": "12"}}):
        answer = await api.patch("/api/v1/me", json=bad, headers=tenant.auth)
        assert answer.status_code == 400 and answer.json()["error"], bad


async def test_password_change_needs_the_current_password(api):
    tenant = await register(api, "owner@alfa.ro")
    cases = [
        ({"newPassword": NEW_PASSWORD}, "currentPassword is required"),
        ({"currentPassword": "wrong-password", "newPassword": NEW_PASSWORD}, "not correct"),
        ({"currentPassword": PASSWORD, "newPassword": "short"}, "at least 8"),
    ]
    for body, text in cases:
        answer = await api.patch("/api/v1/me", json=body, headers=tenant.auth)
        assert answer.status_code == 400 and text in answer.json()["error"], body
    ok(await api.patch("/api/v1/me", json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}, headers=tenant.auth))
    assert (await api.post("/api/auth", json={"email": "owner@alfa.ro", "password": PASSWORD})).status_code == 401
    ok(await api.post("/api/auth", json={"email": "owner@alfa.ro", "password": NEW_PASSWORD}))
    assert (await api.post("/api/auth/refresh", json={"refresh_token": tenant.refresh_token})).status_code == 401
    assert "auth.password_changed" in _actions(api)


async def test_sole_owner_deletes_the_account_and_its_companies_go(owner, api):
    ok(await api.delete("/api/v1/me", headers=owner.auth))
    assert (await api.post("/api/auth", json={"email": "owner@alfa.ro", "password": PASSWORD})).status_code == 401
    assert (await api.get("/api/v1/me", headers=owner.auth)).status_code in (401, 403)
    user = in_app(api, User.select().where(User.deleted_at.is_not_null()).first().run)
    assert user["active"] is False and "alfa" not in user["email"] and user["password_hash"] == ""
    company = in_app(api, Company.select(Company.deleted_at).where(Company.id == owner.company_id).first().run)
    assert company["deleted_at"] is not None
    assert "auth.account_deleted" in _actions(api)


async def test_deleting_an_account_with_mfa_needs_a_step_up(owner, api):
    from tests.core.auth.test_mfa import enable_totp, totp_code

    secret, _ = await enable_totp(api, owner)
    refused = await api.delete("/api/v1/me", headers=owner.auth)
    assert refused.status_code == 403 and refused.json()["error"] == "mfa_required"
    assert in_app(api, User.select(User.active).first().run)["active"] is True
    challenge = ok(await api.post("/api/v1/mfa/challenge", headers=owner.auth))
    verified = ok(
        await api.post(
            "/api/v1/mfa/verify",
            json={"challengeToken": challenge["challenge_token"], "type": "totp", "code": totp_code(secret)},
            headers=owner.auth,
        )
    )
    body = {"verificationToken": verified["verification_token"]}
    ok(await api.request("DELETE", "/api/v1/me", json=body, headers=owner.auth))
    assert in_app(api, User.select(User.active).first().run)["active"] is False


async def test_owner_with_other_members_cannot_delete_the_account(owner, api, settings):
    from tests.core.auth.people import join

    employee = await join(api, settings, owner, "emp@alfa.ro", "employee")
    refused = await api.delete("/api/v1/me", headers=owner.auth)
    assert refused.status_code == 422 and refused.json()["error"]
    # a member leaves on their own; the organisation and its company stay
    ok(await api.delete("/api/v1/me", headers=employee.auth))
    listed = ok(await api.get("/api/v1/members", headers=owner.auth))
    assert [m["user"]["email"] for m in listed["data"]] == ["owner@alfa.ro"]
    assert len(ok(await api.get("/api/v1/companies", headers=owner.auth))["data"]) == 1
