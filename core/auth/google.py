"""Verifying Google ID tokens ("Sign in with Google", OpenID Connect Core 1.0 §3.1.3.7).

An ID token is an RS256 JWT signed by one of Google's keys, published as a JWKS (RFC 7517) at
``Settings.google_jwks_url``. :func:`verify_id_token` checks the signature against that set
(fetched once and cached for an hour; an unknown ``kid`` refetches it, as Google rotates keys),
the algorithm (RS256 only), the audience (``Settings.google_client_id``), the issuer
(``accounts.google.com`` or ``https://accounts.google.com``), ``exp``/``iat`` and that Google
verified the e-mail address.
"""

from __future__ import annotations

import asyncio
import threading

import jwt
import msgspec

from core.errors import BadRequest, Unauthorized
from core.settings import Settings

__all__ = ["GoogleIdentity", "ISSUERS", "verify_id_token"]

ISSUERS = ("accounts.google.com", "https://accounts.google.com")
INVALID = "Invalid Google token."
_JWKS_CACHE_SECONDS = 3600
_clients: dict[str, jwt.PyJWKClient] = {}
_clients_lock = threading.Lock()


class GoogleIdentity(msgspec.Struct, frozen=True):
    """The verified claims used for sign-in: ``sub`` (Google's stable account id), the e-mail
    (lower-cased) and the names Google gives, if any."""

    sub: str
    email: str
    first_name: str | None = None
    last_name: str | None = None


def _client(url: str) -> jwt.PyJWKClient:
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=_JWKS_CACHE_SECONDS, timeout=10)
            _clients[url] = client
        return client


def _verify(settings: Settings, token: str) -> dict:
    try:
        key = _client(settings.google_jwks_url).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError:
        raise Unauthorized("Google's signing keys could not be fetched; try again.") from None
    except jwt.PyJWTError:  # malformed token, no kid, kid not in Google's set
        raise Unauthorized(INVALID) from None
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=settings.google_client_id,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            leeway=30,
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Expired Google token.") from None
    except jwt.PyJWTError:
        raise Unauthorized(INVALID) from None
    return claims


async def verify_id_token(settings: Settings, token: str) -> GoogleIdentity:
    """The identity in the Google ID token ``token`` after every check of the module docstring.

    Raises :class:`BadRequest` (Google sign-in not configured: no ``STORNO_GOOGLE_CLIENT_ID``, or
    no token sent) and :class:`Unauthorized` (bad signature, unknown key, wrong algorithm,
    audience or issuer, expired, e-mail missing or not verified by Google).
    """
    if not settings.google_client_id:
        raise BadRequest("Google sign-in is not configured on this appliance.", code="google_not_configured")
    if not token or len(token) > 8192:
        raise BadRequest("credential (the Google ID token) is required.")
    # PyJWKClient fetches over blocking urllib: keep it off the event loop
    claims = await asyncio.to_thread(_verify, settings, token)
    if claims.get("iss") not in ISSUERS:
        raise Unauthorized(INVALID)
    email = claims.get("email")
    if not isinstance(email, str) or not email or claims.get("email_verified") not in (True, "true"):
        raise Unauthorized("The Google account has no verified e-mail address.")
    return GoogleIdentity(
        sub=str(claims["sub"]),
        email=email.strip().lower(),
        first_name=(claims.get("given_name") or None),
        last_name=(claims.get("family_name") or None),
    )
