"""Backup codes: ten single-use codes ``xxxx-xxxx`` from an unambiguous alphabet (objects.md §8.2).

A code is stored only as its keyed digest — HMAC-SHA256 under the appliance's secret key over the
user id and the normalised code — so a copy of the database alone does not let anyone try the
~2^39 possible codes offline. Input is normalised (case, spaces, the dash are optional).

Only writer of ``mfa_backup_codes``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from core.auth.mfa.challenges import now
from core.auth.mfa.tables import BackupCode

__all__ = ["ALPHABET", "COUNT", "count_unused", "delete_all", "keyed_digest", "normalise", "replace", "use"]

#: Lower-case letters and digits without 0/o, 1/l/i: nothing a reader can confuse.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
#: Codes per set.
COUNT = 10


def keyed_digest(secret_key: str, purpose: str, user_id: str, code: str) -> str:
    """HMAC-SHA256 hex of ``purpose:user_id:code`` under ``secret_key`` (also used for e-mailed codes)."""
    message = f"{purpose}:{user_id}:{code}".encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def normalise(code: str) -> str:
    """``code`` lower-cased without dashes and white space (``ABCD-2345`` → ``abcd2345``)."""
    return "".join(ch for ch in code.lower() if ch not in "- \t")


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


async def replace(secret_key: str, user_id: str) -> list[str]:
    """Delete the user's codes and store :data:`COUNT` new ones; returns them (shown once)."""
    codes = [_new_code() for _ in range(COUNT)]
    stamp = now()
    await BackupCode.delete().where(BackupCode.user_id == user_id)
    await BackupCode.insert(
        *[
            BackupCode(user_id=user_id, code_hash=keyed_digest(secret_key, "backup", user_id, normalise(code)), created_at=stamp)
            for code in codes
        ]
    )
    return codes


async def use(secret_key: str, user_id: str, code: str) -> bool:
    """Spend ``code`` of ``user_id``: True once for an unused code, False otherwise.

    The guarded update (``used_at IS NULL``) makes a concurrent second use of the same code lose.
    """
    cleaned = normalise(code or "")
    if len(cleaned) != 8 or any(ch not in ALPHABET for ch in cleaned):
        return False
    wanted = keyed_digest(secret_key, "backup", user_id, cleaned)
    rows = await BackupCode.select(BackupCode.id, BackupCode.code_hash).where(
        (BackupCode.user_id == user_id) & BackupCode.used_at.is_null()
    )
    match = next((row for row in rows if hmac.compare_digest(row["code_hash"], wanted)), None)
    if match is None:
        return False
    spent = (
        await BackupCode.update({BackupCode.used_at: now()})
        .where((BackupCode.id == match["id"]) & BackupCode.used_at.is_null())
        .returning(BackupCode.id)
    )
    return bool(spent)


async def count_unused(user_id: str) -> int:
    """How many unused backup codes ``user_id`` has left."""
    return await BackupCode.count().where((BackupCode.user_id == user_id) & BackupCode.used_at.is_null())


async def delete_all(user_id: str) -> None:
    """Delete every backup code of ``user_id`` (TOTP disabled)."""
    await BackupCode.delete().where(BackupCode.user_id == user_id)
