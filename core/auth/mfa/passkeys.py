"""Passkeys (WebAuthn Level 2, verified by py_webauthn): registration and assertion ceremonies
(objects.md §8.1, §8.2).

The relying party is the appliance's public URL (``STORNO_PUBLIC_URL``): RP id = its host name,
expected origin = its scheme, host and port. Every ceremony's challenge is kept server-side on an
:class:`core.auth.mfa.tables.MfaChallenge` row for 5 minutes and is spent by its first answer.
Assertions check the signature over ``authenticatorData || SHA-256(clientDataJSON)`` with the
stored COSE public key, the challenge, origin and RP id hash, user presence, and that the
signature counter went up (a cloned authenticator replaying an old counter is refused).

Only writer of ``passkeys``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import webauthn
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from core.auth.mfa.challenges import CHALLENGE_TTL, now
from core.auth.mfa.tables import Passkey
from core.db.engine import is_unique_violation
from core.errors import BadRequest, Conflict, NotFound
from core.settings import Settings

__all__ = [
    "RP_NAME",
    "authentication_options",
    "delete",
    "list_for",
    "register",
    "registration_options",
    "relying_party",
    "verify_assertion",
]

RP_NAME = "Storno"
_TIMEOUT_MS = int(CHALLENGE_TTL.total_seconds() * 1000)
_BAD_RESPONSE = (WebAuthnException, ValueError, KeyError, TypeError)


def relying_party(settings: Settings) -> tuple[str, str]:
    """``(rp_id, origin)`` from ``Settings.public_url`` (``https://app.example.ro:8443`` →
    ``("app.example.ro", "https://app.example.ro:8443")``)."""
    parts = urlsplit(settings.public_url)
    host = parts.hostname or "localhost"
    origin = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    return host, origin


def _user_handle(user_id: str) -> bytes:
    return uuid.UUID(user_id).bytes


async def registration_options(settings: Settings, user_id: str, email: str, display_name: str) -> tuple[dict, str]:
    """WebAuthn creation options for ``user_id`` (its existing passkeys excluded) and the
    base64url challenge to keep server-side."""
    rp_id, _ = relying_party(settings)
    existing = await Passkey.select(Passkey.credential_id).where(Passkey.user_id == user_id)
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=_user_handle(user_id),
        user_name=email,
        user_display_name=display_name or email,
        timeout=_TIMEOUT_MS,
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(row["credential_id"])) for row in existing
        ],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return json.loads(webauthn.options_to_json(options)), bytes_to_base64url(options.challenge)


async def register(
    settings: Settings, user_id: str, credential: Any, challenge: str, name: str | None
) -> dict[str, Any]:
    """Verify a creation response against ``challenge`` and store the passkey.

    Returns the stored row. Raises :class:`BadRequest` (the response does not verify: wrong
    challenge, origin, RP id, malformed attestation…) and :class:`Conflict` (credential already
    registered).
    """
    rp_id, origin = relying_party(settings)
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except _BAD_RESPONSE as exc:
        raise BadRequest(f"The passkey could not be verified: {exc}") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    transports = (credential.get("response") or {}).get("transports") if isinstance(credential, dict) else None
    row = Passkey(
        user_id=user_id,
        credential_id=credential_id,
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        transports=json.dumps([t for t in transports or [] if isinstance(t, str)][:8]),
        name=((name or "").strip()[:255] or "Passkey"),
        created_at=now(),
    )
    try:
        await row.save()
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("This passkey is already registered.") from None
        raise
    return row.to_dict()


async def authentication_options(settings: Settings, user_id: str | None) -> tuple[dict, str]:
    """WebAuthn request options (the user's passkeys allowed, or any discoverable credential
    when ``user_id`` is None) and the base64url challenge to keep server-side."""
    rp_id, _ = relying_party(settings)
    allowed = []
    if user_id is not None:
        rows = await Passkey.select(Passkey.credential_id).where(Passkey.user_id == user_id)
        allowed = [PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(r["credential_id"])) for r in rows]
    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        timeout=_TIMEOUT_MS,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return json.loads(webauthn.options_to_json(options)), bytes_to_base64url(options.challenge)


async def verify_assertion(
    settings: Settings, credential: Any, challenge: str | None, user_id: str | None
) -> dict[str, Any] | None:
    """Verify an assertion against ``challenge``; returns the passkey row (sign counter and
    ``last_used_at`` updated) or None when it does not verify.

    ``user_id`` None (passwordless login) accepts any registered passkey whose ``userHandle``, if
    sent, names its owner; otherwise the passkey must belong to ``user_id``.
    """
    if not challenge or credential is None:
        return None
    rp_id, origin = relying_party(settings)
    try:
        parsed = parse_authentication_credential_json(credential if isinstance(credential, str) else json.dumps(credential))
    except _BAD_RESPONSE:
        return None
    row = await Passkey.select().where(Passkey.credential_id == bytes_to_base64url(parsed.raw_id)).first()
    if row is None or (user_id is not None and row["user_id"] != user_id):
        return None
    handle = parsed.response.user_handle
    if handle and handle != _user_handle(row["user_id"]):
        return None
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed,
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=webauthn.base64url_to_bytes(row["public_key"]),
            credential_current_sign_count=row["sign_count"],
        )
    except _BAD_RESPONSE:
        return None
    # The guard on the old counter makes a concurrent replay of the same assertion lose.
    updated = (
        await Passkey.update({Passkey.sign_count: verified.new_sign_count, Passkey.last_used_at: now()})
        .where((Passkey.id == row["id"]) & (Passkey.sign_count == row["sign_count"]))
        .returning(Passkey.id)
    )
    return row if updated else None


async def list_for(user_id: str) -> list[dict[str, Any]]:
    """The passkeys of ``user_id``, oldest first."""
    return await Passkey.select().where(Passkey.user_id == user_id).order_by(Passkey.created_at)


async def delete(user_id: str, passkey_id: str) -> dict[str, Any]:
    """Delete passkey ``passkey_id`` of ``user_id``; returns the deleted row. Raises
    :class:`NotFound` when it does not exist or belongs to someone else."""
    row = await Passkey.select().where((Passkey.id == passkey_id) & (Passkey.user_id == user_id)).first()
    if row is None:
        raise NotFound("Passkey not found.")
    await Passkey.delete().where(Passkey.id == passkey_id)
    return row
