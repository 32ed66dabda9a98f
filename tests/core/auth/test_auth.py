"""Registration, login, tokens and ``/me`` (objects.md §8.1, §3.18; shape E errors)."""

from __future__ import annotations

import datetime as dt

import jwt
import msgspec
import pytest

from core.auth import security
from core.auth.tables import User
from tests.core.conftest import PASSWORD, in_app, login, ok, register, start_api


async def test_first_run_registers_owner_who_logs_in_at_once(api):
    answer = ok(
        await api.post("/api/auth/register", json={"email": " Ana@Alfa.RO ", "password": PASSWORD, "firstName": "Ana"}),
        201,
    )
    assert answer["email"] == "ana@alfa.ro"
    tenant = await login(api, "ANA@alfa.ro")
    me = ok(await api.get("/api/v1/me", headers=tenant.auth))
    assert me["email"] == "ana@alfa.ro" and me["firstName"] == "Ana" and me["fullName"] == "Ana"
    assert me["emailVerified"] is True and me["active"] is True and me["currentRole"] == "owner"
    assert me["organization"]["name"] == "Ana" and me["memberships"][0]["role"] == "owner"
    assert "company.create" in me["permissions"] and "org.manage_billing" in me["permissions"]
    assert me["createdAt"].endswith("+00:00")


async def test_access_token_claims(api, settings):
    tenant = await register(api, "owner@alfa.ro")
    claims = jwt.decode(
        tenant.token, settings.secret_key, algorithms=["HS256"], audience="storno-api", issuer="storno-appliance"
    )
    assert claims["username"] == claims["email"] == "owner@alfa.ro"
    assert claims["exp"] - claims["iat"] == 3600 and claims["org"] and claims["sub"]


async def test_second_registration_is_refused_while_registration_is_closed(api):
    await register(api, "owner@alfa.ro")
    refused = await api.post("/api/auth/register", json={"email": "other@beta.ro", "password": PASSWORD})
    assert refused.status_code == 403 and refused.json()["error"]


async def test_open_registration_creates_unverified_accounts_and_refuses_duplicates(settings):
    async with start_api(msgspec.structs.replace(settings, open_registration=True)) as api:
        await register(api, "owner@alfa.ro")
        ok(await api.post("/api/auth/register", json={"email": "other@beta.ro", "password": PASSWORD}), 201)
        duplicate = await api.post("/api/auth/register", json={"email": "OTHER@beta.ro", "password": PASSWORD})
        assert duplicate.status_code == 409 and duplicate.json()["error"]
        unconfirmed = await api.post("/api/auth", json={"email": "other@beta.ro", "password": PASSWORD})
        assert unconfirmed.status_code == 403 and unconfirmed.json()["code"] == "email_not_confirmed"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "ok@alfa.ro", "password": "short"},
    ],
)
async def test_registration_input_is_checked(api, body):
    answer = await api.post("/api/auth/register", json=body)
    assert answer.status_code == 400 and answer.json()["error"]


async def test_bad_credentials_are_401_shape_e(api):
    await register(api, "owner@alfa.ro")
    for body in (
        {"email": "owner@alfa.ro", "password": "wrong-password"},
        {"email": "nobody@alfa.ro", "password": PASSWORD},
    ):
        answer = await api.post("/api/auth", json=body)
        assert answer.status_code == 401
        assert answer.json() == {"code": 401, "message": "Invalid credentials."}


async def test_inactive_account_is_refused_at_login_and_on_every_request(api):
    tenant = await register(api, "owner@alfa.ro")
    in_app(api, User.update({User.active: False}).where(User.email == "owner@alfa.ro").run)
    answer = await api.post("/api/auth", json={"email": "owner@alfa.ro", "password": PASSWORD})
    assert answer.status_code == 403 and answer.json()["code"] == "account_inactive"
    answer = await api.get("/api/v1/me", headers=tenant.auth)
    assert answer.status_code == 403 and answer.json()["code"] == "account_inactive"


