"""Sealing secrets with AES-256-GCM (NIST SP 800-38D), keyed by a key id for rotation.

A sealed value is text::

    enc:v1:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>

``kid`` is the first 8 hex digits of SHA-256 over the key, so it names the key without revealing
it; the nonce is 12 random bytes per value; the associated data is the caller's ``context``
(table, column and owning row, e.g. ``provider_credentials:<company>:anaf:access_token``), so a
sealed value copied into another row or column does not open.

Keys (32 bytes, written as 64 hex digits or base64) come from the settings
(:mod:`core.settings`): ``encryption_key`` seals and opens, ``encryption_old_keys`` only open —
to rotate, put the new key in ``STORNO_ENCRYPTION_KEY`` and the old one in
``STORNO_ENCRYPTION_OLD_KEYS``; at the next start every stored value is sealed again with the new
key (each store re-seals its own rows: :func:`core.submissions.credentials.reseal_credentials`,
:func:`core.einvoice.service.reseal_configs`). Values stored before encryption existed
(no ``enc:v1:`` prefix) are read as they are and sealed at that start or on their next write.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import ConfigurationError

__all__ = ["SEALED_PREFIX", "DecryptionError", "Keyring", "activate", "active", "is_sealed", "keyring_for", "parse_key"]

#: Prefix of every sealed value (format version 1).
SEALED_PREFIX = "enc:v1:"
_NONCE_BYTES = 12
_KEY_BYTES = 32


class DecryptionError(ConfigurationError):
    """A stored secret cannot be opened: its key is not configured, or the key or value is wrong.

    The message is one sentence for the operator and never contains the secret.
    """


def parse_key(text: str, *, name: str = "STORNO_ENCRYPTION_KEY") -> bytes:
    """The 32-byte AES-256 key written in ``text`` as 64 hex digits or base64 (standard or URL-safe).

    Raises :class:`core.errors.ConfigurationError` naming the variable ``name`` otherwise.
    """
    value = text.strip()
    if len(value) == 2 * _KEY_BYTES:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    try:
        raw = base64.b64decode(value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise ConfigurationError(
            f"{name} must be a 32-byte key written as 64 hex digits or base64 (e.g. the output of `openssl rand -hex 32`)."
        )
    return raw


def key_id(key: bytes) -> str:
    """The key id of ``key``: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:8]


def is_sealed(value: str | None) -> bool:
    """True when ``value`` is a sealed value (starts with :data:`SEALED_PREFIX`)."""
    return bool(value) and value.startswith(SEALED_PREFIX)  # type: ignore[union-attr]


class Keyring:
    """The primary key (seals and opens) and older keys (open only), by key id."""

    def __init__(self, primary: bytes, older: Iterable[bytes] = ()) -> None:
        if len(primary) != _KEY_BYTES or any(len(k) != _KEY_BYTES for k in older):
            raise ValueError("AES-256 keys are 32 bytes long.")
        self.primary_id = key_id(primary)
        self._keys = {key_id(k): AESGCM(k) for k in older}
        self._keys[self.primary_id] = AESGCM(primary)

    def seal(self, plaintext: str, *, context: str) -> str:
        """``plaintext`` sealed with the primary key, bound to ``context`` (associated data)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._keys[self.primary_id].encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
        return f"{SEALED_PREFIX}{self.primary_id}:{body}"

    def open(self, value: str, *, context: str) -> str:
        """The plaintext of a sealed ``value`` for ``context``; a value without the prefix (stored
        before encryption) is returned unchanged.

        Raises :class:`DecryptionError` when the key id is not configured, the value is malformed,
        or authentication fails (wrong key, altered value, or a value of another ``context``).
        """
        if not is_sealed(value):
            return value
        kid, _, body = value[len(SEALED_PREFIX):].partition(":")
        cipher = self._keys.get(kid)
        if cipher is None:
            raise DecryptionError(
                f"A stored secret was encrypted with key {kid!r}, which is not configured; set STORNO_ENCRYPTION_KEY "
                "(or STORNO_ENCRYPTION_OLD_KEYS) to the key it was written with."
            )
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8"))
        except (InvalidTag, ValueError, binascii.Error):
            raise DecryptionError(
                f"A stored secret could not be decrypted with key {kid!r}: the key is wrong or the stored value was altered."
            ) from None
        return plain.decode("utf-8")

    def needs_reseal(self, value: str | None) -> bool:
        """True when ``value`` is stored in clear or sealed with a key other than the primary."""
        if not value:
            return False
        return not value.startswith(f"{SEALED_PREFIX}{self.primary_id}:")


def keyring_for(primary: str, older: Iterable[str] = ()) -> Keyring:
    """A :class:`Keyring` from the keys as written in the settings (see :func:`parse_key`)."""
    return Keyring(parse_key(primary), [parse_key(k, name="STORNO_ENCRYPTION_OLD_KEYS") for k in older])


_active: Keyring | None = None


def activate(keyring: Keyring) -> None:
    """Make ``keyring`` the one the stores use (the start sequence of every process calls it)."""
    global _active
    _active = keyring


def active() -> Keyring:
    """The keyring set by :func:`activate`. Raises :class:`core.errors.ConfigurationError` before it."""
    if _active is None:
        raise ConfigurationError("No encryption key is active: the process was not started through its start sequence.")
    return _active
