"""Passkeys (objects.md §8.1, §8.2): registration, passwordless login and the passkey as a second
factor, through the real API with a software authenticator (real keys and signatures, verified by
py_webauthn on the server)."""

from __future__ import annotations

import json
import re

import pytest

from core.audit.tables import AuditEntry
from core.auth import stepup
from core.auth.mfa.passkeys import relying_party
from tests.core.conftest import PASSWORD, in_app, ok, register
from tests.support.authenticator import SoftAuthenticator, b64url, from_b64url

EMAIL = "owner@alfa.ro"


@pytest.fixture
def device(settings) -> SoftAuthenticator:
    """A software authenticator on the appliance's own origin."""
    return SoftAuthenticator(relying_party(settings)[1])


async def add_passkey(api, tenant, device: SoftAuthenticator, name: str | None = "Laptop") -> dict:
    options = ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))
    body = {"credential": device.create(options)} | ({"name": name} if name else {})
    return ok(await api.post("/api/v1/passkey/register", json=body, headers=tenant.auth), 201)


def actions(api) -> list[tuple[str, dict]]:
    rows = in_app(api, AuditEntry.select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.seq).run)
    return [(row["action"], json.loads(row["details"])) for row in rows]


async def test_registration_options_name_the_relying_party_and_user(api, settings):
    tenant = await register(api, EMAIL, firstName="Ana", lastName="Pop")
    options = ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))
    rp_id, _ = relying_party(settings)
    assert options["rp"] == {"id": rp_id, "name": "Storno"}
    assert options["user"]["name"] == EMAIL and options["user"]["displayName"] == "Ana Pop"
    assert len(from_b64url(options["challenge"])) >= 16
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]


async def test_register_then_list_and_status(api, device):
    tenant = await register(api, EMAIL)
    stored = await add_passkey(api, tenant, device, name="iPhone")
    assert stored["name"] == "iPhone" and stored["lastUsedAt"] is None and stored["createdAt"].endswith("+00:00")
    listed = ok(await api.get("/api/v1/me/passkeys", headers=tenant.auth))
    assert listed == [stored]
    status = ok(await api.get("/api/v1/me/mfa/status", headers=tenant.auth))
    assert status["passkeysCount"] == 1 and status["mfaEnabled"] is True and status["totpEnabled"] is False
    assert ("mfa.passkey_added", {"name": "iPhone"}) in actions(api)
    # the next options exclude the registered credential
    options = ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(cid) for cid in device.credentials]


async def test_registration_answering_another_challenge_or_origin_fails(api, device):
    tenant = await register(api, EMAIL)
    stale = ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))
    ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))  # replaces the first
    refused = await api.post("/api/v1/passkey/register", json={"credential": device.create(stale)}, headers=tenant.auth)
    assert refused.status_code == 400 and refused.json()["error"]
    options = ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))
    phished = device.create(options, origin="https://evil.example")
    refused = await api.post("/api/v1/passkey/register", json={"credential": phished}, headers=tenant.auth)
    assert refused.status_code == 400
    assert ok(await api.get("/api/v1/me/passkeys", headers=tenant.auth)) == []


async def test_a_registration_response_cannot_be_replayed(api, device):
    tenant = await register(api, EMAIL)
    options = ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))
    credential = device.create(options)
    ok(await api.post("/api/v1/passkey/register", json={"credential": credential}, headers=tenant.auth), 201)
    again = ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth))
    # the same attestation re-sent for the new challenge: the client data names the old challenge
    replay = await api.post("/api/v1/passkey/register", json={"credential": credential}, headers=tenant.auth)
    assert replay.status_code == 400
    assert again["excludeCredentials"][0]["id"] == credential["id"]


async def test_passwordless_login_with_a_passkey(api, device):
    tenant = await register(api, EMAIL)
    await add_passkey(api, tenant, device)
    options = ok(await api.post("/api/auth/passkey/login/options"))
    assert re.fullmatch(r"[0-9a-f]{64}", options["sessionId"]) and options["allowCredentials"] == []
    response = await api.post(
        "/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": device.get(options)}
    )
    tokens = ok(response)
    assert "__refresh__token=" in response.headers["set-cookie"]
    me = ok(await api.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['token']}"}))
    assert me["email"] == EMAIL
    (listed,) = ok(await api.get("/api/v1/me/passkeys", headers=tenant.auth))
    assert listed["lastUsedAt"] is not None
    assert ("auth.login", {"method": "passkey"}) in actions(api)
    # the session is spent
    reused = await api.post(
        "/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": device.get(options)}
    )
    assert reused.status_code == 401


async def test_a_wrong_signature_fails(api, device):
    tenant = await register(api, EMAIL)
    await add_passkey(api, tenant, device)
    options = ok(await api.post("/api/auth/passkey/login/options"))
    forged = device.get(options, foreign_key=True)
    refused = await api.post("/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": forged})
    assert refused.status_code == 401 and "token" not in refused.json()
    assert ("auth.login_failed", {"method": "passkey", "reason": "assertion"}) in actions(api)


