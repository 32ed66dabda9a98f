"""Bulk actions on invoices: storno drafts, cancel, delete, mark paid (objects.md §1 shape D, §7.1).

Each takes 1–100 ids (else :class:`core.errors.BadRequest`), applies the single-invoice
operation to each id on its own, and reports ``{"<verb>": n, "errors": [{"id", "error"}]}``:
one failing id never stops the others.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from core.bulk import apply_each, distinct_ids
from core.invoicing import storno
from core.invoicing.payments import settle
from core.invoicing.service import InvoiceService

__all__ = ["BulkIn", "bulk_storno", "bulk_cancel", "bulk_delete", "bulk_mark_paid"]


class BulkIn(msgspec.Struct, kw_only=True):
    """``POST /api/v1/invoices/bulk-*`` body: ``{"ids": [uuid, ...]}`` (1–100 ids)."""

    ids: list[str] = []


async def _each(data: BulkIn, verb: str, action: Callable[[str], Awaitable[Any]]) -> dict[str, Any]:
    return await apply_each(distinct_ids(data.ids, "invoice"), verb, action)


async def bulk_storno(service: InvoiceService, company_id: str, data: BulkIn, *, actor: str | None) -> dict[str, Any]:
    """A draft storno per id (objects.md §7.1); ``{"created": n, "errors": [...]}``."""
    return await _each(data, "created", lambda i: storno.create_draft(service, company_id, i, actor=actor))


async def bulk_cancel(service: InvoiceService, company_id: str, data: BulkIn, *, actor: str | None) -> dict[str, Any]:
    """Cancel each invoice (rules of ``POST …/cancel``); ``{"cancelled": n, "errors": [...]}``."""
    return await _each(data, "cancelled", lambda i: service.cancel(company_id, i, reason=None, actor=actor))


async def bulk_delete(service: InvoiceService, company_id: str, data: BulkIn, *, actor: str | None) -> dict[str, Any]:
    """Soft-delete each draft/cancelled invoice; ``{"deleted": n, "errors": [...]}``."""
    return await _each(data, "deleted", lambda i: service.delete(company_id, i))


async def bulk_mark_paid(service: InvoiceService, company_id: str, data: BulkIn, *, actor: str | None) -> dict[str, Any]:
    """Settle each invoice's remaining balance with one payment; ``{"marked": n, "errors": [...]}``."""
    return await _each(data, "marked", lambda i: settle(service, company_id, i, actor=actor))
