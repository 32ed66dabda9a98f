"""Request bodies and declared response Structs of the receipt endpoints (objects.md §3.10, §3.2, §2, §7.6).

Responses are built as camelCase dicts by :func:`receipt_json` / :func:`receipt_row_json` and
turned into the declared Structs with :func:`core.api.json.view`, so OpenAPI documents exactly the
bytes sent; amounts are exact JSON numbers (:data:`core.api.json.Number`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.api import json as j
from core.invoicing.responses import InvoiceLine
from core.invoicing.schemas import LANGUAGES, LineIn, check_exchange_rate, converted_invoice_json, currency_code, line_json
from core.proformas.schemas import head_json

__all__ = [
    "LineSelection", "ReceiptIn", "RefundIn",
    "DocumentRef", "ReceiptLineOut", "ReceiptListItem", "ReceiptOut", "ReceiptPage", "ReceiptRef", "SeriesRef", "PageTotals",
    "receipt_json", "receipt_row_json", "refund_ref_json",
]


def _amount(value: Decimal | None, name: str) -> None:
    """An optional tender amount: finite, >= 0, at most 2 decimals."""
    if value is None:
        return
    if not value.is_finite() or value < 0:
        raise msgspec.ValidationError(f"{name} must be a finite number >= 0")
    if value != value.quantize(Decimal("0.01")):
        raise msgspec.ValidationError(f"{name} has more than 2 decimals")


class ReceiptIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST``/``PUT /api/v1/receipts`` body (objects.md §3.10). Line quantities must be > 0
    (refunds are made with ``POST …/refund``); the tender split ``cashPayment``/``cardPayment``/
    ``otherPayment`` is in the receipt currency. ``documentSeriesId`` (type ``receipt``) numbers it at
    issue; ``idempotencyKey`` dedups creates (the ``Idempotency-Key`` header wins)."""

    lines: list[LineIn]
    client_id: str | None = None
    document_series_id: str | None = None
    currency: str = "RON"
    exchange_rate: Decimal | None = None
    language: str = "ro"
    issue_date: dt.date | None = None
    notes: str | None = None
    mentions: str | None = None
    internal_note: str | None = None
    project_reference: str | None = None
    issuer_name: str | None = None
    issuer_id: str | None = None
    sales_agent: str | None = None
    payment_method: str | None = None
    cash_payment: Decimal | None = None
    card_payment: Decimal | None = None
    other_payment: Decimal | None = None
    cash_register_name: str | None = None
    fiscal_number: str | None = None
    customer_name: str | None = None
    customer_cif: str | None = None
    idempotency_key: str | None = None

    def __post_init__(self) -> None:
        if not self.lines:
            raise msgspec.ValidationError("lines: at least one line is required")
        for i, line in enumerate(self.lines):
            if line.quantity <= 0:
                raise msgspec.ValidationError(f"lines[{i}]: quantity must be positive")
        self.currency = currency_code(self.currency)
        if self.language not in LANGUAGES:
            raise msgspec.ValidationError(f"language must be one of {', '.join(LANGUAGES)}")
        check_exchange_rate(self.currency, self.exchange_rate)
        for name in ("cash_payment", "card_payment", "other_payment"):
            _amount(getattr(self, name), name)
        if self.payment_method is not None and len(self.payment_method) > 30:
            raise msgspec.ValidationError("paymentMethod: at most 30 characters")
        if self.idempotency_key is not None and not 1 <= len(self.idempotency_key) <= 100:
            raise msgspec.ValidationError("idempotencyKey: 1 to 100 characters")


class LineSelection(msgspec.Struct, rename="camel", kw_only=True):
    """One line of a partial refund: the parent's line id and the quantity to take back (> 0)."""

    source_line_id: str
    quantity: Decimal


class RefundIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/receipts/{id}/refund`` body (optional). No or empty ``lineSelections``:
    refund every quantity still refundable (objects.md §7.6)."""

    line_selections: list[LineSelection] | None = None

    def __post_init__(self) -> None:
        for selection in self.line_selections or ():
            if not selection.quantity.is_finite():
                raise msgspec.ValidationError("lineSelections: quantity must be a finite number")


# --- responses ---------------------------------------------------------------------------------


class SeriesRef(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The numbering series of a receipt."""

    id: str
    prefix: str | None
    type: str | None


