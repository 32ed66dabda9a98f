"""Forged, tampered and stale access tokens are 401; a spent refresh token is refused and its
reuse revokes the whole family (objects.md §8.1, RFC 7519, RFC 8725)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from core.auth import security
from tests.core.conftest import ok


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(header: dict, claims: dict, secret: bytes) -> str:
    """A JWT signed by hand (pyjwt rightly refuses a PEM public key as an HMAC secret)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


@pytest.fixture
async def signed_in(owner, api, settings):
    me = ok(await api.get("/api/v1/me", headers=owner.auth))
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    claims = {
        "iss": security.ISSUER,
        "aud": security.AUDIENCE,
        "sub": me["id"],
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "username": owner.email,
        "email": owner.email,
        "org": me["organization"]["id"],
        "roles": ["ROLE_USER"],
    }
    return owner, claims


async def _status(api, token: str) -> tuple[int, dict]:
    answer = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.json()


async def test_a_well_formed_token_is_accepted(signed_in, api, settings):
    _, claims = signed_in
    assert (await _status(api, jwt.encode(claims, settings.secret_key, algorithm="HS256")))[0] == 200


async def test_forged_and_stale_tokens_are_401(signed_in, api, settings):
    owner, claims = signed_in
    key = settings.secret_key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header, payload, signature = owner.token.split(".")
    other_claims = {
        **json.loads(base64.urlsafe_b64decode(payload + "==")),
        "sub": "00000000-0000-7000-8000-000000000000",
    }
    now = claims["iat"]
    cases = {
        "tampered payload": f"{header}.{_b64(json.dumps(other_claims).encode())}.{signature}",
        "tampered signature": f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "alg none": f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{_b64(json.dumps(claims).encode())}.",
        "alg None, signature kept": f"{_b64(json.dumps({'alg': 'None'}).encode())}.{payload}.{signature}",
        "HS256 with the wrong key": jwt.encode(claims, "not-the-appliance-key-0123456789abcdef", algorithm="HS256"),
        "RS256 public key as HMAC secret": _hs256({"alg": "HS256", "typ": "JWT"}, claims, public_pem),
        "RS256 signed by an outsider": jwt.encode(claims, private, algorithm="RS256"),
        "HS512 with the right key": jwt.encode(claims, key, algorithm="HS512"),
        "expired": jwt.encode(
            {**claims, "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600}, key, algorithm="HS256"
        ),
        "not yet valid": jwt.encode({**claims, "nbf": now + 3600, "exp": now + 7200}, key, algorithm="HS256"),
        "wrong issuer": jwt.encode({**claims, "iss": "someone-else"}, key, algorithm="HS256"),
        "wrong audience": jwt.encode({**claims, "aud": "another-api"}, key, algorithm="HS256"),
        "no expiry": jwt.encode({k: v for k, v in claims.items() if k != "exp"}, key, algorithm="HS256"),
        "no subject": jwt.encode({k: v for k, v in claims.items() if k != "sub"}, key, algorithm="HS256"),
        "unknown user": jwt.encode({**claims, "sub": "00000000-0000-7000-8000-000000000000"}, key, algorithm="HS256"),
        "garbage": "not.a.token",
    }
    for name, token in cases.items():
        status, body = await _status(api, token)
        assert status == 401, name
        assert body["code"] == 401 and body["message"] in ("Invalid JWT Token", "Expired JWT Token"), name
    assert (await _status(api, cases["expired"]))[1]["message"] == "Expired JWT Token"


async def test_a_spent_refresh_token_is_refused_and_revokes_its_family(owner, api):
    first = ok(await api.post("/api/auth/refresh", json={"refresh_token": owner.refresh_token}))
    second = ok(await api.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]}))
    replay = await api.post("/api/auth/refresh", json={"refresh_token": owner.refresh_token})  # stolen, already spent
    assert replay.status_code == 401 and replay.json() == {"code": 401, "message": "Invalid JWT Refresh Token"}
    # the theft is detected: the live successor of the family no longer works either
    assert (await api.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})).status_code == 401
    # a new login starts a new family
    fresh = ok(await api.post("/api/auth", json={"email": owner.email, "password": "a-long-password-1"}))
    ok(await api.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]}))
    unknown = await api.post("/api/auth/refresh", json={"refresh_token": "x" * 64})
    assert unknown.status_code == 401
