"""A scoped API key cannot exceed its scopes nor its user's role; revoked and expired keys are refused.

Effective permission = membership permissions ∩ key scopes (objects.md §8.3), enforced for every
company-scoped operation (the OpenAPI walk) and for the management endpoints.
"""

from __future__ import annotations

import datetime as dt

from core.auth.apikeys.tables import ApiKey
from core.auth.operations import permission_for
from core.auth.tables import Membership
from tests.core.conftest import in_app, ok
from tests.security.conftest import LINES, call


async def _key(estate, tenant, scopes):
    body = {"name": "scoped", "scopes": scopes}
    return ok(await estate.api.post("/api/v1/api-tokens", json=body, headers=tenant.auth), 201)


async def test_a_view_only_key_cannot_create_an_invoice(estate):
    api, a = estate.api, estate.a
    key = (await _key(estate, a, ["invoice.view"]))["token"]
    headers = {"Authorization": key, "X-Company": a.company_id}
    ok(await api.get("/api/v1/invoices", headers=headers))
    created = await api.post(
        "/api/v1/invoices", json={"clientId": a.extra["client_id"], "lines": LINES}, headers=headers
    )
    assert created.status_code == 403 and created.json() == {"error": "Permission denied."}
    assert ok(await api.get("/api/v1/invoices", headers=a.headers))["total"] == 0


async def test_a_view_only_key_is_refused_every_other_company_operation(estate):
    """Walk: in A's own company, a key holding only ``invoice.view`` gets 403 from every
    operation needing another permission."""
    api, a = estate.api, estate.a
    key = (await _key(estate, a, ["invoice.view"]))["token"]
    ids = {**estate.b_ids, "company_id": a.company_id, "client_id": a.extra["client_id"]}
    failures, walked = [], 0
    for op in estate.operations:
        if permission_for(op.method, op.path) in (None, "invoice.view"):
            continue
        walked += 1
        answer = await call(estate, op, {"Authorization": key, "X-Company": a.company_id}, ids)
        if answer.status_code != 403:
            failures.append(f"{op.method} {op.path} -> {answer.status_code} {answer.text[:120]}")
    assert walked >= 60 and not failures, "\n".join(failures)


async def test_an_employees_key_cannot_exceed_the_role(estate):
    """A key granted ``invoice.create`` while its user was owner stops creating invoices once the
    user is an employee: the role caps the key."""
    api, a = estate.api, estate.a
    key = (await _key(estate, a, ["invoice.create", "invoice.view", "client.create"]))["token"]
    headers = {"Authorization": key, "X-Company": a.company_id}
    body = {"clientId": a.extra["client_id"], "lines": LINES}
    ok(await api.post("/api/v1/invoices", json=body, headers=headers), 201)
    a_org = ok(await api.get("/api/v1/me", headers=a.auth))["organization"]["id"]
    in_app(api, Membership.update({Membership.role: "employee"}).where(Membership.organisation == a_org).run)
    refused = await api.post("/api/v1/invoices", json=body, headers=headers)
    assert refused.status_code == 403 and refused.json() == {"error": "Permission denied."}
    client = await api.post("/api/v1/clients", json={"name": "X", "county": "Cluj"}, headers=headers)
    assert client.status_code == 403
    ok(await api.get("/api/v1/invoices", headers=headers))  # what both allow still works
    assert (await api.get("/api/v1/api-tokens", headers=a.auth)).status_code == 403  # employees manage no keys


async def test_revoked_and_expired_keys_are_refused(estate):
    api, a = estate.api, estate.a
    revoked = await _key(estate, a, ["client.view"])
    expired = await _key(estate, a, ["client.view"])
    for key in (revoked, expired):
        ok(await api.get("/api/v1/clients", headers={"Authorization": key["token"], "X-Company": a.company_id}))
    assert (await api.delete(f"/api/v1/api-tokens/{revoked['id']}", headers=a.auth)).status_code == 204
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    in_app(api, ApiKey.update({ApiKey.expires_at: past}).where(ApiKey.id == expired["id"]).run)
    for key, reason in ((revoked, "API token revoked."), (expired, "API token expired.")):
        answer = await api.get("/api/v1/clients", headers={"Authorization": key["token"], "X-Company": a.company_id})
        assert answer.status_code == 403, reason
        assert answer.json() == {
            "status_code": 403,
            "detail": reason,
            "message": "Invalid API Token",
            "error_code": "AUTH_HEADER_TOKEN",
        }


async def test_a_key_cannot_manage_keys_even_with_the_scope(estate):
    api, a = estate.api, estate.a
    key = estate.a_key  # holds api_key.manage
    created = await api.post(
        "/api/v1/api-tokens", json={"name": "child", "scopes": ["client.view"]}, headers={"Authorization": key}
    )
    assert created.status_code == 403
    own = ok(await api.get("/api/v1/api-tokens", headers=a.auth))["data"][0]
    revoke = await api.delete(f"/api/v1/api-tokens/{own['id']}", headers={"Authorization": key})
    assert revoke.status_code == 403
    ok(await api.get("/api/v1/clients", headers={"Authorization": key, "X-Company": a.company_id}))


async def test_a_key_never_reaches_the_account_itself(estate):
    """No scope covers the account (password, MFA, passkeys, deletion): a key holding every scope
    is refused there, while reading the profile works."""
    api, a = estate.api, estate.a
    headers = {"Authorization": estate.a_key}
    ok(await api.get("/api/v1/me", headers=headers))
    document_paths = estate.document["paths"]
    attempts = [
        ("PATCH", "/api/v1/me", {"firstName": "Mallory"}),
        ("DELETE", "/api/v1/me", None),
        ("POST", "/api/v1/me/mfa/totp/setup", {}),
        ("GET", "/api/v1/me/mfa/status", None),
        ("POST", "/api/v1/mfa/challenge", {}),
        ("POST", "/api/v1/passkey/register/options", {}),
        ("GET", "/api/v1/api-tokens", None),
    ]
    walked = 0
    for method, path, body in attempts:
        if method.lower() not in document_paths.get(path, {}):
            continue  # route not served by this build
        walked += 1
        answer = await api.request(method, path, json=body, headers=headers)
        assert answer.status_code == 403, (method, path, answer.text)
    assert walked >= 3
    me = ok(await api.get("/api/v1/me", headers=a.auth))
    assert me["firstName"] != "Mallory"