class DocumentRef(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The invoice a receipt was converted into (``convertedInvoice``)."""

    id: str
    number: str | None
    status: str | None


class ReceiptRef(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A linked receipt (``refundOf``, ``refundedBy``): id, number, status, issue date, gross total."""

    id: str
    number: str
    status: str
    issue_date: dt.date
    total: j.Number


class ReceiptLineOut(InvoiceLine):
    """A receipt line (objects.md §3.2); ``sourceLineId`` is the refunded line on refund receipts."""

    source_line_id: str | None


class ReceiptListItem(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A row of ``GET /api/v1/receipts`` (the list view of objects.md §3.10)."""

    id: str
    number: str
    status: str
    client_id: str | None
    client_name: str | None
    currency: str
    issue_date: dt.date
    subtotal: j.Number
    vat_total: j.Number
    total: j.Number
    payment_method: str | None
    cash_register_name: str | None
    fiscal_number: str | None
    customer_name: str | None
    refund_of_id: str | None
    issued_at: j.Stamp | None
    created_at: j.Stamp | None


class ReceiptOut(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A receipt in detail (objects.md §3.10): fields, tender split, links and lines."""

    id: str
    number: str
    status: str
    client_id: str | None
    client_name: str | None
    document_series: SeriesRef | None
    currency: str
    exchange_rate: j.NullableNumber
    language: str
    issue_date: dt.date
    subtotal: j.Number
    vat_total: j.Number
    total: j.Number
    discount: j.Number
    notes: str | None
    mentions: str | None
    internal_note: str | None
    project_reference: str | None
    issuer_name: str | None
    issuer_id: str | None
    sales_agent: str | None
    payment_method: str | None
    cash_payment: j.NullableNumber
    card_payment: j.NullableNumber
    other_payment: j.NullableNumber
    cash_register_name: str | None
    fiscal_number: str | None
    customer_name: str | None
    customer_cif: str | None
    converted_invoice: DocumentRef | None
    refund_of: ReceiptRef | None
    refunded_by: list[ReceiptRef]
    issued_at: j.Stamp | None
    cancelled_at: j.Stamp | None
    created_at: j.Stamp | None
    lines: list[ReceiptLineOut]


class PageTotals(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Sums over the matching receipts in ``currency``, cancelled ones excluded (objects.md §2).
    Receipts are sales: ``receivable`` is the gross total and ``payable`` is 0."""

    subtotal: j.Number
    vat_total: j.Number
    total: j.Number
    receivable: j.Number
    payable: j.Number


ReceiptPage = j.page_of(
    ReceiptListItem,
    "ReceiptPage",
    "A page of receipts ``{data,total,page,limit,pages}`` plus ``currency``, ``distinctCurrencies`` and ``totals`` (objects.md §2).",
    (("currency", str | None), ("distinctCurrencies", list[str]), ("totals", PageTotals)),
)


# --- serialisers -------------------------------------------------------------------------------


def refund_ref_json(row: dict[str, Any]) -> dict[str, Any]:
    """A receipt row as a :class:`ReceiptRef` body."""
    return {"id": row["id"], "number": row["number"], "status": row["status"], "issueDate": j.date(row.get("issue_date")), "total": j.amount(row["total"])}


def receipt_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A receipt row as a :class:`ReceiptListItem` body."""
    return {
        "id": row["id"],
        "number": row["number"],
        "status": row["status"],
        "clientId": row.get("client"),
        "clientName": row.get("client_name"),
        "currency": row["currency"],
        "issueDate": j.date(row["issue_date"]),
        "subtotal": j.amount(row["subtotal"]),
        "vatTotal": j.amount(row["vat_total"]),
        "total": j.amount(row["total"]),
        "paymentMethod": row.get("payment_method"),
        "cashRegisterName": row.get("cash_register_name"),
        "fiscalNumber": row.get("fiscal_number"),
        "customerName": row.get("customer_name"),
        "refundOfId": row.get("refund_of"),
        "issuedAt": j.stamp(row.get("issued_at")),
        "createdAt": j.stamp(row.get("created_at")),
    }


_TEXT = (
    ("notes", "notes"), ("mentions", "mentions"), ("internalNote", "internal_note"), ("projectReference", "project_reference"),
    ("issuerName", "issuer_name"), ("issuerId", "issuer_id"), ("salesAgent", "sales_agent"), ("paymentMethod", "payment_method"),
    ("cashRegisterName", "cash_register_name"), ("fiscalNumber", "fiscal_number"), ("customerName", "customer_name"),
    ("customerCif", "customer_cif"),
)


def receipt_json(
    row: dict[str, Any], lines: list[dict[str, Any]], *, parent: dict[str, Any] | None, refunds: list[dict[str, Any]]
) -> dict[str, Any]:
    """A receipt row (joined with ``series.*`` and ``converted_invoice.*``), its line rows, the
    refunded receipt row (or None) and its live refunds as a :class:`ReceiptOut` body."""
    return {
        **head_json(row),
        "language": row.get("language") or "ro",
        "issueDate": j.date(row["issue_date"]),
        "subtotal": j.amount(row["subtotal"]),
        "vatTotal": j.amount(row["vat_total"]),
        "total": j.amount(row["total"]),
        "discount": j.amount(row["discount"]),
        **{key: row.get(column) for key, column in _TEXT},
        "cashPayment": j.amount(row.get("cash_payment")),
        "cardPayment": j.amount(row.get("card_payment")),
        "otherPayment": j.amount(row.get("other_payment")),
        "convertedInvoice": converted_invoice_json(row),
        "refundOf": refund_ref_json(parent) if parent else None,
        "refundedBy": [refund_ref_json(r) for r in refunds],
        "issuedAt": j.stamp(row.get("issued_at")),
        "cancelledAt": j.stamp(row.get("cancelled_at")),
        "createdAt": j.stamp(row.get("created_at")),
        "lines": [{**line_json(line), "sourceLineId": line.get("source_line")} for line in lines],
    }
