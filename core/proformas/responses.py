"""Response bodies of the proforma endpoints (objects.md §2, §3.7). Each Struct mirrors
:func:`core.proformas.schemas.proforma_json` field for field and in order; handlers return them
through :func:`core.api.json.view`, so OpenAPI documents exactly the bytes sent."""

from __future__ import annotations

import datetime as dt

import msgspec

from core.api.json import NullableNumber, Number, Stamp, page_of
from core.invoicing.responses import InvoiceLine

__all__ = ["ConvertedInvoiceRef", "DocumentHead", "Proforma", "ProformaPage", "ProformaRow", "SeriesRef"]


class Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of every response Struct here: camelCase keys, no undeclared key."""


class SeriesRef(Body):
    """The numbering series of a document (objects.md §3.5): id, prefix and document type."""

    id: str
    prefix: str | None
    type: str | None


class ConvertedInvoiceRef(Body):
    """The invoice a proforma or delivery note was converted into."""

    id: str
    number: str | None
    status: str | None


class DocumentHead(Body):
    """The leading fields of a proforma or delivery note body (objects.md §3.7, §3.9): identity,
    status, client, numbering series, currency and its RON exchange rate."""

    id: str
    number: str
    status: str
    client_id: str | None
    client_name: str | None
    document_series: SeriesRef | None
    currency: str
    exchange_rate: NullableNumber


class ProformaRow(DocumentHead):
    """A proforma invoice, list view (objects.md §3.7). ``status``: draft, sent, accepted,
    rejected, converted, cancelled, expired."""

    language: str | None
    issue_date: dt.date
    due_date: dt.date | None
    valid_until: dt.date | None
    subtotal: Number
    vat_total: Number
    total: Number
    discount: Number
    converted_invoice: ConvertedInvoiceRef | None
    sent_at: Stamp | None
    accepted_at: Stamp | None
    rejected_at: Stamp | None
    cancelled_at: Stamp | None
    expired_at: Stamp | None
    created_at: Stamp | None


class Proforma(ProformaRow, kw_only=True):
    """A proforma invoice, detail view: the list fields, the print fields and the lines."""

    notes: str | None
    payment_terms: str | None
    invoice_type_code: str | None
    delivery_location: str | None
    project_reference: str | None
    order_number: str | None
    contract_number: str | None
    issuer_name: str | None
    issuer_id: str | None
    mentions: str | None
    internal_note: str | None
    sales_agent: str | None
    lines: list[InvoiceLine]


ProformaPage = page_of(ProformaRow, "ProformaPage", "A page of proforma invoices (objects.md §2 envelope).")
