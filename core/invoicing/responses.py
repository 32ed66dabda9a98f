"""Response bodies of the invoice, credit-note/storno and payment endpoints (objects.md §1–§3).

Each Struct mirrors, field for field and in the same order, what the serialisers of
:mod:`core.invoicing.schemas` and :mod:`core.invoicing.payments` build; handlers return them
through :func:`core.api.json.view`, so OpenAPI documents exactly the bytes sent. Amounts are
JSON numbers (:data:`core.api.json.Number`), dates ``YYYY-MM-DD``, timestamps RFC 3339.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from core.api.json import NullableNumber, Number, Stamp, page_of

__all__ = [
    "AttachmentRef", "BulkError", "InvoiceEvent", "Invoice", "InvoiceImported", "InvoiceLine", "InvoicePage",
    "InvoiceResult", "InvoiceRow", "InvoiceSubmitted", "Payment", "RefundInvoice", "ValidationIssue",
    "ValidationLayer", "ValidationResult", "BulkCreated", "BulkCancelled", "BulkDeleted", "BulkMarked",
]

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of every response Struct here: camelCase keys, no undeclared key."""


class InvoiceLine(Body):
    """A document line (objects.md §3.2), shared by invoices, proformas and delivery notes.
    ``quantity`` has 4 decimals, ``unitPrice`` 2 (more when stored so), amounts 2."""

    id: str
    position: int
    description: str
    quantity: Number
    unit_of_measure: str
    unit_price: Number
    vat_rate: Number
    vat_category_code: str
    vat_amount: Number
    line_total: Number  # net line amount (BT-131)
    discount: Number
    product_id: str | None
    product_code: str | None
    line_note: str | None


class Payment(Body):
    """A recorded payment (objects.md §3.6)."""

    id: str
    amount: Number
    currency: str
    payment_date: dt.date
    payment_method: str
    reference: str | None
    notes: str | None
    is_reconciled: bool
    created_at: Stamp


class RefundInvoice(Body):
    """A storno child as listed in ``refundInvoices`` of its source (objects.md §3.1)."""

    id: str
    number: str
    status: str
    issue_date: dt.date
    total: Number


class AttachmentRef(Body):
    """A supporting document of the invoice (objects.md §3.1 ``attachments``; EN 16931 BG-24);
    ``size`` in bytes. Sent only by ``GET /api/v1/invoices/{id}``."""

    id: str
    filename: str
    mime_type: str
    description: str | None
    size: int


class InvoiceRow(Body):
    """An invoice or credit note, list view (objects.md §3.1 rows marked L)."""

    id: str
    document_type: str  # invoice | credit_note
    status: str  # objects.md §5.1
    direction: str | None  # outgoing | incoming
    number: str
    sender_cif: str | None
    sender_name: str | None
    receiver_cif: str | None
    receiver_name: str | None
    client_id: str | None
    supplier_id: str | None
    subtotal: Number
    vat_total: Number
    total: Number
    discount: Number
    amount_paid: Number
    balance: Number  # total − amountPaid
    paid_at: Stamp | None
    payment_method: str | None
    cancelled_at: Stamp | None
    cancellation_reason: str | None
    currency: str
    exchange_rate: NullableNumber
    invoice_type_code: str | None
    issue_date: dt.date
    due_date: dt.date | None
    anaf_status: str | None
    anaf_error_message: str | None
    parent_document_id: str | None


class Invoice(InvoiceRow, kw_only=True):
    """An invoice or credit note, detail view (objects.md §3.1). ``payments`` and
    ``refundInvoices`` are sent only by ``GET /api/v1/invoices/{id}`` (the latter only when storno
    children exist)."""

    notes: str | None
    payment_terms: str | None
    language: str | None
    order_number: str | None
    contract_number: str | None
    buyer_reference: str | None
    anaf_upload_id: str | None
    anaf_download_id: str | None
    anaf_message_id: str | None
    synced_at: Stamp | None
    signature_valid: bool | None = None  # last check of the provider's signature (verify-signature)
    parent_document_number: str | None
    parent_document_date: dt.date | None
    buyer_snapshot: dict[str, Any] | None
    issued_at: Stamp | None
    lines: list[InvoiceLine]
    payments: list[Payment] | Unset = UNSET
    refund_invoices: list[RefundInvoice] | Unset = UNSET
    attachments: list[AttachmentRef] | Unset = UNSET


InvoicePage = page_of(InvoiceRow, "InvoicePage", "A page of invoices (objects.md §2 envelope).")


class ValidationIssue(Body):
    """One blocking finding of a validation result (objects.md §1 shape C)."""

    message: str
    source: str  # business | xml_generation | xsd | schematron
    rule_id: str | None | Unset = UNSET
    location: str | None | Unset = UNSET


class ValidationLayer(Body):
    """One layer of the validation pipeline and whether it ran."""

    name: str
    kind: str
    ran: bool
    reason: str | None


class ValidationResult(Body):
    """Validation result (objects.md §1 shape C); ``layers`` when the pipeline ran."""

    valid: bool
    errors: list[ValidationIssue]
    warnings: list[str]
    schematron_available: bool
    layers: list[ValidationLayer] | Unset = UNSET
    error: str | Unset = UNSET


class InvoiceResult(Body):
    """``{"invoice", "validation"}`` of create, update, issue and storno (objects.md §3.1)."""

    invoice: Invoice
    validation: ValidationResult | None


class InvoiceEnvelope(Body):
    """``{"invoice"}`` of cancel, restore and import."""

    invoice: Invoice


InvoiceImported = InvoiceEnvelope


class InvoiceSubmitted(Body):
    """``POST /api/v1/invoices/{id}/submit``: the invoice and a human message."""

    invoice: Invoice
    message: str


class InvoiceEvent(Body):
    """A status-change event of a document (objects.md §3.19 "Document event")."""

    id: str
    previous_status: str | None
    new_status: str | None
    metadata: dict[str, Any]  # ``action`` plus its details
    created_at: Stamp
    created_by: str | None


class BulkError(Body):
    """One id a bulk action could not process (objects.md §1 shape D)."""

    id: str
    error: str


class BulkCreated(Body):
    """Shape D of ``bulk-storno``."""

    created: int
    errors: list[BulkError]


class BulkCancelled(Body):
    """Shape D of ``bulk-cancel``."""

    cancelled: int
    errors: list[BulkError]


class BulkDeleted(Body):
    """Shape D of ``bulk-delete``."""

    deleted: int
    errors: list[BulkError]


class BulkMarked(Body):
    """Shape D of ``bulk-mark-paid``."""

    marked: int
    errors: list[BulkError]
