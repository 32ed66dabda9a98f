"""Request bodies and response serialisers of the delivery-note endpoints (objects.md §3.9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.api import json as j
from core.invoicing.schemas import LineIn, check_exchange_rate, converted_invoice_json, currency_code, line_json
from core.proformas.schemas import head_json

__all__ = ["DeliveryNoteIn", "FromProforma", "delivery_note_json"]

_TEXT_FIELDS = (
    "notes", "mentions", "internal_note", "delivery_location", "project_reference", "issuer_name", "issuer_id",
    "sales_agent", "deputy_name", "deputy_identity_card", "deputy_auto", "etransport_vehicle_number",
)


class DeliveryNoteIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST``/``PUT /api/v1/delivery-notes`` body. ``documentSeriesId`` (type ``delivery_note``) is
    used at issue; the e-Transport fields are stored as given."""

    lines: list[LineIn]
    client_id: str | None = None
    document_series_id: str | None = None
    currency: str = "RON"
    exchange_rate: Decimal | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    notes: str | None = None
    mentions: str | None = None
    internal_note: str | None = None
    delivery_location: str | None = None
    project_reference: str | None = None
    issuer_name: str | None = None
    issuer_id: str | None = None
    sales_agent: str | None = None
    deputy_name: str | None = None
    deputy_identity_card: str | None = None
    deputy_auto: str | None = None
    skip_etransport: bool = False
    etransport_operation_type: int | None = None
    etransport_vehicle_number: str | None = None
    etransport_transport_date: dt.date | None = None

    def __post_init__(self) -> None:
        if not self.lines:
            raise msgspec.ValidationError("lines: at least one line is required")
        self.currency = currency_code(self.currency)
        check_exchange_rate(self.currency, self.exchange_rate)


class FromProforma(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/delivery-notes/from-proforma`` body."""

    proforma_id: str


def delivery_note_json(row: dict[str, Any], lines: list[dict[str, Any]] | None = None, *, detail: bool = True) -> dict[str, Any]:
    """A delivery-note row (joined with ``series.*`` and ``converted_invoice.*``) as the API's Delivery note."""
    body: dict[str, Any] = {
        **head_json(row),
        "issueDate": j.date(row["issue_date"]),
        "dueDate": j.date(row.get("due_date")),
        "subtotal": j.amount(row["subtotal"]),
        "vatTotal": j.amount(row["vat_total"]),
        "total": j.amount(row["total"]),
        "discount": j.amount(row["discount"]),
        "convertedInvoice": converted_invoice_json(row),
        "issuedAt": j.stamp(row.get("issued_at")),
        "cancelledAt": j.stamp(row.get("cancelled_at")),
        "skipEtransport": bool(row.get("skip_etransport")),
        "etransportStatus": row.get("etransport_status"),
        "etransportUit": row.get("etransport_uit"),
        "createdAt": j.stamp(row.get("created_at")),
    }
    if detail:
        body.update({_camel(name): row.get(name) for name in _TEXT_FIELDS})
        body.update(
            {
                "etransportOperationType": row.get("etransport_operation_type"),
                "etransportTransportDate": j.date(row.get("etransport_transport_date")),
                "etransportErrorMessage": row.get("etransport_error_message"),
                "etransportSubmittedAt": j.stamp(row.get("etransport_submitted_at")),
                "lines": [line_json(line) for line in (lines or [])],
            }
        )
    return body


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
