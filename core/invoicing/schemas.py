"""Request bodies of the invoice endpoints (objects.md §3.1, §3.2) and the response serialisers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.api import json as j
from core.money import from_minor

__all__ = ["LineIn", "InvoiceIn", "CancelIn", "check_exchange_rate", "converted_invoice_json", "currency_code", "invoice_json", "line_json", "event_json", "refund_json", "series_ref_json"]

DOCUMENT_TYPES = ("invoice", "credit_note")
LANGUAGES = ("ro", "en", "de", "fr")

RATE_REQUIRED = "exchangeRate is required when currency is not RON"


def currency_code(currency: str) -> str:
    """``currency`` of a document request, upper-cased; raises :class:`msgspec.ValidationError`
    (answered 400) unless it is three letters (ISO 4217, EN 16931 BT-5)."""
    if len(currency) != 3 or not currency.isalpha():
        raise msgspec.ValidationError("currency must be an ISO 4217 code")
    return currency.upper()


def check_exchange_rate(currency: str, exchange_rate: Decimal | None, *, required: str = RATE_REQUIRED) -> None:
    """The exchange-rate rule of a document request: a given rate is finite and > 0, and a
    currency other than RON needs one (VAT is declared in RON, objects.md §3.1). Raises
    :class:`msgspec.ValidationError` (answered 400) with ``required`` when the rate is missing."""
    if exchange_rate is not None and (not exchange_rate.is_finite() or exchange_rate <= 0):
        raise msgspec.ValidationError("exchangeRate must be > 0")
    if currency != "RON" and exchange_rate is None:
        raise msgspec.ValidationError(required)


class LineIn(msgspec.Struct, rename="camel", kw_only=True):
    """A document line as sent by clients. Amounts: JSON numbers or decimal strings; unitPrice is net."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    unit_of_measure: str = "buc"
    vat_rate: Decimal = Decimal("21.00")
    vat_category_code: str = "S"
    discount: Decimal = Decimal("0")
    product_id: str | None = None
    product_code: str | None = None
    line_note: str | None = None

    def __post_init__(self) -> None:
        if not self.description.strip() or len(self.description) > 500:
            raise msgspec.ValidationError("description is required (1–500 characters)")
        for name in ("quantity", "unit_price", "vat_rate", "discount"):
            value = getattr(self, name)
            if not value.is_finite():
                raise msgspec.ValidationError(f"{name} must be a finite number")
        if self.quantity == 0:
            raise msgspec.ValidationError("quantity must not be 0")
        if self.unit_price < 0:
            raise msgspec.ValidationError("unitPrice must be >= 0")
        if self.discount < 0:
            raise msgspec.ValidationError("discount must be >= 0")
        if not Decimal(0) <= self.vat_rate <= Decimal(100):
            raise msgspec.ValidationError("vatRate must be between 0 and 100")


class InvoiceIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/invoices`` body: a draft invoice or credit note."""

    lines: list[LineIn]
    client_id: str | None = None
    document_type: str = "invoice"
    document_series_id: str | None = None
    series_id: str | None = None  # CLI alias of documentSeriesId
    currency: str = "RON"
    exchange_rate: Decimal | None = None
    invoice_type_code: str | None = "standard"
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    notes: str | None = None
    payment_terms: str | None = None
    language: str = "ro"
    order_number: str | None = None
    contract_number: str | None = None
    buyer_reference: str | None = None
    parent_document_id: str | None = None
    idempotency_key: str | None = None

    def __post_init__(self) -> None:
        if not self.lines:
            raise msgspec.ValidationError("lines: at least one line is required")
        if self.document_type not in DOCUMENT_TYPES:
            raise msgspec.ValidationError(f"documentType must be one of {', '.join(DOCUMENT_TYPES)}")
        self.currency = currency_code(self.currency)
        if self.language not in LANGUAGES:
            raise msgspec.ValidationError(f"language must be one of {', '.join(LANGUAGES)}")
        check_exchange_rate(self.currency, self.exchange_rate, required=RATE_REQUIRED + " (VAT is declared in RON)")


class CancelIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/invoices/{id}/cancel`` body (optional): the cancellation reason."""

    reason: str | None = None


def series_ref_json(row: dict[str, Any]) -> dict[str, Any] | None:
    """The joined ``series.*`` columns of a document row as its ``documentSeries`` body
    ``{id, prefix, type}`` (objects.md §3.5), None when the document has no series."""
    if not row.get("series.id"):
        return None
    return {"id": row["series.id"], "prefix": row.get("series.prefix"), "type": row.get("series.type")}


