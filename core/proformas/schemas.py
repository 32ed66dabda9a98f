"""Request bodies and response serialisers of the proforma endpoints (objects.md §3.7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.api import json as j
from core.invoicing.schemas import LANGUAGES, LineIn, check_exchange_rate, converted_invoice_json, currency_code, line_json, series_ref_json

__all__ = ["ProformaIn", "BulkIds", "head_json", "proforma_json"]


class ProformaIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST``/``PUT /api/v1/proforma-invoices`` body; ``documentSeriesId`` numbers it at creation."""

    lines: list[LineIn]
    client_id: str | None = None
    document_series_id: str | None = None
    currency: str = "RON"
    exchange_rate: Decimal | None = None
    language: str = "ro"
    invoice_type_code: str | None = "standard"
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    valid_until: dt.date | None = None
    notes: str | None = None
    payment_terms: str | None = None
    delivery_location: str | None = None
    project_reference: str | None = None
    order_number: str | None = None
    contract_number: str | None = None
    issuer_name: str | None = None
    issuer_id: str | None = None
    mentions: str | None = None
    internal_note: str | None = None
    sales_agent: str | None = None

    def __post_init__(self) -> None:
        if not self.lines:
            raise msgspec.ValidationError("lines: at least one line is required")
        self.currency = currency_code(self.currency)
        if self.language not in LANGUAGES:
            raise msgspec.ValidationError(f"language must be one of {', '.join(LANGUAGES)}")
        check_exchange_rate(self.currency, self.exchange_rate)


class BulkIds(msgspec.Struct, kw_only=True):
    """``{"ids": [...]}`` of a bulk endpoint: 1 to 100 ids (objects.md §1 shape D)."""

    ids: list[str]

    def __post_init__(self) -> None:
        if not 1 <= len(self.ids) <= 100:
            raise msgspec.ValidationError("ids: between 1 and 100 ids are required")


def head_json(row: dict[str, Any]) -> dict[str, Any]:
    """The leading keys of a proforma, delivery-note or receipt body (:class:`core.proformas.responses.DocumentHead`)
    from a document row joined with ``series.*``: identity, status, client, series, currency, exchange rate."""
    return {
        "id": row["id"],
        "number": row["number"],
        "status": row["status"],
        "clientId": row.get("client"),
        "clientName": row.get("client_name"),
        "documentSeries": series_ref_json(row),
        "currency": row["currency"],
        "exchangeRate": j.scaled(row.get("exchange_rate")),
    }


def proforma_json(row: dict[str, Any], lines: list[dict[str, Any]] | None = None, *, detail: bool = True) -> dict[str, Any]:
    """A proforma row (joined with ``series.*`` and ``converted_invoice.*``) as the API's Proforma invoice."""
    body: dict[str, Any] = {
        **head_json(row),
        "language": row.get("language"),
        "issueDate": j.date(row["issue_date"]),
        "dueDate": j.date(row.get("due_date")),
        "validUntil": j.date(row.get("valid_until")),
        "subtotal": j.amount(row["subtotal"]),
        "vatTotal": j.amount(row["vat_total"]),
        "total": j.amount(row["total"]),
        "discount": j.amount(row["discount"]),
        "convertedInvoice": converted_invoice_json(row),
        "sentAt": j.stamp(row.get("sent_at")),
        "acceptedAt": j.stamp(row.get("accepted_at")),
        "rejectedAt": j.stamp(row.get("rejected_at")),
        "cancelledAt": j.stamp(row.get("cancelled_at")),
        "expiredAt": j.stamp(row.get("expired_at")),
        "createdAt": j.stamp(row.get("created_at")),
    }
    if detail:
        body.update(
            {
                key: row.get(column)
                for key, column in (
                    ("notes", "notes"), ("paymentTerms", "payment_terms"), ("invoiceTypeCode", "invoice_type_code"),
                    ("deliveryLocation", "delivery_location"), ("projectReference", "project_reference"),
                    ("orderNumber", "order_number"), ("contractNumber", "contract_number"), ("issuerName", "issuer_name"),
                    ("issuerId", "issuer_id"), ("mentions", "mentions"), ("internalNote", "internal_note"), ("salesAgent", "sales_agent"),
                )
            }
        )
        body["lines"] = [line_json(line) for line in (lines or [])]
    return body
