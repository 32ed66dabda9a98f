"""Receipt refunds (objects.md §7.6): a new receipt, issued at once, taking back some or all of the
quantities of an issued receipt.

* No (or an empty) line selection refunds every quantity still refundable; a selection names
  parent lines (``sourceLineId``) and quantities (> 0). What is refundable per line is its quantity
  minus what live refunds (not cancelled, not deleted) took, so a cancelled refund gives its
  quantities back.
* Refund lines carry the negated quantity and the line discount scaled by the refunded share of
  the line's quantity, negated; the tender split (cash, card, other) is the parent's scaled by the
  refunded share of its gross total, negated.
* The refund inherits the client, currency, language, payment method and the fiscal printer stamp
  (cash register, fiscal number); it is numbered from the parent's series, else the default
  ``receipt`` series, else ``REFUND-`` + 8 hex digits of its id, in the same transaction.

The error texts are the contract's (objects.md §7.6), all 422.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.db.engine import is_unique_violation, write_transaction
from core.errors import Conflict, Unprocessable
from core.ids import new_id
from core.invoicing.numbering import take_next
from core.money import ZERO, from_minor, round2, to_minor
from core.proformas.lines import line_columns, line_in, totals_columns
from core.receipts import states
from core.receipts.schemas import LineSelection
from core.receipts.service import DUPLICATE_NUMBER, ReceiptService, temporary_number
from core.receipts.tables import Receipt, ReceiptLine

__all__ = ["refund", "RefundLine"]

R = Receipt
L = ReceiptLine
#: Columns a refund inherits from the receipt it refunds (the fiscal printer stamp included).
INHERITED = (
    "client", "client_name", "currency", "exchange_rate", "language", "project_reference", "issuer_name", "issuer_id",
    "sales_agent", "payment_method", "cash_register_name", "fiscal_number", "customer_name", "customer_cif",
)
TENDERS = ("cash_payment", "card_payment", "other_payment")


class RefundLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line of a refund receipt in the attribute shape :func:`core.proformas.lines.line_columns`
    reads (that of :class:`core.invoicing.schemas.LineIn`). Quantity and discount are negative,
    which a request line may not be, hence a type of its own."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    unit_of_measure: str
    vat_rate: Decimal
    vat_category_code: str
    discount: Decimal
    product_id: str | None
    product_code: str | None
    line_note: str | None


async def refund(service: ReceiptService, company_id: str, receipt_id: str, selections: list[LineSelection] | None) -> dict[str, Any]:
    """Create and issue the refund of issued receipt ``receipt_id``; returns the refund row.

    Raises :class:`core.errors.NotFound`; :class:`core.errors.Unprocessable` for a refund of a
    refund, a receipt not issued, nothing left to refund, a line of another receipt, a quantity
    <= 0 or above what is left; :class:`core.errors.Conflict` when the series yields a number
    already used.
    """
    refund_id = new_id()
    try:
        async with write_transaction():
            parent = await service.locked(company_id, receipt_id)
            if parent.get("refund_of"):
                raise Unprocessable("A refund receipt cannot itself be refunded.", code="refund_of_refund")
            if parent["status"] not in states.TRANSITIONS["refund"][0]:
                raise Unprocessable("Only issued receipts can be refunded.", code="invalid_transition", messageParams={"status": parent["status"]})
            picks = await _picks(service, receipt_id, selections)
            totals, line_rows = line_columns([_negated(line, quantity) for line, quantity in picks])  # type: ignore[misc]
            for row, (line, _) in zip(line_rows, picks, strict=True):
                row["source_line"] = line["id"]
            fields = {name: parent.get(name) for name in INHERITED}
            share = -Decimal(to_minor(totals.total)) / Decimal(parent["total"]) if parent["total"] else ZERO
            fields.update({name: _scaled_tender(parent.get(name), share) for name in TENDERS})
            series_id = parent.get("series") or await service.default_series_id(company_id)
            number = (await take_next(series_id))[0] if series_id else temporary_number("REFUND", refund_id)
            now = dt.datetime.now(dt.timezone.utc)
            await R.insert(
                R(id=refund_id, company=company_id, status="issued", number=number, series=series_id, refund_of=receipt_id,
                  issue_date=dt.date.today(), mentions=f"Storno bon fiscal {parent['number']}", issued_at=now,
                  **fields, **totals_columns(totals), created_at=now, updated_at=now)
            ).run()
            await L.insert(*[L(receipt=refund_id, **r) for r in line_rows]).run()
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(DUPLICATE_NUMBER, code="DUPLICATE_NUMBER") from None
        raise
    return await service.get(company_id, refund_id)


async def _picks(service: ReceiptService, receipt_id: str, selections: list[LineSelection] | None) -> list[tuple[dict[str, Any], Decimal]]:
    """(line row, quantity to refund) pairs in the parent's line order, checked against what is left."""
    lines = await service.lines(receipt_id)
    taken: dict[str, Decimal] = {}
    refunded = (
        await L.select(L.source_line, L.quantity)
        .where((L.receipt.refund_of == receipt_id) & (L.receipt.status != "cancelled") & L.receipt.deleted_at.is_null())
        .run()
    )
    for r in refunded:
        taken[r["source_line"]] = taken.get(r["source_line"], ZERO) + abs(from_minor(r["quantity"], 6) or ZERO)
    left = {line["id"]: (from_minor(line["quantity"], 6) or ZERO) - taken.get(line["id"], ZERO) for line in lines}
    if not selections:
        picks = [(line, left[line["id"]]) for line in lines if left[line["id"]] > 0]
        if not picks:
            raise Unprocessable("Receipt has already been refunded.", code="already_refunded")
        return picks
    by_id = {line["id"]: line for line in lines}
    wanted: dict[str, Decimal] = {}
    for selection in selections:
        if selection.source_line_id not in by_id:
            raise Unprocessable("Selected line does not belong to this receipt.", code="refund_line_unknown")
        if selection.quantity <= 0:
            raise Unprocessable("Refund quantity must be positive.", code="refund_quantity_not_positive")
        wanted[selection.source_line_id] = wanted.get(selection.source_line_id, ZERO) + selection.quantity
    for line_id, quantity in wanted.items():
        if quantity > left[line_id]:
            raise Unprocessable(
                f'Requested quantity ({_plain(quantity)}) exceeds remaining refundable quantity ({_plain(left[line_id])}) '
                f'for line "{by_id[line_id]["description"]}".',
                code="refund_quantity_exceeded",
            )
    return [(line, wanted[line["id"]]) for line in lines if line["id"] in wanted]


def _plain(value: Decimal) -> str:
    """A quantity as people write it: no exponent, no trailing zeros (``2``, ``1.5``)."""
    return format(value.normalize(), "f")


def _negated(line: dict[str, Any], quantity: Decimal) -> RefundLine:
    """The refund line taking back ``quantity`` of ``line``: quantity negated, the line discount
    scaled by the refunded share of the line's quantity and negated."""
    original = from_minor(line["quantity"], 6) or ZERO
    discount = from_minor(line["discount"]) or ZERO
    share = quantity / original if original else ZERO
    source = line_in(line)
    return RefundLine(
        description=source.description, quantity=-quantity, unit_price=source.unit_price, unit_of_measure=source.unit_of_measure,
        vat_rate=source.vat_rate, vat_category_code=source.vat_category_code, discount=-round2(discount * share),
        product_id=source.product_id, product_code=source.product_code, line_note=source.line_note,
    )


def _scaled_tender(amount: int | None, share: Decimal) -> int | None:
    """A tender amount of the parent (minor units) scaled by ``share`` of the gross total and negated."""
    if amount is None:
        return None
    return to_minor(-round2((from_minor(amount) or ZERO) * share))