async def test_a_replayed_sign_counter_fails(api, device):
    tenant = await register(api, EMAIL)
    await add_passkey(api, tenant, device)
    options = ok(await api.post("/api/auth/passkey/login/options"))
    ok(await api.post("/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": device.get(options, sign_count=7)}))
    options = ok(await api.post("/api/auth/passkey/login/options"))
    cloned = device.get(options, sign_count=7)  # a clone still at the counter already seen
    refused = await api.post("/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": cloned})
    assert refused.status_code == 401
    options = ok(await api.post("/api/auth/passkey/login/options"))
    ok(await api.post("/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": device.get(options, sign_count=8)}))


async def test_an_assertion_for_another_challenge_fails(api, device):
    tenant = await register(api, EMAIL)
    await add_passkey(api, tenant, device)
    first = ok(await api.post("/api/auth/passkey/login/options"))
    second = ok(await api.post("/api/auth/passkey/login/options"))
    crossed = device.get(first)
    refused = await api.post("/api/auth/passkey/login", json={"sessionId": second["sessionId"], "credential": crossed})
    assert refused.status_code == 401
    wrong_origin = device.get(first, origin="https://evil.example")
    refused = await api.post("/api/auth/passkey/login", json={"sessionId": first["sessionId"], "credential": wrong_origin})
    assert refused.status_code == 401


async def test_an_unknown_credential_fails(api, device):
    tenant = await register(api, EMAIL)
    await add_passkey(api, tenant, device)
    stranger = SoftAuthenticator(device.origin)
    stranger.create(ok(await api.post("/api/v1/passkey/register/options", headers=tenant.auth)))  # never sent
    options = ok(await api.post("/api/auth/passkey/login/options"))
    refused = await api.post("/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": stranger.get(options)})
    assert refused.status_code == 401


async def test_a_passkey_makes_password_logins_ask_for_a_second_factor(api, device):
    tenant = await register(api, EMAIL)
    await add_passkey(api, tenant, device)
    challenge = ok(await api.post("/api/auth", json={"email": EMAIL, "password": PASSWORD}))
    assert challenge["mfa_required"] is True and challenge["mfa_methods"] == ["passkey", "email_otp"]
    token = challenge["mfa_token"]
    # no options requested yet: no WebAuthn challenge to answer
    early = await api.post("/api/auth/mfa/verify", json={"mfaToken": token, "type": "passkey", "credential": {}})
    assert early.status_code == 401
    options = ok(await api.post("/api/auth/mfa/passkey/options", json={"mfaToken": token}))
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(cid) for cid in device.credentials]
    forged = await api.post(
        "/api/auth/mfa/verify", json={"mfaToken": token, "type": "passkey", "credential": device.get(options, foreign_key=True)}
    )
    assert forged.status_code == 401 and forged.json() == {"error": "Invalid code."}
    tokens = ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": token, "type": "passkey", "credential": device.get(options)}))
    assert tokens["token"] and tokens["refresh_token"]
    assert ("auth.login", {"method": "password", "mfa": "passkey"}) in actions(api)


async def test_step_up_with_a_passkey(api, device):
    tenant = await register(api, EMAIL)
    await add_passkey(api, tenant, device)
    user_id = ok(await api.get("/api/v1/me", headers=tenant.auth))["id"]
    challenge = ok(await api.post("/api/v1/mfa/challenge", headers=tenant.auth))
    assert challenge["mfa_required"] is True and challenge["methods"] == ["passkey", "email_otp"]
    answer = ok(
        await api.post(
            "/api/v1/mfa/verify",
            json={
                "challengeToken": challenge["challenge_token"],
                "type": "passkey",
                "credential": device.get(challenge["passkeyOptions"]),
            },
            headers=tenant.auth,
        )
    )
    in_app(api, stepup.require_step_up, user_id, answer["verification_token"])


async def test_removing_passkeys(api, device):
    tenant = await register(api, EMAIL)
    stored = await add_passkey(api, tenant, device)
    missing = await api.delete("/api/v1/me/passkeys/00000000-0000-7000-8000-000000000000", headers=tenant.auth)
    assert missing.status_code == 404
    assert (await api.delete(f"/api/v1/me/passkeys/{stored['id']}", headers=tenant.auth)).status_code == 204
    assert ok(await api.get("/api/v1/me/passkeys", headers=tenant.auth)) == []
    assert "mfa.passkey_removed" in [a for a, _ in actions(api)]
    tokens = ok(await api.post("/api/auth", json={"email": EMAIL, "password": PASSWORD}))
    assert tokens["token"] and "mfa_required" not in tokens
    # the removed credential no longer logs anyone in
    options = ok(await api.post("/api/auth/passkey/login/options"))
    refused = await api.post("/api/auth/passkey/login", json={"sessionId": options["sessionId"], "credential": device.get(options)})
    assert refused.status_code == 401
