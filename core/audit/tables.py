"""The audit log table (created by migration m0011 as raw SQL, with append-only triggers)."""

from __future__ import annotations

from piccolo.columns import Integer, Text, Varchar
from piccolo.table import Table

from core.db.columns import IdColumn, Stamp
from core.ids import new_id

__all__ = ["AuditEntry"]


class AuditEntry(Table, tablename="audit_log"):
    """One security-relevant action, chained to the previous entry by hash.

    ``seq`` is 1, 2, 3… without gaps (unique); ``entry_hash`` is the SHA-256 hex digest of
    ``prev_hash`` and the entry's canonical JSON (see :func:`core.audit.log.entry_digest`);
    ``details`` is canonical JSON text. The database refuses UPDATE and DELETE on this table.
    """

    id = IdColumn(primary_key=True, default=new_id)
    seq = Integer()
    created_at = Stamp()
    action = Varchar(length=64)
    organisation = Varchar(length=36, null=True, default=None)
    actor = Varchar(length=36, null=True, default=None)
    target = Varchar(length=255, null=True, default=None)
    ip = Varchar(length=64, null=True, default=None)
    details = Text(default="{}")
    prev_hash = Varchar(length=64)
    entry_hash = Varchar(length=64)
