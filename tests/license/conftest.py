"""Shared fixtures: a fixed clock and a throwaway production key pair made per test session.

The production private key of the product is never in the repository; tests that need a
production licence sign with a key generated here and pass it to ``verify``/``run_gate`` as
``keys=``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from license.keys import BUNDLED_KEYS, DEV_KEY_ID, BundledKey, dev_private_key_pem

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
TEST_PROD_KID = "test-prod"


class KeyPair:
    def __init__(self) -> None:
        key = Ed25519PrivateKey.generate()
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


@pytest.fixture(scope="session")
def prod_pair() -> KeyPair:
    return KeyPair()


@pytest.fixture(scope="session")
def test_keys(prod_pair: KeyPair) -> dict[str, BundledKey]:
    """The bundled development key plus a throwaway production key ``test-prod``."""
    return {
        DEV_KEY_ID: BUNDLED_KEYS[DEV_KEY_ID],
        TEST_PROD_KID: BundledKey(kid=TEST_PROD_KID, env="production", public_pem=prod_pair.public_pem),
    }


@pytest.fixture(scope="session")
def dev_pem() -> bytes:
    return dev_private_key_pem()
