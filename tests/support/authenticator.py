"""A software WebAuthn authenticator for tests: real keys, real signatures, real CBOR.

It plays the browser and the authenticator of the WebAuthn Level 2 ceremonies:

* :meth:`SoftAuthenticator.create` answers ``navigator.credentials.create()`` options with a new
  EC P-256 key pair: attestation format ``none``, authenticator data = SHA-256(RP id) ‖ flags
  (UP, UV, AT) ‖ sign counter ‖ AAGUID ‖ credential id length ‖ credential id ‖ COSE_Key (EC2,
  ES256, CBOR-encoded), wrapped with the ``webauthn.create`` client data JSON.
* :meth:`SoftAuthenticator.get` answers ``navigator.credentials.get()`` options: authenticator data
  = SHA-256(RP id) ‖ flags (UP, UV) ‖ incremented counter, signed with the credential's private key
  (ECDSA P-256 SHA-256, DER) over authenticatorData ‖ SHA-256(clientDataJSON).

Binary fields travel base64url without padding, as browsers' ``toJSON()`` produces them. Knobs
for negative tests: another origin, a forced counter, a signature by a foreign key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["SoftAuthenticator", "b64url", "from_b64url"]

_UP, _UV, _AT = 0x01, 0x04, 0x40
_AAGUID = bytes(16)  # "none" attestation: an all-zero AAGUID is allowed


def b64url(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """Inverse of :func:`b64url`."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    """One discoverable credential held by the authenticator."""

    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


def _cose_key(key: ec.EllipticCurvePublicKey) -> bytes:
    numbers = key.public_numbers()
    # COSE_Key (RFC 9053 §7.1.1): kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y
    return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})


class SoftAuthenticator:
    """A platform authenticator plus browser for one ``origin`` (e.g. ``http://localhost:8000``)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.credentials: dict[bytes, Credential] = {}

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False},
            separators=(",", ":"),
        ).encode()

    def create(self, options: dict[str, Any], *, origin: str | None = None) -> dict[str, Any]:
        """A registration response (``PublicKeyCredential.toJSON()``) to creation ``options``."""
        rp_id = options["rp"]["id"]
        credential = Credential(
            credential_id=secrets.token_bytes(32),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp_id,
            user_handle=from_b64url(options["user"]["id"]),
        )
        self.credentials[credential.credential_id] = credential
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([_UP | _UV | _AT])
            + struct.pack(">I", credential.sign_count)
            + _AAGUID
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + _cose_key(credential.private_key.public_key())
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        credential_id: bytes | None = None,
        origin: str | None = None,
        sign_count: int | None = None,
        foreign_key: bool = False,
    ) -> dict[str, Any]:
        """An assertion (``PublicKeyCredential.toJSON()``) to request ``options``.

        Uses ``credential_id``, else the first allowed credential held, else any credential for
        the RP (discoverable login). ``sign_count`` forces the counter (default: previous + 1);
        ``foreign_key`` signs with a fresh key instead of the credential's.
        """
        rp_id = options["rpId"]
        allowed = [from_b64url(c["id"]) for c in options.get("allowCredentials") or []]
        if credential_id is None:
            candidates = [cid for cid in allowed if cid in self.credentials] or [
                cid for cid, c in self.credentials.items() if c.rp_id == rp_id
            ]
            credential_id = candidates[0]
        credential = self.credentials[credential_id]
        credential.sign_count = credential.sign_count + 1 if sign_count is None else sign_count
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest() + bytes([_UP | _UV]) + struct.pack(">I", credential.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        key = ec.generate_private_key(ec.SECP256R1()) if foreign_key else credential.private_key
        signature = key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(credential_id),
            "rawId": b64url(credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle),
            },
        }
