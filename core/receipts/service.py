"""The receipt service: drafts, issue with gap-free series numbers, lifecycle, conversion, refunds.

The only writer of ``receipts`` and ``receipt_lines`` (objects.md §3.10, §5.4, §6, §7.6).

* Issue takes the next number of the receipt's series, else of the company's default ``receipt``
  series, else keeps the temporary ``BON-`` number; the series row is locked in the issuing
  transaction (:func:`core.invoicing.numbering.take_next`), so numbers are gap-free.
* Conversion creates the draft invoice through :meth:`core.invoicing.service.InvoiceService.create`
  in the transaction that marks the receipt ``invoiced``.
* A refund is a new receipt, issued at once, with the selected lines negated and the tender split
  and line discounts scaled by the refunded share of the gross total.

Every write locks the receipt row first (PostgreSQL ``FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``
already serialises writers), so two concurrent actions on one receipt run one after the other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Sum

from core.db.engine import engine, is_unique_violation, write_transaction
from core.errors import Conflict, NotFound, Unprocessable
from core.ids import new_id
from core.invoicing import idempotency
from core.invoicing.numbering import take_next
from core.invoicing.schemas import InvoiceIn
from core.invoicing.series import default_series
from core.invoicing.service import InvoiceService
from core.money import ZERO, from_minor, round2, to_minor, to_scaled
from core.proformas.lines import line_columns, line_in, totals_columns
from core.proformas.service import company_client, company_series
from core.receipts import states
from core.receipts.schemas import LineSelection, ReceiptIn
from core.receipts.tables import Receipt, ReceiptLine

__all__ = ["ReceiptService", "SERIES_TYPE", "NOT_FOUND"]

R = Receipt
L = ReceiptLine
SERIES_TYPE = "receipt"
NOT_FOUND = "Receipt not found."
#: Prefixes of the numbers a receipt carries until a series numbers it (objects.md §6).
TEMPORARY_PREFIXES = ("BON-", "REFUND-")
_TEXT = (
    "notes", "mentions", "internal_note", "project_reference", "issuer_name", "issuer_id", "sales_agent", "payment_method",
    "cash_register_name", "fiscal_number", "customer_name", "customer_cif", "language",
)
#: Columns a refund inherits from the receipt it refunds (the fiscal printer stamp included).
_INHERITED = (
    "client", "client_name", "currency", "exchange_rate", "language", "project_reference", "issuer_name", "issuer_id",
    "sales_agent", "payment_method", "cash_register_name", "fiscal_number", "customer_name", "customer_cif",
)
_TENDERS = ("cash_payment", "card_payment", "other_payment")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _temporary(prefix: str, receipt_id: str) -> str:
    return f"{prefix}-{receipt_id.replace('-', '')[-8:]}"


def _minor(value: Decimal | None) -> int | None:
    return to_minor(value) if value is not None else None


def _plain(value: Decimal) -> str:
    """A quantity as people write it: no exponent, no trailing zeros (``2``, ``1.5``)."""
    text = format(value.normalize(), "f")
    return text


def _fields(data: ReceiptIn, client: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "client": data.client_id,
        "client_name": (client or {}).get("name"),
        "series": data.document_series_id,
        "currency": data.currency,
        "exchange_rate": to_scaled(data.exchange_rate) if data.exchange_rate else None,
        "issue_date": data.issue_date or dt.date.today(),
        **{name: getattr(data, name) for name in _TEXT},
        **{name: _minor(getattr(data, name)) for name in _TENDERS},
    }


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


class ReceiptService:
    """Receipts of one appliance; every method is scoped to a company id."""

    def __init__(self, invoices: InvoiceService) -> None:
        self.invoices = invoices

    # --- reads --------------------------------------------------------------------------------

    async def get(self, company_id: str, receipt_id: str) -> dict[str, Any]:
        """The receipt joined with its series and converted invoice; raises :class:`NotFound`."""
        row = await self._select().where((R.id == receipt_id) & (R.company == company_id) & R.deleted_at.is_null()).first().run()
        if row is None:
            raise NotFound(NOT_FOUND)
        return row

    async def lines(self, receipt_id: str) -> list[dict[str, Any]]:
        """The receipt's lines in position order."""
        return await L.select().where(L.receipt == receipt_id).order_by(L.position).run()

    async def links(self, row: dict[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """(the receipt ``row`` refunds or None, its live refunds: not cancelled, not deleted, oldest first)."""
        parent = None
        if row.get("refund_of"):
            parent = await R.select().where(R.id == row["refund_of"]).first().run()
        refunds = (
            await R.select().where((R.refund_of == row["id"]) & (R.status != "cancelled") & R.deleted_at.is_null())
            .order_by(R.created_at).order_by(R.id).run()
        )
        return parent, refunds

    async def list(
        self, company_id: str, *, page: int, limit: int, status: str | None = None, search: str | None = None,
        client_id: str | None = None, cash_register_name: str | None = None,
        date_from: dt.date | None = None, date_to: dt.date | None = None,
    ) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
        """A page of receipts (newest issue date first), the total count and the list extras of
        objects.md §2: ``currency`` (the only currency of the matching receipts, else RON when
        present, else the first), ``distinctCurrencies`` and ``totals`` in that currency, cancelled
        receipts excluded (amounts in minor units)."""
        where = (R.company == company_id) & R.deleted_at.is_null()
        if status:
            where &= R.status == status
        if client_id:
            where &= R.client == client_id
        if cash_register_name:
            where &= R.cash_register_name == cash_register_name
        if date_from:
            where &= R.issue_date >= date_from
        if date_to:
            where &= R.issue_date <= date_to
        if search:
            pattern = f"%{search}%"
            where &= R.number.ilike(pattern) | R.client_name.ilike(pattern) | R.customer_name.ilike(pattern) | R.customer_cif.ilike(pattern)
        total = await R.count().where(where).run()
        rows = (
            await self._select().where(where).order_by(R.issue_date, ascending=False).order_by(R.id, ascending=False)
            .limit(limit).offset((page - 1) * limit).run()
        )
        sums = (
            await R.select(R.currency, Sum(R.subtotal, alias="subtotal"), Sum(R.vat_total, alias="vat_total"), Sum(R.total, alias="total"))
            .where(where & (R.status != "cancelled")).group_by(R.currency).run()
        )
        by_currency = {s["currency"]: s for s in sums}
        currencies = sorted(by_currency)
        currency = currencies[0] if len(currencies) == 1 else ("RON" if "RON" in by_currency else (currencies[0] if currencies else None))
        chosen = by_currency.get(currency or "", {})
        totals = {key: int(chosen.get(key) or 0) for key in ("subtotal", "vat_total", "total")}
        return rows, total, {"currency": currency, "distinct_currencies": currencies, "totals": totals}

    # --- drafts -------------------------------------------------------------------------------

    async def create(self, company_id: str, data: ReceiptIn, *, idempotency_key: str | None = None) -> tuple[dict[str, Any], bool]:
        """Create a draft with a temporary ``BON-`` number; returns (row, created).

        ``idempotency_key`` (the header) wins over ``data.idempotency_key``; the same key with the
        same body returns the first receipt (created False, even once issued), with another body
        raises :class:`core.errors.Conflict`. Raises :class:`NotFound` (client, series) and
        :class:`core.errors.BadRequest` (a series of another type).
        """
        key = idempotency_key or data.idempotency_key
        fingerprint = idempotency.fingerprint(data)
        if key:
            existing = await idempotency.replay(R, company_id, key, fingerprint)
            if existing is not None:
                return await self.get(company_id, existing), False
        client = await company_client(company_id, data.client_id)
        if data.document_series_id:
            await company_series(company_id, data.document_series_id, SERIES_TYPE)
        keyed = {"idempotency_key": key, "idempotency_fingerprint": fingerprint} if key else {}
        try:
            receipt_id = await self._insert(company_id, "BON", {**_fields(data, client), **keyed}, data.lines)
        except Exception as exc:
            if not (key and is_unique_violation(exc)):
                raise
            existing = await idempotency.replay(R, company_id, key, fingerprint)  # a concurrent create with the same key won
            if existing is None:
                raise
            return await self.get(company_id, existing), False
        return await self.get(company_id, receipt_id), True

    async def update(self, company_id: str, receipt_id: str, data: ReceiptIn) -> dict[str, Any]:
        """Replace a draft or issued receipt's fields and lines (number kept; the series of an issued
        receipt too). Raises :class:`core.errors.InvalidTransition`, :class:`NotFound`."""
        states.check("edit", (await self.get(company_id, receipt_id))["status"])
        client = await company_client(company_id, data.client_id)
        if data.document_series_id:
            await company_series(company_id, data.document_series_id, SERIES_TYPE)
        totals, line_rows = line_columns(data.lines)
        values = {**_fields(data, client), **totals_columns(totals), "updated_at": _now()}
        async with write_transaction():
            current = await self._locked(company_id, receipt_id)
            states.check("edit", current["status"])
            if current["status"] != "draft":
                values.pop("series")
            await self._set(receipt_id, values)
            await L.delete().where(L.receipt == receipt_id).run()
            await L.insert(*[L(receipt=receipt_id, **r) for r in line_rows]).run()
        return await self.get(company_id, receipt_id)

    async def delete(self, company_id: str, receipt_id: str) -> None:
        """Soft-delete a draft or cancelled receipt. Raises :class:`core.errors.InvalidTransition`."""
        async with write_transaction():
            current = await self._locked(company_id, receipt_id)
            states.check("delete", current["status"])
            await self._set(receipt_id, {"deleted_at": _now()})

    # --- lifecycle ----------------------------------------------------------------------------

    async def issue(self, company_id: str, receipt_id: str) -> dict[str, Any]:
        """Issue a draft: the next number of its series or of the default ``receipt`` series, else
        the temporary number stays (objects.md §6). A receipt restored from ``cancelled`` that
        already holds a series number keeps it. Raises :class:`core.errors.InvalidTransition`,
        :class:`core.errors.Conflict` when the series yields a number already used (its counter
        was moved back by hand)."""
        row = await self.get(company_id, receipt_id)
        states.check("issue", row["status"])
        series_id = row.get("series") or await self._default_series(company_id)
        try:
            async with write_transaction():
                current = await self._locked(company_id, receipt_id)
                result = states.check("issue", current["status"])
                values: dict[str, Any] = {"status": result, "issued_at": _now(), "updated_at": _now()}
                if series_id and current["number"].startswith(TEMPORARY_PREFIXES):
                    values["number"] = (await take_next(series_id))[0]
                    values["series"] = series_id
                await self._set(receipt_id, values)
        except Exception as exc:
            if is_unique_violation(exc):
                raise Conflict("The series gave a receipt number that is already used; check the series counter.", code="DUPLICATE_NUMBER") from None
            raise
        return await self.get(company_id, receipt_id)

    async def cancel(self, company_id: str, receipt_id: str) -> dict[str, Any]:
        """Cancel a draft or issued receipt (not an invoiced one). Raises :class:`core.errors.InvalidTransition`."""
        return await self._transition(company_id, receipt_id, "cancel", {"cancelled_at": _now()})

    async def restore(self, company_id: str, receipt_id: str) -> dict[str, Any]:
        """Bring a cancelled receipt back to draft. Raises :class:`core.errors.InvalidTransition`."""
        return await self._transition(company_id, receipt_id, "restore", {"cancelled_at": None})

    async def convert(self, company_id: str, receipt_id: str, *, actor: str | None) -> dict[str, Any]:
        """Create a draft invoice with the issued receipt's client, currency and lines and mark the
        receipt ``invoiced``; returns the invoice row. Raises :class:`core.errors.InvalidTransition`
        and :class:`core.errors.Unprocessable` for a refund receipt (its lines are negative)."""
        row = await self.get(company_id, receipt_id)
        states.check("convert", row["status"])
        if row.get("refund_of"):
            raise Unprocessable("A refund receipt cannot be converted to an invoice.", code="refund_not_convertible")
        lines = [line_in(line) for line in await self.lines(receipt_id)]
        notes = "\n".join(text for text in (row.get("notes"), f"Bon fiscal {row['number']}") if text)
        data = InvoiceIn(
            lines=lines,
            client_id=row.get("client"),
            currency=row["currency"],
            exchange_rate=from_minor(row["exchange_rate"], 6) if row.get("exchange_rate") else None,
            language=row.get("language") or "ro",
            notes=notes,
        )
        async with write_transaction():
            current = await self._locked(company_id, receipt_id)
            result = states.check("convert", current["status"])
            invoice, _ = await self.invoices.create(company_id, data, actor=actor)
            await self._set(receipt_id, {"status": result, "converted_invoice": invoice["id"], "updated_at": _now()})
        return invoice

    async def refund(self, company_id: str, receipt_id: str, selections: list[LineSelection] | None) -> dict[str, Any]:
        """Create and issue the refund of an issued receipt (objects.md §7.6); returns the refund row.

        No (or empty) ``selections``: every quantity still refundable. Otherwise per selected line
        ``quantity`` (> 0, at most what live refunds left). Raises :class:`core.errors.Unprocessable`
        with the contract's texts: a refund of a refund, a receipt not issued, nothing left to
        refund, a line of another receipt, a quantity <= 0 or above the remainder.
        """
        refund_id = new_id()
        try:
            async with write_transaction():
                parent = await self._locked(company_id, receipt_id)
                if parent.get("refund_of"):
                    raise Unprocessable("A refund receipt cannot itself be refunded.", code="refund_of_refund")
                if parent["status"] not in states.TRANSITIONS["refund"][0]:
                    raise Unprocessable("Only issued receipts can be refunded.", code="invalid_transition", messageParams={"status": parent["status"]})
                picks = await self._picks(receipt_id, selections)
                lines = [_negated(line, quantity) for line, quantity in picks]
                totals, line_rows = line_columns(lines)  # type: ignore[arg-type]  # RefundLine has LineIn's attributes
                for row, (line, _) in zip(line_rows, picks, strict=True):
                    row["source_line"] = line["id"]
                fields = {name: parent.get(name) for name in _INHERITED}
                share = -Decimal(to_minor(totals.total)) / Decimal(parent["total"]) if parent["total"] else ZERO
                fields.update({name: _scaled_tender(parent.get(name), share) for name in _TENDERS})
                series_id = parent.get("series") or await self._default_series(company_id)
                number = (await take_next(series_id))[0] if series_id else _temporary("REFUND", refund_id)
                now = _now()
                await R.insert(
                    R(id=refund_id, company=company_id, status="issued", number=number, series=series_id, refund_of=receipt_id,
                      issue_date=dt.date.today(), mentions=f"Storno bon fiscal {parent['number']}", issued_at=now,
                      **fields, **totals_columns(totals), created_at=now, updated_at=now)
                ).run()
                await L.insert(*[L(receipt=refund_id, **r) for r in line_rows]).run()
        except Exception as exc:
            if is_unique_violation(exc):
                raise Conflict("The series gave a receipt number that is already used; check the series counter.", code="DUPLICATE_NUMBER") from None
            raise
        return await self.get(company_id, refund_id)

    # --- internals ----------------------------------------------------------------------------

    async def _picks(self, receipt_id: str, selections: list[LineSelection] | None) -> list[tuple[dict[str, Any], Decimal]]:
        """(line row, quantity to refund) pairs in the parent's line order, checked against what is left."""
        lines = await self.lines(receipt_id)
        taken: dict[str, Decimal] = {}
        refunded = (
            await L.select(L.source_line, L.quantity)
            .where((L.receipt.refund_of == receipt_id) & (L.receipt.status != "cancelled") & L.receipt.deleted_at.is_null())
            .run()
        )
        for r in refunded:
            taken[r["source_line"]] = taken.get(r["source_line"], ZERO) + abs(from_minor(r["quantity"], 6))
        left = {line["id"]: from_minor(line["quantity"], 6) - taken.get(line["id"], ZERO) for line in lines}
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

    async def _insert(self, company_id: str, prefix: str, fields: dict[str, Any], lines: list[Any]) -> str:
        totals, line_rows = line_columns(lines)
        receipt_id = new_id()
        async with write_transaction():
            await R.insert(
                R(id=receipt_id, company=company_id, status="draft", number=_temporary(prefix, receipt_id), **fields,
                  **totals_columns(totals), created_at=_now(), updated_at=_now())
            ).run()
            await L.insert(*[L(receipt=receipt_id, **r) for r in line_rows]).run()
        return receipt_id

    async def _transition(self, company_id: str, receipt_id: str, action: str, values: dict[str, Any]) -> dict[str, Any]:
        async with write_transaction():
            current = await self._locked(company_id, receipt_id)
            result = states.check(action, current["status"])
            await self._set(receipt_id, {**values, "status": result, "updated_at": _now()})
        return await self.get(company_id, receipt_id)

    async def _locked(self, company_id: str, receipt_id: str) -> dict[str, Any]:
        """The live receipt row, locked for this transaction on PostgreSQL; raises :class:`NotFound`."""
        query = R.select().where((R.id == receipt_id) & (R.company == company_id) & R.deleted_at.is_null())
        if isinstance(engine(), PostgresEngine):
            query = query.lock_rows("UPDATE")
        row = await query.first().run()
        if row is None:
            raise NotFound(NOT_FOUND)
        return row

    @staticmethod
    async def _set(receipt_id: str, values: dict[str, Any]) -> None:
        await R.update({getattr(R, k): v for k, v in values.items()}).where(R.id == receipt_id).run()

    @staticmethod
    async def _default_series(company_id: str) -> str | None:
        series = await default_series(company_id, SERIES_TYPE)
        return series["id"] if series else None

    @staticmethod
    def _select():
        return R.select(
            *R.all_columns(),
            R.series.id, R.series.prefix, R.series.type,
            R.converted_invoice.id, R.converted_invoice.number, R.converted_invoice.status,
        )


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
    return to_minor(-round2(from_minor(amount) * share))
