"""Offline licence verification: a pure function of the token, the clock, the environment and the keys.

The licence is a JWT (RFC 7519) in JWS compact form signed with EdDSA/Ed25519 (RFC 8037). Only
``EdDSA`` is accepted and it is passed to pyjwt explicitly, so ``alg: none``, HMAC tokens made
with a public key as the secret ("key confusion") and any other algorithm are refused. Time
checks use the ``now`` argument, never the machine clock, so callers and tests decide the instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import jwt
import msgspec

from core.errors import LicenseError
from license.claims import LicenseClaims, LicenseStatus
from license.keys import BUNDLED_KEYS, BundledKey, public_key

__all__ = ["ALGORITHM", "AUDIENCE", "CLOCK_SKEW", "GRACE_PERIOD", "ISSUER", "verify"]

#: The only JWS algorithm accepted (RFC 8037).
ALGORITHM = "EdDSA"
#: ``iss`` of every genuine licence.
ISSUER = "storno.ro"
#: ``aud`` of licences for this appliance.
AUDIENCE = "storno-appliance"
#: How long after ``exp`` the appliance keeps running, with a warning.
GRACE_PERIOD = dt.timedelta(days=14)
#: Tolerance for a machine clock slightly behind the licensor's when checking ``nbf``.
CLOCK_SKEW = dt.timedelta(minutes=5)

_REQUIRED = ["iss", "sub", "aud", "nbf", "exp"]


def verify(
    token: str,
    *,
    now: dt.datetime,
    environment: str,
    keys: Mapping[str, BundledKey] = BUNDLED_KEYS,
    audience: str = AUDIENCE,
    issuer: str = ISSUER,
) -> LicenseStatus:
    """Verify licence ``token`` and return its :class:`~license.claims.LicenseStatus`.

    ``token`` is a JWS compact serialisation (RFC 7515) of RFC 7519 claims, signed with EdDSA
    (RFC 8037) by the key named in its ``kid`` header, which must be in ``keys`` (kid ->
    :class:`~license.keys.BundledKey`). ``now`` is an aware datetime (converted to UTC).
    ``environment`` is the ``STORNO_ENV`` value; a licence signed by a development key is
    honoured only when it is ``"development"``.

    Within :data:`GRACE_PERIOD` after ``exp`` the status has ``in_grace=True``, a negative
    ``days_left`` and a ``warning``. Raises :class:`core.errors.LicenseError` (one sentence for
    the operator) on a malformed token, another algorithm, an unknown key id, a bad signature,
    a wrong issuer or audience, missing or malformed claims, ``now`` before ``nbf`` (beyond
    :data:`CLOCK_SKEW`), expiry beyond the grace period, or a development licence outside
    development. Raises ``ValueError`` when ``now`` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime.")
    now = now.astimezone(dt.timezone.utc)
    token = token.strip()
    header = _header(token)
    key = _key(header, keys)
    payload = _decode(token, key, audience=audience, issuer=issuer)
    claims = _claims(payload, key)
    if key.env == "development" and environment != "development":
        raise LicenseError("This is a development licence, honoured only with STORNO_ENV=development.")
    return _status(claims, now)


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        raise LicenseError("The licence is not a well-formed licence token.") from None
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise LicenseError("The licence is not a well-formed licence token.")
    if alg != ALGORITHM:
        raise LicenseError(f"The licence is signed with algorithm {alg!r}; only {ALGORITHM} licences are accepted.")
    return header


def _key(header: Mapping[str, Any], keys: Mapping[str, BundledKey]) -> BundledKey:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise LicenseError("The licence names no signing key (kid), so it cannot be verified.")
    key = keys.get(kid)
    if key is None:
        raise LicenseError(f"The licence was signed with key {kid!r}, which this appliance does not know.")
    return key


def _decode(token: str, key: BundledKey, *, audience: str, issuer: str) -> dict[str, Any]:
    options: Any = {
        "require": _REQUIRED,
        # Times are checked against the caller's ``now`` in _status, not pyjwt's clock.
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
    }
    try:
        return jwt.decode(
            token,
            key=public_key(key),
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options=options,
        )
    except jwt.InvalidSignatureError:
        raise LicenseError("The licence signature does not match: the licence was altered or not issued by the licensor.") from None
    except jwt.InvalidAlgorithmError:
        raise LicenseError(f"The licence is not signed with {ALGORITHM}; only {ALGORITHM} licences are accepted.") from None
    except jwt.MissingRequiredClaimError as exc:
        raise LicenseError(f"The licence lacks the required claim {exc.claim!r}.") from None
    except jwt.InvalidAudienceError:
        raise LicenseError(f"The licence is not issued for this product (audience {audience!r}).") from None
    except jwt.InvalidIssuerError:
        raise LicenseError(f"The licence was not issued by {issuer!r}.") from None
    except jwt.InvalidTokenError:
        raise LicenseError("The licence is not a well-formed licence token.") from None


def _claims(payload: dict[str, Any], key: BundledKey) -> LicenseClaims:
    data = dict(payload)
    for name in ("nbf", "exp"):
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LicenseError(f"The licence claim {name!r} is not a date in seconds since the epoch.")
        data[name] = dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    # The environment is the verifying key's, whatever the payload might say.
    data.update(kid=key.kid, env=key.env)
    try:
        return msgspec.convert(data, LicenseClaims)
    except msgspec.ValidationError as exc:
        raise LicenseError(f"The licence claims are malformed ({exc}).") from None


def _status(claims: LicenseClaims, now: dt.datetime) -> LicenseStatus:
    if now + CLOCK_SKEW < claims.nbf:
        raise LicenseError(
            f"The licence is not valid before {_when(claims.nbf)}; check the licence or this machine's clock."
        )
    grace_end = claims.exp + GRACE_PERIOD
    if now >= grace_end:
        raise LicenseError(
            f"The licence expired on {_when(claims.exp)} and its {GRACE_PERIOD.days}-day grace period "
            f"ended on {_when(grace_end)}; install a renewed licence."
        )
    days_left = claims.days_left(now)
    if now < claims.exp:
        return LicenseStatus(claims=claims, checked_at=now, days_left=days_left)
    return LicenseStatus(
        claims=claims,
        checked_at=now,
        days_left=days_left,
        in_grace=True,
        warning=(
            f"The licence expired on {_when(claims.exp)}; the appliance stops on {_when(grace_end)} "
            "unless a renewed licence is installed."
        ),
    )


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
