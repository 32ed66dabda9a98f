"""Invitations (objects.md §3.18, §8.1): invite, mail through the outbox, accept as a new account
or as a logged-in user, resend, cancel; the 409s; tenancy between organisations."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from core.audit.tables import AuditEntry
from core.auth.tables import Invitation
from tests.core.auth.mailbox import last_token, messages
from tests.core.auth.people import ACCEPT_PATH, invite, join, register_confirmed
from tests.core.conftest import PASSWORD, add_company, in_app, login, ok, register, start_api


@pytest.fixture
async def open_api(settings):
    """App with open registration (two organisations can exist)."""
    async with start_api(msgspec.structs.replace(settings, open_registration=True)) as client:
        yield client


def _actions(api) -> list[str]:
    return in_app(api, AuditEntry.select(AuditEntry.action).order_by(AuditEntry.seq).output(as_list=True).run)


async def test_invitation_accepted_as_a_new_account_end_to_end(owner, api, settings):
    second = await add_company(api, owner, cif="RO14399840", name="Beta Consult SRL")
    first = ok(await api.get("/api/v1/companies", headers=owner.auth))["data"]
    alfa = next(c["id"] for c in first if c["name"] == "Alfa Software SRL")
    created = ok(
        await api.post(
            "/api/v1/invitations", json={"email": " Ion@Alfa.ro ", "role": "accountant", "allowedCompanies": [alfa]},
            headers=owner.auth,
        ),
        201,
    )
    assert created["email"] == "ion@alfa.ro" and created["status"] == "pending" and created["role"] == "accountant"
    assert created["invitedBy"]["firstName"] == "Ana" and [c["name"] for c in created["allowedCompanies"]] == ["Alfa Software SRL"]
    expires = dt.datetime.fromisoformat(created["expiresAt"]) - dt.datetime.fromisoformat(created["createdAt"])
    assert expires == dt.timedelta(days=7)
    mail = messages(settings, "ion@alfa.ro", "invitation")[-1]
    text = mail.get_content()
    assert "accountant" in text and "Alfa Software SRL" in text and "Beta Consult" not in text
    token = last_token(settings, "ion@alfa.ro", "invitation", ACCEPT_PATH)
    assert token not in str(in_app(api, Invitation.select(Invitation.token_hash).run))

    page = ok(await api.get(f"/api/v1/invitations/accept/{token}"))
    assert page["email"] == "ion@alfa.ro" and page["role"] == "accountant" and page["userExists"] is False
    assert page["organization"]["name"] == "Alfa" and page["invitedBy"]["firstName"] == "Ana"

    short = await api.post(f"/api/v1/invitations/accept/{token}", json={"password": "short"})
    assert short.status_code == 400
    joined = ok(await api.post(f"/api/v1/invitations/accept/{token}", json={"password": PASSWORD, "firstName": "Ion"}))
    assert joined["role"] == "accountant" and joined["organization"]["name"] == "Alfa" and joined["token"]
    ion = {"Authorization": f"Bearer {joined['token']}"}
    me = ok(await api.get("/api/v1/me", headers=ion))
    assert me["currentRole"] == "accountant" and me["emailVerified"] is True and me["allowedCompanies"] == [alfa]
    assert [c["id"] for c in ok(await api.get("/api/v1/companies", headers=ion))["data"]] == [alfa]
    assert (await api.get(f"/api/v1/companies/{second}", headers=ion)).status_code == 403
    await login(api, "ion@alfa.ro")  # the password chosen on the accept page works

    # single use: the page and the accept are gone, and the invitation left the pending list
    assert (await api.get(f"/api/v1/invitations/accept/{token}")).status_code == 404
    assert (await api.post(f"/api/v1/invitations/accept/{token}", json={"password": PASSWORD})).status_code == 404
    assert ok(await api.get("/api/v1/invitations", headers=owner.auth))["data"] == []
    assert {"member.invited", "member.joined"} <= set(_actions(api))


async def test_invitation_errors(owner, api, settings):
    await invite(api, settings, owner, "ion@alfa.ro", "employee")
    again = await api.post("/api/v1/invitations", json={"email": "ION@alfa.ro", "role": "admin"}, headers=owner.auth)
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_INVITED"
    member = await api.post("/api/v1/invitations", json={"email": "owner@alfa.ro", "role": "admin"}, headers=owner.auth)
    assert member.status_code == 409 and member.json()["code"] == "ALREADY_MEMBER"
    as_owner = await api.post("/api/v1/invitations", json={"email": "x@alfa.ro", "role": "owner"}, headers=owner.auth)
    assert as_owner.status_code == 422
    for body in ({"email": "x@alfa.ro", "role": "boss"}, {"email": "not-an-address", "role": "employee"},
                 {"email": "x@alfa.ro", "role": "employee", "allowedCompanies": ["0190a0a0-0000-7000-8000-000000000000"]}):
        answer = await api.post("/api/v1/invitations", json=body, headers=owner.auth)
        assert answer.status_code == 400 and answer.json()["error"], body
    assert (await api.get("/api/v1/invitations/accept/made-up-token")).status_code == 404


async def test_resend_replaces_the_link_and_extends_an_expired_invitation(owner, api, settings):
    old = await invite(api, settings, owner, "ion@alfa.ro", "employee")
    row = in_app(api, Invitation.select().first().run)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    in_app(api, Invitation.update({Invitation.expires_at: past}).where(Invitation.id == row["id"]).run)
    assert (await api.get(f"/api/v1/invitations/accept/{old}")).status_code == 410
    listed = ok(await api.get("/api/v1/invitations", headers=owner.auth))["data"]
    assert [i["status"] for i in listed] == ["expired"]

    resent = ok(await api.post(f"/api/v1/invitations/{row['id']}/resend", headers=owner.auth))
    assert resent["status"] == "pending" and dt.datetime.fromisoformat(resent["expiresAt"]) > dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=6)
    new = last_token(settings, "ion@alfa.ro", "invitation", ACCEPT_PATH)
    assert new != old and len(messages(settings, "ion@alfa.ro", "invitation")) == 2
    assert (await api.get(f"/api/v1/invitations/accept/{old}")).status_code == 404
    ok(await api.post(f"/api/v1/invitations/accept/{new}", json={"password": PASSWORD}))
    assert (await api.post(f"/api/v1/invitations/{row['id']}/resend", headers=owner.auth)).status_code == 422


async def test_an_expired_invitation_can_be_replaced_by_a_new_one(owner, api, settings):
    await invite(api, settings, owner, "ion@alfa.ro", "employee")
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    in_app(api, Invitation.update({Invitation.expires_at: past}, force=True).run)
    token = await invite(api, settings, owner, "ion@alfa.ro", "accountant")
    assert ok(await api.get(f"/api/v1/invitations/accept/{token}"))["role"] == "accountant"


async def test_cancelled_invitation_stops_working(owner, api, settings):
    token = await invite(api, settings, owner, "ion@alfa.ro", "employee")
    invitation = ok(await api.get("/api/v1/invitations", headers=owner.auth))["data"][0]
    cancelled = await api.delete(f"/api/v1/invitations/{invitation['id']}", headers=owner.auth)
    assert cancelled.status_code == 204
    assert (await api.post(f"/api/v1/invitations/accept/{token}", json={"password": PASSWORD})).status_code == 404
    assert (await api.delete(f"/api/v1/invitations/{invitation['id']}", headers=owner.auth)).status_code == 422
    assert ok(await api.get("/api/v1/invitations", headers=owner.auth))["data"] == []


async def test_existing_user_accepts_while_logged_in(open_api, settings):
    alfa = await register(open_api, "owner@alfa.ro", organizationName="Alfa")
    await add_company(open_api, alfa)
    ok(await open_api.post("/api/auth/register", json={"email": "beta@beta.ro", "password": PASSWORD, "organizationName": "Beta"}), 201)
    token = await invite(open_api, settings, alfa, "beta@beta.ro", "admin")
    assert ok(await open_api.get(f"/api/v1/invitations/accept/{token}"))["userExists"] is True
    anonymous = await open_api.post(f"/api/v1/invitations/accept/{token}", json={"password": PASSWORD})
    assert anonymous.status_code == 409 and anonymous.json()["code"] == "account_exists"
    wrong = await open_api.post(f"/api/v1/invitations/accept/{token}", headers=alfa.auth)
    assert wrong.status_code == 403
    bad_bearer = await open_api.post(f"/api/v1/invitations/accept/{token}", headers={"Authorization": "Bearer nonsense"})
    assert bad_bearer.status_code == 401
    confirm = last_token(settings, "beta@beta.ro", "confirm_email", "/confirm-email?token=")
    ok(await open_api.post("/api/auth/confirm-email", json={"token": confirm}))
    beta = await login(open_api, "beta@beta.ro")
    joined = ok(await open_api.post(f"/api/v1/invitations/accept/{token}", headers=beta.auth))
    assert joined["organization"]["name"] == "Alfa" and joined["role"] == "admin" and joined["token"] is None
    me = ok(await open_api.get("/api/v1/me", headers=beta.auth))
    assert sorted(m["organization"]["name"] for m in me["memberships"]) == ["Alfa", "Beta"]
    alfa_org = next(m["organization"]["id"] for m in me["memberships"] if m["organization"]["name"] == "Alfa")
    in_alfa = ok(await open_api.get("/api/v1/me", headers={**beta.auth, "X-Organization": alfa_org}))
    assert in_alfa["currentRole"] == "admin"
    assert (await open_api.post(f"/api/v1/invitations/accept/{token}", headers=beta.auth)).status_code == 404


async def test_tenancy_and_permissions(open_api, settings):
    alfa = await register(open_api, "owner@alfa.ro", organizationName="Alfa")
    beta = (await register_confirmed(open_api, settings, "beta@beta.ro", organizationName="Beta")).auth
    await invite(open_api, settings, alfa, "ion@alfa.ro", "employee")
    alfa_invitation = ok(await open_api.get("/api/v1/invitations", headers=alfa.auth))["data"][0]
    assert ok(await open_api.get("/api/v1/invitations", headers=beta))["data"] == []
    assert (await open_api.delete(f"/api/v1/invitations/{alfa_invitation['id']}", headers=beta)).status_code == 404
    assert (await open_api.post(f"/api/v1/invitations/{alfa_invitation['id']}/resend", headers=beta)).status_code == 404
    alfa_company = await add_company(open_api, alfa)
    foreign = await open_api.post(
        "/api/v1/invitations", json={"email": "x@beta.ro", "role": "employee", "allowedCompanies": [alfa_company]}, headers=beta
    )
    assert foreign.status_code == 400
    # an employee cannot invite or list; an accountant given org.manage_members still cannot invite above their role
    employee = await join(open_api, settings, alfa, "emp@alfa.ro", "employee")
    assert (await open_api.get("/api/v1/invitations", headers=employee.auth)).status_code == 403
    assert (await open_api.post("/api/v1/invitations", json={"email": "y@alfa.ro"}, headers=employee.auth)).status_code == 403
    accountant = await join(open_api, settings, alfa, "acc@alfa.ro", "accountant")
    members = ok(await open_api.get("/api/v1/members", headers=alfa.auth))["data"]
    acc_id = next(m["id"] for m in members if m["user"]["email"] == "acc@alfa.ro")
    reference = ok(await open_api.get("/api/v1/members/permissions-reference", headers=alfa.auth))
    granted = sorted(set(reference["roles"]["accountant"]) | {"org.manage_members"})
    ok(await open_api.patch(f"/api/v1/members/{acc_id}", json={"permissions": granted}, headers=alfa.auth))
    above = await open_api.post("/api/v1/invitations", json={"email": "z@alfa.ro", "role": "admin"}, headers=accountant.auth)
    assert above.status_code == 403
    ok(await open_api.post("/api/v1/invitations", json={"email": "z@alfa.ro", "role": "accountant"}, headers=accountant.auth), 201)


async def test_a_session_opens_in_the_organisation_with_companies_and_a_refresh_follows_removal(open_api, settings):
    """objects.md §8.4: a user in two organisations logs in to the one that has companies; once
    removed from it, the next refresh issues a token for the remaining membership."""
    alfa = await register(open_api, "owner@alfa.ro", organizationName="Alfa")
    await add_company(open_api, alfa)
    beta = await register_confirmed(open_api, settings, "beta@beta.ro", organizationName="Beta")
    token = await invite(open_api, settings, alfa, "beta@beta.ro", "admin")
    ok(await open_api.post(f"/api/v1/invitations/accept/{token}", headers=beta.auth))
    session = await login(open_api, "beta@beta.ro")
    assert ok(await open_api.get("/api/v1/me", headers=session.auth))["organization"]["name"] == "Alfa"
    members = ok(await open_api.get("/api/v1/members", headers=alfa.auth))["data"]
    member_id = next(m["id"] for m in members if m["user"]["email"] == "beta@beta.ro")
    assert (await open_api.delete(f"/api/v1/members/{member_id}", headers=alfa.auth)).status_code == 204
    renewed = ok(await open_api.post("/api/auth/refresh", json={"refresh_token": session.refresh_token}))
    me = ok(await open_api.get("/api/v1/me", headers={"Authorization": f"Bearer {renewed['token']}"}))
    assert me["organization"]["name"] == "Beta" and [m["organization"]["name"] for m in me["memberships"]] == ["Beta"]
