"""The audit log is a hash chain: appends under concurrency stay gap-free and tampering is found."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from core.audit.log import GENESIS, record, verify
from core.audit.tables import AuditEntry
from core.db import engine as db


async def _drop_append_only_guard(settings) -> None:
    """What an attacker with database administrator rights does first."""
    if settings.is_postgres:
        await AuditEntry.raw('DROP TRIGGER audit_log_append_only ON "audit_log"')
    else:
        await AuditEntry.raw("DROP TRIGGER audit_log_no_update")
        await AuditEntry.raw("DROP TRIGGER audit_log_no_delete")


def _audit_verify(settings) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STORNO_ENV": "development", "STORNO_DATA_DIR": str(settings.data_dir), "STORNO_DATABASE_URL": settings.database_url or f"sqlite:///{settings.sqlite_path}"}
    return subprocess.run([sys.executable, "-m", "core.cli", "audit", "verify"], env=env, capture_output=True, text=True, timeout=120)


async def test_concurrent_appends_form_one_unbroken_chain(settings):
    await db.connect(settings)
    try:
        await asyncio.gather(*(record("auth.login", actor=f"user-{i}", ip="192.0.2.1", details={"n": i}) for i in range(20)))
        rows = await AuditEntry.select().order_by(AuditEntry.seq)
        assert [r["seq"] for r in rows] == list(range(1, 21))
        assert rows[0]["prev_hash"] == GENESIS
        assert all(b["prev_hash"] == a["entry_hash"] for a, b in zip(rows, rows[1:]))
        result = await verify(batch=7)  # several batches
        assert result.intact and result.entries == 20
    finally:
        await db.disconnect()


async def test_the_database_refuses_to_edit_or_delete_entries(settings):
    await db.connect(settings)
    try:
        await record("api_key.created", actor="u1", target="key-1")
        with pytest.raises(Exception, match="append-only"):
            await AuditEntry.update({AuditEntry.action: "api_key.revoked"}).where(AuditEntry.seq == 1)
        with pytest.raises(Exception, match="append-only"):
            await AuditEntry.delete().where(AuditEntry.seq == 1)
        assert (await verify()).intact
    finally:
        await db.disconnect()


async def test_an_edited_row_breaks_the_chain_and_the_command_says_where(settings):
    await db.connect(settings)
    try:
        for action in ("auth.login", "mfa.totp_enabled", "api_key.created", "member.removed"):
            await record(action, actor="u1", organisation="o1")
    finally:
        await db.disconnect()
    intact = _audit_verify(settings)
    assert intact.returncode == 0, intact.stderr
    assert "intact: 4 entries" in intact.stdout

    await db.connect(settings)
    try:
        await _drop_append_only_guard(settings)
        await AuditEntry.update({AuditEntry.actor: "someone-else"}).where(AuditEntry.seq == 3)
        result = await verify()
        assert (result.broken_seq, result.entries) == (3, 2)
    finally:
        await db.disconnect()
    broken = _audit_verify(settings)
    assert broken.returncode == 1
    assert broken.stderr.strip().count("\n") == 0 and "entry 3 was altered" in broken.stderr


async def test_a_deleted_row_or_rewritten_tail_is_found(settings):
    await db.connect(settings)
    try:
        for i in range(5):
            await record("auth.login", actor=f"u{i}")
        await _drop_append_only_guard(settings)
        await AuditEntry.delete().where(AuditEntry.seq == 2)
        result = await verify()
        assert result.broken_seq == 2 and "missing" in (result.reason or "")
        # Renumbering the tail to close the gap still breaks the link to entry 1.
        for seq in (3, 4, 5):
            await AuditEntry.update({AuditEntry.seq: seq - 1}).where(AuditEntry.seq == seq)
        result = await verify()
        assert result.broken_seq == 2 and "does not follow" in (result.reason or "")
    finally:
        await db.disconnect()
