"""license.verify: what an offline appliance accepts and refuses."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest

from core.errors import LicenseError
from license.issue import issue_license
from license.keys import BUNDLED_KEYS, DEV_KEY_ID, PRODUCTION_KEY_ID
from license.verify import CLOCK_SKEW, GRACE_PERIOD, verify
from tests.license.conftest import NOW, TEST_PROD_KID

DAY = dt.timedelta(days=1)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _payload(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "iss": "storno.ro",
        "sub": "ACME SRL",
        "aud": "storno-appliance",
        "plan": "pro",
        "providers": ["anaf"],
        "max_companies": 3,
        "nbf": int((NOW - DAY).timestamp()),
        "exp": int((NOW + 30 * DAY).timestamp()),
    }
    payload.update(overrides)
    return payload


def _prod(prod_pair, **kw: object) -> str:
    args: dict[str, object] = dict(
        kid=TEST_PROD_KID,
        subject="ACME SRL",
        plan="pro",
        providers=["anaf"],
        not_before=NOW - DAY,
        expires=NOW + 30 * DAY,
        max_companies=3,
    )
    args.update(kw)
    return issue_license(prod_pair.private_pem, **args)


def _dev(dev_pem: bytes, **kw: object) -> str:
    args: dict[str, object] = dict(
        kid=DEV_KEY_ID,
        subject="Development",
        plan="development",
        providers=["*"],
        not_before=NOW - DAY,
        expires=NOW + 30 * DAY,
    )
    args.update(kw)
    return issue_license(dev_pem, **args)


# --- accepted ----------------------------------------------------------------------------------


def test_valid_dev_licence_in_development(dev_pem):
    status = verify(_dev(dev_pem), now=NOW, environment="development")
    assert status.development
    assert status.claims.kid == DEV_KEY_ID
    assert status.claims.plan == "development"
    assert status.covers_provider("anaf") and status.covers_provider("ksef")
    assert status.days_left == 30
    assert not status.in_grace and status.warning is None


def test_valid_production_licence(prod_pair, test_keys):
    status = verify(_prod(prod_pair), now=NOW, environment="production", keys=test_keys)
    claims = status.claims
    assert (claims.iss, claims.sub, claims.aud, claims.plan) == ("storno.ro", "ACME SRL", "storno-appliance", "pro")
    assert claims.providers == ["anaf"] and claims.max_companies == 3
    assert claims.nbf == NOW - DAY and claims.exp == NOW + 30 * DAY
    assert claims.nbf.tzinfo == dt.timezone.utc
    assert (claims.kid, claims.env) == (TEST_PROD_KID, "production")
    assert status.covers_provider("anaf") and not status.covers_provider("ksef")
    assert status.allows_companies(3) and not status.allows_companies(4)


def test_now_in_another_zone_is_converted_to_utc(prod_pair, test_keys):
    bucharest = dt.timezone(dt.timedelta(hours=2))
    status = verify(_prod(prod_pair), now=NOW.astimezone(bucharest), environment="production", keys=test_keys)
    assert status.checked_at == NOW and status.checked_at.tzinfo == dt.timezone.utc


def test_nbf_within_clock_skew_is_accepted(prod_pair, test_keys):
    token = _prod(prod_pair, not_before=NOW + CLOCK_SKEW - dt.timedelta(seconds=1))
    assert verify(token, now=NOW, environment="production", keys=test_keys)


def test_unknown_claims_are_ignored_for_later_licence_features(prod_pair, test_keys):
    token = _prod(prod_pair, extra_claims={"features": ["webhooks"], "env": "development"})
    status = verify(token, now=NOW, environment="production", keys=test_keys)
    assert status.claims.env == "production"  # from the key, never from the payload


def test_bundled_production_key_is_public_only():
    assert BUNDLED_KEYS[PRODUCTION_KEY_ID].env == "production"
    assert "PRIVATE" not in BUNDLED_KEYS[PRODUCTION_KEY_ID].public_pem


# --- environment -------------------------------------------------------------------------------


def test_dev_licence_refused_in_production(dev_pem):
    with pytest.raises(LicenseError, match=r"development licence, honoured only with STORNO_ENV=development\.$"):
        verify(_dev(dev_pem), now=NOW, environment="production")


def test_production_licence_accepted_in_development(prod_pair, test_keys):
    status = verify(_prod(prod_pair), now=NOW, environment="development", keys=test_keys)
    assert not status.development


# --- forgeries ---------------------------------------------------------------------------------


def test_tampered_payload_refused(prod_pair, test_keys):
    header, payload, signature = _prod(prod_pair).split(".")
    claims = json.loads(_unb64(payload))
    claims["providers"] = ["*"]
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    with pytest.raises(LicenseError, match="signature does not match"):
        verify(forged, now=NOW, environment="production", keys=test_keys)


def test_kid_swapped_to_another_known_key_refused(dev_pem, test_keys):
    header, payload, signature = _dev(dev_pem).split(".")
    forged_header = _b64(json.dumps({"alg": "EdDSA", "kid": TEST_PROD_KID, "typ": "JWT"}).encode())
    with pytest.raises(LicenseError, match="signature does not match"):
        verify(f"{forged_header}.{payload}.{signature}", now=NOW, environment="production", keys=test_keys)


@pytest.mark.parametrize("kid", [TEST_PROD_KID, DEV_KEY_ID])
def test_alg_none_refused(kid, test_keys):
    header = _b64(json.dumps({"alg": "none", "kid": kid, "typ": "JWT"}).encode())
    token = f"{header}.{_b64(json.dumps(_payload()).encode())}."
    with pytest.raises(LicenseError, match=r"algorithm 'none'; only EdDSA"):
        verify(token, now=NOW, environment="development", keys=test_keys)


def test_hs256_signed_with_public_key_refused(test_keys):
    """Key confusion: an HMAC token whose secret is the public key PEM the appliance holds."""
    header = _b64(json.dumps({"alg": "HS256", "kid": TEST_PROD_KID, "typ": "JWT"}).encode())
    body = _b64(json.dumps(_payload(providers=["*"])).encode())
    secret = test_keys[TEST_PROD_KID].public_pem.encode("ascii")
    signature = _b64(hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest())
    with pytest.raises(LicenseError, match=r"algorithm 'HS256'; only EdDSA"):
        verify(f"{header}.{body}.{signature}", now=NOW, environment="production", keys=test_keys)


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", "e30.e30", "e30.e30.e30"])
def test_garbage_refused(token, test_keys):
    with pytest.raises(LicenseError, match="not a well-formed licence token"):
        verify(token, now=NOW, environment="production", keys=test_keys)


def test_unknown_kid_refused(prod_pair, test_keys):
    with pytest.raises(LicenseError, match=r"signed with key 'prod-1999', which this appliance does not know\."):
        verify(_prod(prod_pair, kid="prod-1999"), now=NOW, environment="production", keys=test_keys)


def test_throwaway_key_unknown_to_bundled_keys(prod_pair):
    with pytest.raises(LicenseError, match="does not know"):
        verify(_prod(prod_pair), now=NOW, environment="production")


def test_missing_kid_refused(prod_pair, test_keys):
    header, payload, signature = _prod(prod_pair).split(".")
    bare = _b64(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
    with pytest.raises(LicenseError, match="names no signing key"):
        verify(f"{bare}.{payload}.{signature}", now=NOW, environment="production", keys=test_keys)


# --- claims ------------------------------------------------------------------------------------


def test_wrong_audience_refused(prod_pair, test_keys):
    with pytest.raises(LicenseError, match="not issued for this product"):
        verify(_prod(prod_pair, audience="other-product"), now=NOW, environment="production", keys=test_keys)


def test_wrong_issuer_refused(prod_pair, test_keys):
    with pytest.raises(LicenseError, match=r"not issued by 'storno.ro'\."):
        verify(_prod(prod_pair, issuer="evil.example"), now=NOW, environment="production", keys=test_keys)


def test_extra_claims_cannot_replace_the_licence_claims(prod_pair, test_keys):
    token = _prod(prod_pair, extra_claims={"plan": 7, "providers": ["*"]})
    claims = verify(token, now=NOW, environment="production", keys=test_keys).claims
    assert (claims.plan, claims.providers) == ("pro", ["anaf"])


def test_malformed_claims_refused(prod_pair, test_keys):
    with pytest.raises(LicenseError, match="claims are malformed"):
        verify(_prod(prod_pair, providers=["ANAF!"]), now=NOW, environment="production", keys=test_keys)


def test_naive_now_is_a_programming_error(prod_pair, test_keys):
    with pytest.raises(ValueError):
        verify(_prod(prod_pair), now=NOW.replace(tzinfo=None), environment="production", keys=test_keys)


# --- time --------------------------------------------------------------------------------------


def test_not_yet_valid_refused(prod_pair, test_keys):
    token = _prod(prod_pair, not_before=NOW + DAY, expires=NOW + 60 * DAY)
    with pytest.raises(LicenseError, match=r"not valid before 2027-03-02 12:00 UTC; check the licence or this machine's clock\."):
        verify(token, now=NOW, environment="production", keys=test_keys)


def test_within_grace_warns_with_negative_days_left(prod_pair, test_keys):
    token = _prod(prod_pair, not_before=NOW - 60 * DAY, expires=NOW - 3 * DAY)
    status = verify(token, now=NOW, environment="production", keys=test_keys)
    assert status.in_grace
    assert status.days_left == -3
    assert status.warning == (
        "The licence expired on 2027-02-26 12:00 UTC; the appliance stops on 2027-03-12 12:00 UTC "
        "unless a renewed licence is installed."
    )


def test_one_second_after_expiry_is_in_grace(prod_pair, test_keys):
    token = _prod(prod_pair, expires=NOW)
    status = verify(token, now=NOW + dt.timedelta(seconds=1), environment="production", keys=test_keys)
    assert status.in_grace and status.days_left == -1


def test_beyond_grace_refused(prod_pair, test_keys):
    token = _prod(prod_pair, not_before=NOW - 60 * DAY, expires=NOW - GRACE_PERIOD)
    with pytest.raises(LicenseError, match=r"expired on 2027-02-15 12:00 UTC and its 14-day grace period ended"):
        verify(token, now=NOW, environment="production", keys=test_keys)