async def test_missing_garbage_forged_and_expired_bearer_tokens_are_401(api, settings):
    tenant = await register(api, "owner@alfa.ro")
    user_id = ok(await api.get("/api/v1/me", headers=tenant.auth))["id"]
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    expired = security.issue_access_token(
        settings.secret_key, user_id=user_id, email=tenant.email, organisation_id=None, now=past
    )
    forged = security.issue_access_token(
        "another-key-entirely-0123456789abcdef", user_id=user_id, email=tenant.email, organisation_id=None
    )
    unsigned = jwt.encode({"sub": user_id, "iss": "storno-appliance", "aud": "storno-api"}, key=None, algorithm="none")
    wrong_audience = jwt.encode(
        {"sub": user_id, "iss": "storno-appliance", "aud": "elsewhere", "iat": 1, "exp": 2**40},
        settings.secret_key,
        algorithm="HS256",
    )
    cases = [
        ({}, "JWT Token not found"),
        ({"Authorization": "Bearer "}, "JWT Token not found"),
        ({"Authorization": "Bearer garbage"}, "Invalid JWT Token"),
        ({"Authorization": f"Bearer {forged}"}, "Invalid JWT Token"),
        ({"Authorization": f"Bearer {unsigned}"}, "Invalid JWT Token"),
        ({"Authorization": f"Bearer {wrong_audience}"}, "Invalid JWT Token"),
        ({"Authorization": f"Bearer {expired}"}, "Expired JWT Token"),
    ]
    for headers, message in cases:
        answer = await api.get("/api/v1/me", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json() == {"code": 401, "message": message}, headers
    # objects.md §8.3: any other scheme is taken for an API key, refused with 403 shape F
    basic = await api.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 403 and basic.json()["error_code"] == "AUTH_HEADER_TOKEN"


@pytest.mark.parametrize("path", ["/api/auth/refresh", "/api/auth/token/refresh"])
async def test_refresh_rotates_and_a_replayed_token_revokes_the_family(api, path):
    tenant = await register(api, "owner@alfa.ro")
    first = ok(await api.post(path, json={"refresh_token": tenant.refresh_token}), 200)
    assert first["refresh_token"] != tenant.refresh_token
    ok(await api.get("/api/v1/me", headers={"Authorization": f"Bearer {first['token']}"}))
    replay = await api.post(path, json={"refresh_token": tenant.refresh_token})
    assert replay.status_code == 401 and replay.json()["code"] == 401
    # the replay revoked the whole family, so the legitimate successor is dead too
    assert (await api.post(path, json={"refresh_token": first["refresh_token"]})).status_code == 401
    # a new login starts a new family
    fresh = await login(api, "owner@alfa.ro")
    ok(await api.post(path, json={"refreshToken": fresh.refresh_token}), 200)


async def test_refresh_needs_a_token_and_accepts_the_cookie(api):
    tenant = await register(api, "owner@alfa.ro")
    missing = await api.post("/api/auth/refresh")
    assert missing.status_code == 401 and missing.json()["message"] == "JWT Refresh Token Not Found"
    assert (await api.post("/api/auth/refresh", json={"refresh_token": "nonsense"})).status_code == 401
    api.cookies.set("__refresh__token", tenant.refresh_token)
    answer = ok(await api.post("/api/auth/refresh"), 200)
    assert answer["token"] and answer["refresh_token"]


async def test_login_sets_the_refresh_cookie(api):
    await register(api, "owner@alfa.ro")
    answer = await api.post("/api/auth", json={"email": "owner@alfa.ro", "password": PASSWORD})
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__refresh__token=") and "HttpOnly" in cookie and "Secure" in cookie


async def test_passwords_are_argon2id_and_never_stored_in_clear(api):
    await register(api, "owner@alfa.ro")
    stored = in_app(api, User.select(User.password_hash).where(User.email == "owner@alfa.ro").first().run)
    assert stored["password_hash"].startswith("$argon2id$") and PASSWORD not in stored["password_hash"]
    assert security.verify_password(stored["password_hash"], PASSWORD)
    assert not security.verify_password(stored["password_hash"], PASSWORD + "x")
    assert not security.verify_password(None, PASSWORD) and not security.verify_password("garbage", PASSWORD)


async def test_malformed_json_and_wrong_types_are_400(api):
    malformed = await api.post("/api/auth", content=b'{"email": ', headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["error"]
    wrong_type = await api.post("/api/auth", json={"email": ["x"], "password": PASSWORD})
    assert wrong_type.status_code == 400 and "email" in wrong_type.json()["error"]
