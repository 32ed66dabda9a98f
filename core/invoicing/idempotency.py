"""Idempotent creates: the ``Idempotency-Key`` header or body ``idempotencyKey`` of a create.

A document table that honours keys has ``idempotency_key`` and ``idempotency_fingerprint``
columns and a unique index on (company, key). The first create with a key stores the key and the
SHA-256 of the request body; a later create with the same key and the same body gets the first
document back, with another body it is refused (409 ``IDEMPOTENCY_KEY_REUSED``). Used by invoices
(objects.md §3.1) and receipts (§3.10: the header wins over the body; a replay returns the
document even after it was issued).
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from core.errors import Conflict

__all__ = ["fingerprint", "replay", "REUSED"]

REUSED = "This Idempotency-Key was already used with a different request body."


def fingerprint(body: Any) -> str:
    """Hex SHA-256 of the msgspec JSON encoding of a decoded request body (a Struct)."""
    return hashlib.sha256(msgspec.json.encode(body)).hexdigest()


async def replay(table: Any, company_id: str, key: str, body_fingerprint: str) -> str | None:
    """The id of the ``company_id`` row of ``table`` created with ``key``, or None when the key is new.

    Raises :class:`core.errors.Conflict` (409, ``IDEMPOTENCY_KEY_REUSED``) when that row was
    created from a different body. Deleted rows count: a key is spent once used.
    """
    row = (
        await table.select(table.id, table.idempotency_fingerprint)
        .where((table.company == company_id) & (table.idempotency_key == key))
        .first()
        .run()
    )
    if row is None:
        return None
    if row["idempotency_fingerprint"] != body_fingerprint:
        raise Conflict(REUSED, code="IDEMPOTENCY_KEY_REUSED")
    return row["id"]
