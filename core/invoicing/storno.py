"""Storno (reversal) of issued invoices (objects.md §3.8, §7).

A storno mirrors its source: same client, currency, buyer snapshot, series and document type,
every line copied with its quantity (and allowance) negated, notes "Storno factura #N din
dd.mm.yyyy", ``parent`` pointing at the source. :func:`storno` creates and issues it in one
write transaction through :func:`core.invoicing.issuing.issue_locked` (the same issuing core as
``POST …/issue``): any failure rolls back the new rows and the number taken. :func:`create_draft`
only creates the draft (``bulk-storno``, objects.md §7.1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.db.engine import write_transaction
from core.errors import BadRequest
from core.events import emit, invoice_event_data
from core.ids import new_id
from core.invoicing import issuing
from core.invoicing.service import InvoiceService
from core.invoicing.tables import Invoice, InvoiceLine

__all__ = ["STORNABLE", "check_stornable", "create_draft", "storno"]

#: Source statuses a storno may reverse (objects.md §7.1).
STORNABLE = frozenset({"issued", "sent_to_provider", "validated", "synced"})
_COPIED = (
    "document_type", "series", "client", "supplier", "sender_cif", "sender_name", "receiver_cif", "receiver_name",
    "currency", "exchange_rate", "invoice_type_code", "payment_terms", "language", "order_number",
    "contract_number", "buyer_reference", "buyer_snapshot",
)
_NEGATED_LINE = ("quantity", "vat_amount", "line_total", "discount")
_LINE_COPIED = (
    "description", "unit_of_measure", "unit_code", "unit_price", "vat_rate", "vat_category_code",
    "vat_exemption_reason", "product", "product_code", "line_note",
)


async def check_stornable(source: dict[str, Any]) -> None:
    """Raise :class:`core.errors.BadRequest` unless ``source`` may be reversed.

    ``invoice_already_storned`` when it is ``refunded`` or has a live (not cancelled, not
    deleted) storno; ``invoice_cannot_be_storned`` when it is incoming, a proforma, itself a
    storno, or in a status outside :data:`STORNABLE` (draft, cancelled, rejected, ...).
    """
    children = await Invoice.count().where(
        (Invoice.parent == source["id"]) & Invoice.deleted_at.is_null() & (Invoice.status != "cancelled")
    ).run()
    if source["status"] == "refunded" or children:
        raise BadRequest(f"Invoice {source['number']} already has a storno.", code="invoice_already_storned")
    reason = None
    if source["direction"] != "outgoing":
        reason = "only outgoing invoices can be storned"
    elif source["document_type"] == "proforma":
        reason = "a proforma cannot be storned"
    elif source.get("parent"):
        reason = "it is itself a storno"
    elif source["status"] not in STORNABLE:
        reason = f"its status is '{source['status']}' (allowed: {', '.join(sorted(STORNABLE))})"
    if reason:
        raise BadRequest(f"Invoice {source['number']} cannot be storned: {reason}.", code="invoice_cannot_be_storned")


async def _insert_draft(service: InvoiceService, company_id: str, source: dict[str, Any], actor: str | None) -> str:
    """Insert the mirrored draft and its negated lines (inside the caller's transaction); its id."""
    storno_id = new_id()
    issue_date = source["issue_date"]
    shown = issue_date.strftime("%d.%m.%Y") if isinstance(issue_date, dt.date) else str(issue_date)
    row = Invoice(
        id=storno_id,
        company=company_id,
        direction="outgoing",
        status="draft",
        number=f"REFUND-{storno_id.replace('-', '')[-8:]}",
        issue_date=dt.date.today(),
        due_date=dt.date.today(),
        notes=f"Storno factura #{source['number']} din {shown}",
        subtotal=-source["subtotal"],
        vat_total=-source["vat_total"],
        total=-source["total"],
        discount=-source["discount"],
        amount_paid=-source["total"] if source["total"] > 0 else 0,
        parent=source["id"],
        parent_number=source["number"],
        parent_date=source["issue_date"],
        **{name: source.get(name) for name in _COPIED},
    )
    await Invoice.insert(row).run()
    lines = await service.lines(source["id"])
    await InvoiceLine.insert(
        *[
            InvoiceLine(
                invoice=storno_id, position=line["position"],
                **{name: line.get(name) for name in _LINE_COPIED},
                **{name: -(line.get(name) or 0) for name in _NEGATED_LINE},
            )
            for line in lines
        ]
    ).run()
    await service.record_event(storno_id, None, "draft", "created", actor, stornoOf=source["id"], stornoOfNumber=source["number"])
    return storno_id


async def create_draft(service: InvoiceService, company_id: str, invoice_id: str, *, actor: str | None) -> dict[str, Any]:
    """Create a draft storno of ``invoice_id`` (not issued); returns its row. Errors: :func:`check_stornable`."""
    async with write_transaction():
        source = await service.get_for_update(company_id, invoice_id)
        await check_stornable(source)
        storno_id = await _insert_draft(service, company_id, source, actor)
    return await service.get(company_id, storno_id)


async def storno(service: InvoiceService, company_id: str, invoice_id: str, *, actor: str | None) -> dict[str, Any]:
    """Create and issue the storno of ``invoice_id`` in one write transaction; returns its row.

    Source → ``refunded`` (event ``storno_created``), storno → ``refund`` (event
    ``refund_issued``), number from the source's series. Raises the errors of
    :func:`check_stornable` (400), :class:`core.errors.ValidationFailed` (422; nothing persisted,
    no number spent) and NotFound.
    """
    source = await service.get(company_id, invoice_id)
    await check_stornable(source)
    series_id = await issuing.series_for(company_id, source)
    async with write_transaction():
        source = await service.get_for_update(company_id, invoice_id)
        await check_stornable(source)
        storno_id = await _insert_draft(service, company_id, source, actor)
        draft = await service.get(company_id, storno_id)
        await issuing.issue_locked(
            service, company_id, draft, series_id, actor=actor, event_action="refund_issued", parent_action="storno_created", sourceId=source["id"]
        )
    issued = await service.get(company_id, storno_id)
    emit("invoice.issued", company_id, invoice_event_data(issued))
    return issued
