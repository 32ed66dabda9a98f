"""Public keys that verify licences, bundled in the code so verification never needs a network.

Each key is Ed25519 (EdDSA, RFC 8037) and is looked up by the JWS ``kid`` header.

- ``prod-2026`` signs production licences. Its private half is held by the licensor only and is
  not in this repository.
- ``dev-2026`` signs development licences. Its private half *is* in the repository
  (``license/dev_private_key.pem``) so that the demo and the tests run with nothing configured;
  that is why licences it signs are honoured only with ``STORNO_ENV=development``.

To rotate, add a new key id here (keep the old one until its licences have expired) and sign new
licences with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Literal

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

__all__ = [
    "BUNDLED_KEYS",
    "DEV_KEY_ID",
    "PRODUCTION_KEY_ID",
    "BundledKey",
    "dev_private_key_pem",
    "public_key",
]

PRODUCTION_KEY_ID = "prod-2026"
DEV_KEY_ID = "dev-2026"


class BundledKey(msgspec.Struct, frozen=True, kw_only=True):
    """One verification key: its ``kid``, the environment it may license, and its PEM (SPKI)."""

    kid: str
    env: Literal["production", "development"]
    public_pem: str


_PRODUCTION_2026 = """\
-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAus4epLDbM05IELv0iRzwY1IhaeED0G0kwsdpMZtps0Y=
-----END PUBLIC KEY-----
"""

_DEVELOPMENT_2026 = """\
-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAIxa+cfKyTBPLx9fPQOpIy0v5DtKv6LXjAwdmIJd22Gs=
-----END PUBLIC KEY-----
"""

#: Every key this appliance trusts, by key id.
BUNDLED_KEYS: Mapping[str, BundledKey] = MappingProxyType(
    {
        PRODUCTION_KEY_ID: BundledKey(kid=PRODUCTION_KEY_ID, env="production", public_pem=_PRODUCTION_2026),
        DEV_KEY_ID: BundledKey(kid=DEV_KEY_ID, env="development", public_pem=_DEVELOPMENT_2026),
    }
)


def public_key(key: BundledKey) -> Ed25519PublicKey:
    """The key object of ``key``; raises ``ValueError`` when its PEM is not an Ed25519 public key."""
    loaded = load_pem_public_key(key.public_pem.encode("ascii"))
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError(f"Bundled key {key.kid!r} is not an Ed25519 public key.")
    return loaded


def dev_private_key_pem() -> bytes:
    """The PEM (PKCS#8) of the DEVELOPMENT-ONLY private key ``dev-2026``, shipped with the package."""
    return resources.files(__package__).joinpath("dev_private_key.pem").read_bytes()
