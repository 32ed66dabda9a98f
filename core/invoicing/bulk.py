"""Bulk actions on invoices: storno drafts, cancel, delete, mark paid (objects.md §1 shape D, §7.1).

Each takes 1–100 ids (else :class:`core.errors.BadRequest`), applies the single-invoice
operation to each id on its own, and reports ``{"<verb>": n, "errors": [{"id", "error"}]}``:
one failing id never stops the others.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from core.errors import BadRequest, StornoError
from core.invoicing import storno
from core.invoicing.payments import settle
from core.invoicing.service import InvoiceService

__all__ = ["BulkIn", "MAX_IDS", "bulk_storno", "bulk_cancel", "bulk_delete", "bulk_mark_paid"]

MAX_IDS = 100


class BulkIn(msgspec.Struct, kw_only=True):
    """``POST /api/v1/invoices/bulk-*`` body: ``{"ids": [uuid, ...]}`` (1–100 ids)."""

    ids: list[str] = []


async def _each(data: BulkIn, verb: str, action: Callable[[str], Awaitable[Any]]) -> dict[str, Any]:
    ids = list(dict.fromkeys(data.ids))
    if not ids or len(ids) > MAX_IDS:
        raise BadRequest(f"ids must list between 1 and {MAX_IDS} invoice ids.", field="ids")
    done, errors = 0, []
    for invoice_id in ids:
        try:
            await action(invoice_id)
        except StornoError as exc:
            errors.append({"id": invoice_id, "error": exc.message})
        else:
            done += 1
    return {verb: done, "errors": errors}


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
