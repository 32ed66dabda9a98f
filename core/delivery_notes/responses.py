"""Response bodies of the delivery-note endpoints (objects.md §2, §3.9). Each Struct mirrors
:func:`core.delivery_notes.schemas.delivery_note_json` field for field and in order; handlers
return them through :func:`core.api.json.view`, so OpenAPI documents exactly the bytes sent."""

from __future__ import annotations

import datetime as dt

from core.api.json import Number, Stamp, page_of
from core.invoicing.responses import InvoiceLine
from core.proformas.responses import ConvertedInvoiceRef, DocumentHead

__all__ = ["DeliveryNote", "DeliveryNotePage", "DeliveryNoteRow"]


class DeliveryNoteRow(DocumentHead):
    """A delivery note (aviz), list view (objects.md §3.9). ``status``: draft, issued,
    converted, cancelled; ``number`` is ``AVIZ-…`` until issued."""

    issue_date: dt.date
    due_date: dt.date | None
    subtotal: Number
    vat_total: Number
    total: Number
    discount: Number
    converted_invoice: ConvertedInvoiceRef | None
    issued_at: Stamp | None
    cancelled_at: Stamp | None
    skip_etransport: bool
    etransport_status: str | None
    etransport_uit: str | None
    created_at: Stamp | None


class DeliveryNote(DeliveryNoteRow, kw_only=True):
    """A delivery note, detail view: list fields, print and e-Transport fields, lines."""

    notes: str | None
    mentions: str | None
    internal_note: str | None
    delivery_location: str | None
    project_reference: str | None
    issuer_name: str | None
    issuer_id: str | None
    sales_agent: str | None
    deputy_name: str | None
    deputy_identity_card: str | None
    deputy_auto: str | None
    etransport_vehicle_number: str | None
    etransport_operation_type: int | None  # RO e-Transport operation code
    etransport_transport_date: dt.date | None
    etransport_error_message: str | None
    etransport_submitted_at: Stamp | None
    lines: list[InvoiceLine]


DeliveryNotePage = page_of(DeliveryNoteRow, "DeliveryNotePage", "A page of delivery notes (objects.md §2 envelope).")
