"""The print view of a receipt for :func:`core.documents.pdf.render_pdf` (template ``receipt.html``).

The view is that of :func:`core.documents.pdf.view_from_rows` (company as seller, line rows,
totals) with ``document_type`` ``receipt`` and a ``receipt`` section: refund flag, the refunded
receipt's number, the fiscal printer stamp (cash register, fiscal number), the payment method and
the tender split (objects.md §3.10).
"""

from __future__ import annotations

from typing import Any

from core.documents import pdf
from core.money import from_minor

__all__ = ["receipt_view"]


def _buyer(row: dict[str, Any], client: dict[str, Any] | None) -> dict[str, Any]:
    """The buyer printed: the walk-in customer's name and CIF when given, else the client's."""
    client = client or {}
    return {
        "name": row.get("customer_name") or row.get("client_name") or client.get("name"),
        "cui": row.get("customer_cif") or client.get("cui"),
        "vatCode": None if row.get("customer_cif") else client.get("vat_code"),
        "registrationNumber": client.get("registration_number"),
        "address": client.get("address"),
        "postalCode": client.get("postal_code"),
        "city": client.get("city"),
        "county": client.get("county"),
        "country": client.get("country"),
    }


def receipt_view(
    row: dict[str, Any], lines: list[dict[str, Any]], *, company: dict[str, Any], client: dict[str, Any] | None,
    parent: dict[str, Any] | None, language: str,
) -> dict[str, Any]:
    """The print view of receipt ``row`` (amounts in minor units) with its line rows, the company
    row, the client row (or None), the refunded receipt row (or None), in ``language`` (ro/en/de/fr)."""
    document = {
        **row, "document_type": "receipt", "language": language, "due_date": None, "payment_terms": "",
        "parent_number": None, "buyer_snapshot": _buyer(row, client),
    }
    view = pdf.view_from_rows(document, lines, company)
    tenders = [(label, from_minor(row.get(column))) for label, column in (("cash", "cash_payment"), ("card", "card_payment"), ("other_payment", "other_payment"))]
    view["receipt"] = {
        "refund": bool(row.get("refund_of")),
        "refund_of": parent["number"] if parent else None,
        "cash_register": row.get("cash_register_name"),
        "fiscal_number": row.get("fiscal_number"),
        "payment_method": row.get("payment_method"),
        "tenders": [(label, value) for label, value in tenders if value is not None],
    }
    return view
