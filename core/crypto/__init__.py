"""Encryption at rest of the secrets the appliance stores (provider tokens, client secrets).

:mod:`core.crypto.keyring` seals and opens values with AES-256-GCM; the keys come from
``STORNO_ENCRYPTION_KEY`` (or ``_FILE``), else from a key generated once into the data directory.
"""

from core.crypto.keyring import (
    SEALED_PREFIX,
    DecryptionError,
    Keyring,
    activate,
    active,
    is_sealed,
    keyring_for,
    parse_key,
)

__all__ = ["SEALED_PREFIX", "DecryptionError", "Keyring", "activate", "active", "is_sealed", "keyring_for", "parse_key"]
