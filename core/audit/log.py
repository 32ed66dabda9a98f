"""Appending to and verifying the hash-chained audit log.

Each entry's ``entry_hash`` is SHA-256 over the previous entry's hash and the entry's own fields
in canonical JSON, so editing, deleting or reordering any row breaks the chain from that row on;
:func:`verify` (``storno audit verify``) finds the first broken entry. The database also refuses
UPDATE and DELETE on the table (triggers of migration m0011), so tampering needs an
administrator who first drops them — and is then still detected.

Actions recorded (``action``): ``auth.login``, ``auth.login_failed``, ``auth.register``,
``auth.password_reset``, ``auth.password_changed``, ``mfa.totp_enabled``, ``mfa.totp_disabled``,
``mfa.backup_codes_regenerated``, ``mfa.backup_code_used``, ``mfa.passkey_added``,
``mfa.passkey_removed``, ``api_key.created``, ``api_key.updated``, ``api_key.revoked``,
``member.invited``, ``member.joined``, ``member.updated``, ``member.removed``,
``company.created``, ``company.deleted``, ``anaf_token.stored``, ``anaf_token.deleted``,
``license.changed``, ``refresh_token.reuse``. New actions follow the same ``area.verb`` form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine

from core.audit.tables import AuditEntry
from core.db.engine import engine, write_transaction

__all__ = ["GENESIS", "record", "verify", "entry_digest", "Verification"]

#: ``prev_hash`` of the first entry.
GENESIS = "0" * 64

#: Any fixed 64-bit key: PostgreSQL advisory lock serialising appends across processes.
_APPEND_LOCK = 0x5354_4F52_4E4F_4155


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _stamp(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite may hand back naive UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def entry_digest(prev_hash: str, entry: dict[str, Any]) -> str:
    """SHA-256 hex of ``prev_hash`` + canonical JSON of the entry's recorded fields.

    ``entry`` holds ``seq``, ``created_at`` (aware datetime), ``action``, ``organisation``,
    ``actor``, ``target``, ``ip`` and ``details`` (canonical JSON text), as stored.
    """
    fields = {
        "seq": entry["seq"],
        "created_at": _stamp(entry["created_at"]),
        "action": entry["action"],
        "organisation": entry["organisation"],
        "actor": entry["actor"],
        "target": entry["target"],
        "ip": entry["ip"],
        "details": entry["details"],
    }
    return hashlib.sha256((prev_hash + _canonical(fields)).encode()).hexdigest()


async def record(
    action: str,
    *,
    actor: str | None = None,
    organisation: str | None = None,
    target: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry (``action`` in ``area.verb`` form; ``actor`` the user id acting).

    Safe under concurrency: appends are serialised (SQLite write lock, PostgreSQL advisory lock),
    so ``seq`` has no gaps and each entry chains to the one before. Called inside an enclosing
    transaction it joins it, so the entry commits or rolls back with the action it records.
    Never put secrets (passwords, codes, raw keys) in ``details``.
    """
    async with write_transaction():
        if isinstance(engine(), PostgresEngine):
            await engine().run_ddl(f"SELECT pg_advisory_xact_lock({_APPEND_LOCK})")
        last = await AuditEntry.select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq, ascending=False).first()
        entry: dict[str, Any] = {
            "seq": (last["seq"] + 1) if last else 1,
            "created_at": dt.datetime.now(dt.timezone.utc),
            "action": action,
            "organisation": organisation,
            "actor": actor,
            "target": target,
            "ip": ip,
            "details": _canonical(details or {}),
        }
        prev_hash = last["entry_hash"] if last else GENESIS
        await AuditEntry.insert(
            AuditEntry(**entry, prev_hash=prev_hash, entry_hash=entry_digest(prev_hash, entry))
        )


class Verification(msgspec.Struct, frozen=True):
    """Result of :func:`verify`: entries checked, and the first broken ``seq`` with the reason."""

    entries: int
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


async def verify(batch: int = 1000) -> Verification:
    """Walk the log in ``seq`` order and recompute every link.

    Finds an edited row (its hash no longer matches), a deleted or inserted row (``seq`` gap or
    ``prev_hash`` not the previous entry's hash) and a rewritten tail. Reads ``batch`` rows at a
    time, so memory stays flat on long logs.
    """
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = await AuditEntry.select().where(AuditEntry.seq >= expected_seq).order_by(AuditEntry.seq).limit(batch)
        if not rows:
            return Verification(entries=checked)
        for row in rows:
            if row["seq"] != expected_seq:
                return Verification(checked, expected_seq, f"entry {expected_seq} is missing")
            if row["prev_hash"] != prev_hash:
                return Verification(checked, row["seq"], f"entry {row['seq']} does not follow entry {row['seq'] - 1}")
            if entry_digest(prev_hash, row) != row["entry_hash"]:
                return Verification(checked, row["seq"], f"entry {row['seq']} was altered after it was written")
            prev_hash, expected_seq, checked = row["entry_hash"], expected_seq + 1, checked + 1