def converted_invoice_json(row: dict[str, Any]) -> dict[str, Any] | None:
    """The joined ``converted_invoice.*`` columns of a proforma, delivery note or receipt row as
    its ``convertedInvoice`` body ``{id, number, status}``, None before conversion."""
    if not row.get("converted_invoice.id"):
        return None
    return {key: row.get(f"converted_invoice.{key}") for key in ("id", "number", "status")}


def line_json(row: dict[str, Any]) -> dict[str, Any]:
    """A line row as the API's InvoiceLine (objects.md §3.2)."""
    return {
        "id": row["id"],
        "position": row["position"],
        "description": row["description"],
        "quantity": j.scaled(row["quantity"]),
        "unitOfMeasure": row["unit_of_measure"],
        "unitPrice": j.scaled(row["unit_price"], 2),
        "vatRate": j.amount(row["vat_rate"]),
        "vatCategoryCode": row["vat_category_code"],
        "vatAmount": j.amount(row["vat_amount"]),
        "lineTotal": j.amount(row["line_total"]),
        "discount": j.amount(row["discount"]),
        "productId": row.get("product"),
        "productCode": row.get("product_code"),
        "lineNote": row.get("line_note"),
    }


def invoice_json(row: dict[str, Any], lines: list[dict[str, Any]] | None = None, *, detail: bool = True) -> dict[str, Any]:
    """An invoice row as the API's Invoice (objects.md §3.1): list view, or detail with lines."""
    total = from_minor(row["total"]) or Decimal(0)
    paid = from_minor(row["amount_paid"]) or Decimal(0)
    body: dict[str, Any] = {
        "id": row["id"],
        "documentType": row["document_type"],
        "status": row["status"],
        "direction": row["direction"],
        "number": row["number"],
        "senderCif": row.get("sender_cif"),
        "senderName": row.get("sender_name"),
        "receiverCif": row.get("receiver_cif"),
        "receiverName": row.get("receiver_name"),
        "clientId": row.get("client"),
        "supplierId": row.get("supplier"),
        "subtotal": j.amount(row["subtotal"]),
        "vatTotal": j.amount(row["vat_total"]),
        "total": j.amount(row["total"]),
        "discount": j.amount(row["discount"]),
        "amountPaid": j.amount(row["amount_paid"]),
        "balance": j.number(total - paid),
        "paidAt": j.stamp(row.get("paid_at")),
        "paymentMethod": row.get("payment_method"),
        "cancelledAt": j.stamp(row.get("cancelled_at")),
        "cancellationReason": row.get("cancellation_reason"),
        "currency": row["currency"],
        "exchangeRate": j.scaled(row.get("exchange_rate")),
        "invoiceTypeCode": row.get("invoice_type_code"),
        "issueDate": j.date(row["issue_date"]),
        "dueDate": j.date(row.get("due_date")),
        "anafStatus": row.get("anaf_status"),
        "anafErrorMessage": row.get("anaf_error_message"),
        "parentDocumentId": row.get("parent"),
    }
    if detail:
        body.update(
            {
                "notes": row.get("notes"),
                "paymentTerms": row.get("payment_terms"),
                "language": row.get("language"),
                "orderNumber": row.get("order_number"),
                "contractNumber": row.get("contract_number"),
                "buyerReference": row.get("buyer_reference"),
                "anafUploadId": row.get("anaf_upload_id"),
                "anafDownloadId": row.get("anaf_download_id"),
                "anafMessageId": row.get("anaf_message_id"),
                "syncedAt": j.stamp(row.get("synced_at")),
                "signatureValid": row.get("signature_valid"),
                "parentDocumentNumber": row.get("parent_number"),
                "parentDocumentDate": j.date(row.get("parent_date")),
                "buyerSnapshot": row.get("buyer_snapshot"),
                "issuedAt": j.stamp(row.get("issued_at")),
                "lines": [line_json(line) for line in (lines or [])],
            }
        )
    return body


def refund_json(row: dict[str, Any]) -> dict[str, Any]:
    """A storno child as listed in ``refundInvoices`` on the source's detail."""
    return {"id": row["id"], "number": row["number"], "status": row["status"], "issueDate": j.date(row["issue_date"]), "total": j.amount(row["total"])}


def event_json(row: dict[str, Any]) -> dict[str, Any]:
    """A document event (objects.md §3.19 "Document event")."""
    return {
        "id": row["id"],
        "previousStatus": row.get("previous_status"),
        "newStatus": row.get("new_status"),
        "metadata": {"action": row["action"], **(row.get("metadata") or {})},
        "createdAt": j.stamp(row["created_at"]),
        "createdBy": row.get("created_by"),
    }
