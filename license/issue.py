"""Signing licences: the licensor's side of :mod:`license.verify`.

Used by the gate (to mint the in-memory development licence), by the tests, and by
``storno license issue``. Holding a private key is what makes someone a licensor; the appliance
itself only ever holds the development one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from license.keys import BUNDLED_KEYS, BundledKey
from license.verify import ALGORITHM, AUDIENCE, ISSUER

__all__ = ["issue_license", "key_id_for", "load_private_key"]


def load_private_key(private_key_pem: bytes | str) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``private_key_pem`` (PKCS#8 PEM, unencrypted).

    Raises ``ValueError`` with one sentence when it is not readable or not Ed25519.
    """
    data = private_key_pem.encode("ascii") if isinstance(private_key_pem, str) else private_key_pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"The private key is not an unencrypted PEM key ({exc}).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("The private key is not an Ed25519 key; licences are signed with EdDSA/Ed25519.")
    return key


def key_id_for(private_key_pem: bytes | str, keys: Mapping[str, BundledKey] = BUNDLED_KEYS) -> str | None:
    """The key id in ``keys`` whose public key matches ``private_key_pem``, or None."""
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    mine = load_private_key(private_key_pem).public_key().public_bytes(*raw)
    for kid, bundled in keys.items():
        theirs = serialization.load_pem_public_key(bundled.public_pem.encode("ascii"))
        if theirs.public_bytes(*raw) == mine:
            return kid
    return None


def issue_license(
    private_key_pem: bytes | str,
    *,
    kid: str,
    subject: str,
    plan: str,
    providers: Iterable[str],
    expires: dt.datetime,
    not_before: dt.datetime,
    max_companies: int | None = None,
    issuer: str = ISSUER,
    audience: str | Sequence[str] = AUDIENCE,
    extra_claims: Mapping[str, Any] | None = None,
) -> str:
    """Sign a licence and return it as a JWS compact string (RFC 7519 claims, RFC 8037 EdDSA).

    ``kid`` goes into the JWS header and must name the bundled public key matching
    ``private_key_pem``. ``subject`` is the licensed organisation, ``providers`` the licensed
    provider codes (``["*"]`` for all), ``max_companies`` None for no limit. ``not_before`` and
    ``expires`` are aware datetimes, written as UTC NumericDates (whole seconds) in ``nbf`` and
    ``exp``; ``iat`` is set to ``not_before``. ``extra_claims`` are added to the payload (for
    later licence features) but cannot replace the claims above.

    Raises ``ValueError`` on a key that is not Ed25519, naive datetimes, ``expires`` not after
    ``not_before``, no providers, or ``max_companies`` below 1.
    """
    key = load_private_key(private_key_pem)
    for name, moment in (("not_before", not_before), ("expires", expires)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name} must be a timezone-aware datetime.")
    if expires <= not_before:
        raise ValueError("expires must be after not_before.")
    codes = [code.strip().lower() for code in providers if code.strip()]
    if not codes:
        raise ValueError("A licence must name at least one provider code (or '*').")
    if max_companies is not None and max_companies < 1:
        raise ValueError("max_companies must be at least 1, or None for no limit.")
    payload: dict[str, Any] = dict(extra_claims or {})
    payload.update(
        iss=issuer,
        sub=subject,
        aud=audience if isinstance(audience, str) else list(audience),
        plan=plan,
        providers=codes,
        max_companies=max_companies,
        iat=int(not_before.timestamp()),
        nbf=int(not_before.timestamp()),
        exp=int(expires.timestamp()),
    )
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": kid})
