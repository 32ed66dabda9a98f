"""Line rows of the non-fiscal documents (proformas, delivery notes).

The line semantics are those of :class:`core.invoicing.tables.InvoiceLine` (objects.md §3.2):
amounts in minor units, quantity and unit price at 6 decimals, totals per EN 16931 through
:func:`core.invoicing.totals.compute_totals`. Responses reuse :func:`core.invoicing.schemas.line_json`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.invoicing.schemas import LineIn
from core.invoicing.totals import DraftLine, Totals, compute_totals
from core.invoicing.units import unit_code
from core.money import from_minor, to_minor, to_scaled

__all__ = ["line_columns", "line_in", "totals_columns"]


def line_columns(lines: list[LineIn]) -> tuple[Totals, list[dict[str, Any]]]:
    """EN 16931 totals of ``lines`` and one column dict per line (position from 1), without the parent key."""
    totals = compute_totals([DraftLine(l.quantity, l.unit_price, l.vat_rate, l.vat_category_code, l.discount) for l in lines])
    rows = [
        {
            "position": i,
            "description": line.description,
            "quantity": to_scaled(line.quantity),
            "unit_of_measure": line.unit_of_measure,
            "unit_code": unit_code(line.unit_of_measure),
            "unit_price": to_scaled(line.unit_price),
            "vat_rate": to_minor(computed.vat_rate.quantize(Decimal("0.01"))),
            "vat_category_code": computed.vat_category_code,
            "vat_amount": to_minor(computed.vat_amount),
            "line_total": to_minor(computed.net_amount),
            "discount": to_minor(line.discount.quantize(Decimal("0.01"))),
            "product": line.product_id,
            "product_code": line.product_code,
            "line_note": line.line_note,
        }
        for i, (line, computed) in enumerate(zip(lines, totals.lines, strict=True), start=1)
    ]
    return totals, rows


def totals_columns(totals: Totals) -> dict[str, int]:
    """The document total columns (minor units) of ``totals``: subtotal, vat_total, total, discount."""
    return {
        "subtotal": to_minor(totals.line_net_total),
        "vat_total": to_minor(totals.vat_total),
        "total": to_minor(totals.total),
        "discount": to_minor(totals.discount),
    }


def line_in(row: dict[str, Any], *, negate: bool = False, unit_price: Decimal | None = None) -> LineIn:
    """A stored line row back as request input (for convert, storno and recurring generation);
    ``negate`` flips the quantity, ``unit_price`` replaces the stored price (recurring price rules)."""
    quantity = from_minor(row["quantity"], 6)
    return LineIn(
        description=row["description"],
        quantity=-quantity if negate else quantity,
        unit_price=from_minor(row["unit_price"], 6) if unit_price is None else unit_price,
        unit_of_measure=row["unit_of_measure"],
        vat_rate=from_minor(row["vat_rate"]),
        vat_category_code=row["vat_category_code"],
        discount=from_minor(row["discount"]),
        product_id=row.get("product"),
        product_code=row.get("product_code"),
        line_note=row.get("line_note"),
    )
