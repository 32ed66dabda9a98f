"""Bulk deletes of master data (clients, suppliers): objects.md §1 shape D.

The body lists 1–100 ids (else 400 with ``field: "ids"``); each id is handled on its own and a
failing id (unknown, another company's) is reported in ``errors`` without stopping the others.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from core.bulk import apply_each, distinct_ids

__all__ = ["BulkError", "BulkIds", "BulkResult", "each"]


class BulkIds(msgspec.Struct, kw_only=True):
    """``POST …/bulk-delete`` body: ``{"ids": [uuid, ...]}`` (1–100 ids; repeats count once)."""

    ids: list[str] = []


class BulkError(msgspec.Struct, kw_only=True):
    """One id that could not be handled and why."""

    id: str
    error: str


class BulkResult(msgspec.Struct, kw_only=True):
    """Shape D of a bulk delete: how many were deleted and the per-id errors."""

    deleted: int
    errors: list[BulkError]


async def each(data: BulkIds, noun: str, action: Callable[[str], Awaitable[Any]]) -> BulkResult:
    """Run ``action`` for every distinct id of ``data``; raises :class:`BadRequest` for 0 or >100 ids."""
    ids = distinct_ids((i for i in data.ids if isinstance(i, str)), noun)
    return msgspec.convert(await apply_each(ids, "deleted", action), BulkResult)
