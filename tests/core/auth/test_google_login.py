"""Sign in with Google (objects.md §8.1): ID tokens are verified for real — RS256 signatures
against a JWKS served over HTTP by a local server, with keys generated here — for audience,
issuer, expiry and a verified e-mail; accounts are found by Google sub, then e-mail."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from core.auth.tables import User
from tests.core.conftest import PASSWORD, in_app, ok, register, start_api
from tests.support.loopback import Handler, serving

CLIENT_ID = "1234567890-appliance.apps.googleusercontent.com"


class Google:
    """A stand-in for Google's key endpoint: serves the JWKS of its own RSA key and signs ID tokens."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = json.dumps({"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}).encode()
        self.fetches = 0

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        owner = self

        class Jwks(Handler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                owner.fetches += 1
                self.send(200, owner.jwks)

        with serving(Jwks) as base:
            yield f"{base}/oauth2/v3/certs"

    def token(self, key: Any = None, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": "https://accounts.google.com",
            "aud": CLIENT_ID,
            "sub": "110000000000000000001",
            "email": "ana@gmail.com",
            "email_verified": True,
            "given_name": "Ana",
            "family_name": "Pop",
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def google() -> Iterator[tuple[Google, str]]:
    provider = Google()
    with provider.serve() as url:
        yield provider, url


def _configured(settings: Any, url: str, **more: Any) -> Any:
    return msgspec.structs.replace(settings, google_client_id=CLIENT_ID, google_jwks_url=url, **more)


async def test_first_google_sign_in_creates_the_owner_then_finds_them_by_sub(settings, google):
    provider, url = google
    async with start_api(_configured(settings, url)) as api:
        answer = await api.post("/api/auth/google", json={"credential": provider.token()})
        tokens = ok(answer)
        assert answer.headers["set-cookie"].startswith("__refresh__token=")
        me = ok(await api.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['token']}"}))
        assert me["email"] == "ana@gmail.com" and me["emailVerified"] is True and me["hasPassword"] is False
        assert me["currentRole"] == "owner" and me["fullName"] == "Ana Pop"
        # same Google account, new address at Google: still the same user (linked by sub); docs' spelling accepted
        again = ok(await api.post("/api/auth/google", json={"idToken": provider.token(email="ana.pop@gmail.com")}))
        me_again = ok(await api.get("/api/v1/me", headers={"Authorization": f"Bearer {again['token']}"}))
        assert me_again["id"] == me["id"]
        assert in_app(api, User.count().run) == 1
        assert provider.fetches == 1  # the key set is cached


async def test_existing_account_is_linked_by_email(settings, google):
    provider, url = google
    async with start_api(_configured(settings, url)) as api:
        await register(api, "ana@gmail.com")
        tokens = ok(await api.post("/api/auth/google", json={"credential": provider.token()}))
        me = ok(await api.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['token']}"}))
        assert me["email"] == "ana@gmail.com" and me["hasPassword"] is True
        linked = in_app(api, User.select(User.google_sub).where(User.email == "ana@gmail.com").first().run)
        assert linked["google_sub"] == "110000000000000000001"
        other = await api.post("/api/auth/google", json={"credential": provider.token(sub="220000000000000000002")})
        assert other.status_code == 409


async def test_closed_registration_refuses_unknown_google_accounts(settings, google):
    provider, url = google
    async with start_api(_configured(settings, url)) as api:
        await register(api, "owner@alfa.ro")
        refused = await api.post("/api/auth/google", json={"credential": provider.token()})
        assert refused.status_code == 403 and refused.json()["code"] == "registration_required"
        assert in_app(api, User.count().run) == 1
    async with start_api(_configured(settings, url, open_registration=True)) as api:
        ok(await api.post("/api/auth/google", json={"credential": provider.token()}))


async def test_tokens_that_fail_verification_are_401(settings, google):
    provider, url = google
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    cases = {
        "wrong audience": provider.token(aud="someone-else.apps.googleusercontent.com"),
        "expired": provider.token(iat=now - 7200, exp=now - 3600),
        "wrong key": provider.token(key=stranger),
        "wrong issuer": provider.token(iss="https://accounts.example.com"),
        "unverified e-mail": provider.token(email_verified=False),
        "unknown key id": jwt.encode({"sub": "1", "aud": CLIENT_ID}, provider.key, algorithm="RS256", headers={"kid": "other"}),
        "HS256 instead of RS256": jwt.encode(
            {"sub": "1", "aud": CLIENT_ID, "iss": "accounts.google.com", "iat": now, "exp": now + 60,
             "email": "x@gmail.com", "email_verified": True},
            "a-shared-secret-that-google-never-uses-0123456789", algorithm="HS256", headers={"kid": provider.kid},
        ),
        "garbage": "not-a-jwt",
    }
    async with start_api(_configured(settings, url)) as api:
        for name, token in cases.items():
            answer = await api.post("/api/auth/google", json={"credential": token})
            assert answer.status_code == 401, name
            assert answer.json()["code"] == 401 and answer.json()["message"], name
        assert in_app(api, User.count().run) == 0
        ok(await api.post("/api/auth/google", json={"credential": provider.token(iss="accounts.google.com")}))


async def test_google_sign_in_is_off_without_a_client_id(api):
    answer = await api.post("/api/auth/google", json={"credential": "x.y.z"})
    assert answer.status_code == 400 and answer.json()["code"] == "google_not_configured"
    assert (await api.post("/api/auth", json={"email": "x@y.ro", "password": PASSWORD})).status_code == 401


async def test_a_google_only_user_sets_a_first_password(settings, google):
    provider, url = google
    async with start_api(_configured(settings, url)) as api:
        tokens = ok(await api.post("/api/auth/google", json={"credential": provider.token()}))
        auth = {"Authorization": f"Bearer {tokens['token']}"}
        refused = await api.post("/api/auth", json={"email": "ana@gmail.com", "password": PASSWORD})
        assert refused.status_code == 401
        me = ok(await api.patch("/api/v1/me", json={"newPassword": PASSWORD}, headers=auth))
        assert me["hasPassword"] is True
        ok(await api.post("/api/auth", json={"email": "ana@gmail.com", "password": PASSWORD}))
