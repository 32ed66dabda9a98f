"""API keys (objects.md §8.3, §3.16): created once with the raw key, stored as a digest, sent as
``Authorization: af_…``, limited to their scopes, refused once revoked or expired, managed only
from a JWT session, audited, and created only after step-up MFA when the user has MFA."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

from core.audit.tables import AuditEntry
from core.auth.apikeys.tables import ApiKey
from core.auth.mfa import challenges
from core.auth.mfa.tables import TotpSecret
from core.auth.permissions import ROLE_PERMISSIONS
from core.auth.tables import Membership
from tests.core.conftest import in_app, ok

KEY = re.compile(r"^af_[0-9a-f]{64}$")


async def create_key(api, tenant, scopes, **extra):
    return ok(
        await api.post("/api/v1/api-tokens", json={"name": "CI", "scopes": scopes, **extra}, headers=tenant.auth), 201
    )


def key_headers(key: str, company_id: str) -> dict[str, str]:
    return {"Authorization": key, "X-Company": company_id}


async def test_key_is_shown_once_stored_as_digest_and_acts_within_its_scopes(owner, api):
    created = await create_key(api, owner, ["client.view", "invoice.view"])
    key = created["token"]
    assert KEY.match(key) and created["tokenPrefix"] == key[:12]
    assert created["scopes"] == ["client.view", "invoice.view"]
    assert created["revokedAt"] is None and created["lastUsedAt"] is None and created["expireAt"] is None
    row = in_app(api, ApiKey.select().where(ApiKey.id == created["id"]).first().run)
    assert row["token_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr(row)  # only the digest and the 12-character prefix are stored

    listed = ok(await api.get("/api/v1/api-tokens", headers=owner.auth))["data"]
    assert [k["id"] for k in listed] == [created["id"]] and "token" not in listed[0]

    ok(await api.get("/api/v1/clients", headers=key_headers(key, owner.company_id)))
    ok(await api.get("/api/v1/invoices", headers=key_headers(key, owner.company_id)))
    me = ok(await api.get("/api/v1/me", headers={"Authorization": key}))
    assert me["email"] == owner.email
    used = ok(await api.get("/api/v1/api-tokens", headers=owner.auth))["data"][0]
    assert used["lastUsedAt"] is not None

    # beyond its scopes, although the owner may do all of it
    for method, path, body in [
        ("POST", "/api/v1/clients", {"name": "X", "county": "Cluj"}),
        ("GET", "/api/v1/products", None),
        ("GET", "/api/v1/document-series", None),
        ("POST", "/api/v1/invoices", {}),
    ]:
        answer = await api.request(method, path, json=body, headers=key_headers(key, owner.company_id))
        assert answer.status_code == 403 and answer.json() == {"error": "Permission denied."}, (method, path)


async def test_key_management_refuses_key_callers(owner, api):
    key = (await create_key(api, owner, ["api_key.manage", "api_key.view"]))["token"]
    headers = {"Authorization": key}
    for method, path, body in [
        ("GET", "/api/v1/api-tokens", None),
        ("GET", "/api/v1/api-tokens/scopes", None),
        ("POST", "/api/v1/api-tokens", {"name": "child", "scopes": ["client.view"]}),
    ]:
        answer = await api.request(method, path, json=body, headers=headers)
        assert answer.status_code == 403, (method, path)
    assert len(ok(await api.get("/api/v1/api-tokens", headers=owner.auth))["data"]) == 1


async def test_revocation_is_immediate_and_audited(owner, api):
    created = await create_key(api, owner, ["client.view"])
    headers = key_headers(created["token"], owner.company_id)
    ok(await api.get("/api/v1/clients", headers=headers))
    assert (await api.delete(f"/api/v1/api-tokens/{created['id']}", headers=owner.auth)).status_code == 204
    refused = await api.get("/api/v1/clients", headers=headers)
    assert refused.status_code == 403
    assert refused.json() == {
        "status_code": 403,
        "detail": "API token revoked.",
        "message": "Invalid API Token",
        "error_code": "AUTH_HEADER_TOKEN",
    }
    listed = ok(await api.get("/api/v1/api-tokens", headers=owner.auth))["data"]
    assert listed[0]["revokedAt"] is not None
    assert (await api.delete(f"/api/v1/api-tokens/{created['id']}", headers=owner.auth)).status_code == 204
    actions = in_app(
        api, AuditEntry.select(AuditEntry.action, AuditEntry.target, AuditEntry.details).order_by(AuditEntry.seq).run
    )
    mine = [(a["action"], a["target"]) for a in actions if a["action"].startswith("api_key.")]
    assert mine == [("api_key.created", created["id"]), ("api_key.revoked", created["id"])]
    assert all(created["token"] not in a["details"] for a in actions)


async def test_expired_unknown_and_malformed_keys_are_refused(owner, api):
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
    created = await create_key(api, owner, ["client.view"], expireAt=soon)
    assert created["expireAt"] is not None
    headers = key_headers(created["token"], owner.company_id)
    ok(await api.get("/api/v1/clients", headers=headers))
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    in_app(api, ApiKey.update({ApiKey.expires_at: past}).where(ApiKey.id == created["id"]).run)
    expired = await api.get("/api/v1/clients", headers=headers)
    assert expired.status_code == 403 and expired.json()["detail"] == "API token expired."
    unknown = await api.get("/api/v1/clients", headers=key_headers("af_" + "0" * 64, owner.company_id))
    assert unknown.status_code == 403 and unknown.json()["detail"] == "Unknown API token."
    for value in ("af_short", "Token abc", created["token"][:-1] + "G"):
        answer = await api.get("/api/v1/clients", headers=key_headers(value, owner.company_id))
        assert answer.status_code == 403 and answer.json()["error_code"] == "AUTH_HEADER_TOKEN", value
    in_the_past = await api.post(
        "/api/v1/api-tokens",
        json={"name": "old", "scopes": ["client.view"], "expiresAt": past.isoformat()},
        headers=owner.auth,
    )
    assert in_the_past.status_code == 400


async def test_scopes_must_exist_and_be_held_by_the_creator(owner, api):
    for body in (
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["invoice.fly"]},
        {"name": "", "scopes": ["client.view"]},
    ):
        assert (await api.post("/api/v1/api-tokens", json=body, headers=owner.auth)).status_code == 400, body
    grantable = ok(await api.get("/api/v1/api-tokens/scopes", headers=owner.auth))["data"]
    names = {name for group in grantable for name in group["scopes"]}
    assert names == ROLE_PERMISSIONS["owner"] and len(names) == 50
    assert {"category": "efactura", "scopes": ["efactura.submit", "efactura.view"]} in grantable

    in_app(api, Membership.update({Membership.role: "admin"}).where(Membership.organisation.is_not_null()).run)
    beyond = await api.post(
        "/api/v1/api-tokens", json={"name": "x", "scopes": ["org.manage_billing"]}, headers=owner.auth
    )
    assert beyond.status_code == 403
    in_app(api, Membership.update({Membership.role: "accountant"}).where(Membership.organisation.is_not_null()).run)
    no_manage = await api.post("/api/v1/api-tokens", json={"name": "x", "scopes": ["client.view"]}, headers=owner.auth)
    assert no_manage.status_code == 403 and no_manage.json() == {"error": "Permission denied."}


async def test_rename_and_replace_scopes(owner, api):
    created = await create_key(api, owner, ["client.view"])
    headers = key_headers(created["token"], owner.company_id)
    assert (await api.get("/api/v1/products", headers=headers)).status_code == 403
    changed = ok(
        await api.patch(
            f"/api/v1/api-tokens/{created['id']}",
            json={"name": "Renamed", "scopes": ["product.view"]},
            headers=owner.auth,
        )
    )
    assert changed["name"] == "Renamed" and changed["scopes"] == ["product.view"] and "token" not in changed
    ok(await api.get("/api/v1/products", headers=headers))
    assert (await api.get("/api/v1/clients", headers=headers)).status_code == 403
    assert (
        await api.patch(
            "/api/v1/api-tokens/00000000-0000-7000-8000-000000000000", json={"name": "n"}, headers=owner.auth
        )
    ).status_code == 404
    updates = in_app(api, AuditEntry.select(AuditEntry.target).where(AuditEntry.action == "api_key.updated").run)
    assert updates == [{"target": created["id"]}]


async def test_a_key_speaks_only_for_its_organisation(owner, api):
    key = (await create_key(api, owner, ["client.view"]))["token"]
    other_org = "00000000-0000-7000-8000-000000000001"
    answer = await api.get(
        "/api/v1/clients", headers={**key_headers(key, owner.company_id), "X-Organization": other_org}
    )
    assert answer.status_code == 403
    in_app(api, Membership.update({Membership.active: False}).where(Membership.organisation.is_not_null()).run)
    assert (await api.get("/api/v1/clients", headers=key_headers(key, owner.company_id))).status_code == 403


async def test_creation_needs_step_up_when_the_user_has_mfa(owner, api):
    me = ok(await api.get("/api/v1/me", headers=owner.auth))
    in_app(api, TotpSecret.insert(TotpSecret(user_id=me["id"], secret="JBSWY3DPEHPK3PXP", enabled=True)).run)
    body = {"name": "CI", "scopes": ["client.view"]}
    missing = await api.post("/api/v1/api-tokens", json=body, headers=owner.auth)
    assert missing.status_code == 403 and missing.json()["error"] == "mfa_required"
    wrong = await api.post("/api/v1/api-tokens", json={**body, "verification_token": "f" * 64}, headers=owner.auth)
    assert wrong.status_code == 403 and wrong.json()["error"] == "mfa_required"
    token = in_app(api, challenges.issue_verification, me["id"])
    created = ok(
        await api.post("/api/v1/api-tokens", json={**body, "verification_token": token}, headers=owner.auth), 201
    )
    assert KEY.match(created["token"])
    replay = await api.post("/api/v1/api-tokens", json={**body, "verification_token": token}, headers=owner.auth)
    assert replay.status_code == 403  # the verification is single use
    assert len(ok(await api.get("/api/v1/api-tokens", headers=owner.auth))["data"]) == 1
