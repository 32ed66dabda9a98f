"""The receipt service: drafts, issue with gap-free series numbers, lifecycle, conversion, refunds.

The only writer of ``receipts`` and ``receipt_lines`` (objects.md §3.10, §5.4, §6, §7.6).

* Issue takes the next number of the receipt's series, else of the company's default ``receipt``
  series, else keeps the temporary ``BON-`` number; the series row is locked in the issuing
  transaction (:func:`core.invoicing.numbering.take_next`), so numbers are gap-free.
* Conversion creates the draft invoice through :meth:`core.invoicing.service.InvoiceService.create`
  in the transaction that marks the receipt ``invoiced``.
* Refunds (new receipts issued at once) are made by :mod:`core.receipts.refunds` through
  :meth:`ReceiptService.locked`, :meth:`ReceiptService.default_series_id` and the ``receipts`` tables.

Every write locks the receipt row first (PostgreSQL ``FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``
already serialises writers), so two concurrent actions on one receipt run one after the other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Sum

from core.db.engine import engine, is_unique_violation, write_transaction
from core.errors import Conflict, NotFound, Unprocessable
from core.ids import new_id
from core.invoicing import idempotency
from core.invoicing.filters import document_filter
from core.invoicing.numbering import take_next
from core.invoicing.schemas import InvoiceIn
from core.invoicing.series import default_series
from core.invoicing.service import InvoiceService
from core.money import from_minor, to_minor
from core.proformas.lines import line_columns, line_in, totals_columns
from core.proformas.service import company_client, company_series, head_columns
from core.receipts import states
from core.receipts.schemas import ReceiptIn
from core.receipts.tables import Receipt, ReceiptLine

__all__ = ["DUPLICATE_NUMBER", "NOT_FOUND", "ReceiptService", "SERIES_TYPE", "temporary_number"]

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
DUPLICATE_NUMBER = "The series gave a receipt number that is already used; check the series counter."
_TENDERS = ("cash_payment", "card_payment", "other_payment")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def temporary_number(prefix: str, receipt_id: str) -> str:
    """``prefix-`` + the last 8 hex digits of ``receipt_id`` (``BON-…``, ``REFUND-…``, objects.md §6)."""
    return f"{prefix}-{receipt_id.replace('-', '')[-8:]}"


def _minor(value: Decimal | None) -> int | None:
    return to_minor(value) if value is not None else None


def _fields(data: ReceiptIn, client: dict[str, Any] | None) -> dict[str, Any]:
    return {
        **head_columns(data, client),
        **{name: getattr(data, name) for name in _TEXT},
        **{name: _minor(getattr(data, name)) for name in _TENDERS},
    }


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
        where = document_filter(R, company_id, status=status, client_id=client_id, date_from=date_from, date_to=date_to)
        if cash_register_name:
            where &= R.cash_register_name == cash_register_name
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
        receipt too). Raises :class:`core.errors.InvalidTransition`, :class:`NotFound`, and
        :class:`core.errors.Unprocessable` for a refund receipt or a receipt with live refunds: their
        lines are tied to each other by ``source_line`` (what is left to refund would be wrong)."""
        states.check("edit", (await self.get(company_id, receipt_id))["status"])
        client = await company_client(company_id, data.client_id)
        if data.document_series_id:
            await company_series(company_id, data.document_series_id, SERIES_TYPE)
        totals, line_rows = line_columns(data.lines)
        values = {**_fields(data, client), **totals_columns(totals), "updated_at": _now()}
        async with write_transaction():
            current = await self.locked(company_id, receipt_id)
            states.check("edit", current["status"])
            if current.get("refund_of"):
                raise Unprocessable("A refund receipt cannot be edited.", code="refund_not_editable")
            if await R.exists().where((R.refund_of == receipt_id) & (R.status != "cancelled") & R.deleted_at.is_null()).run():
                raise Unprocessable("A receipt with refunds cannot be edited; cancel its refunds first.", code="receipt_has_refunds")
            if current["status"] != "draft":
                values.pop("series")
            await self._set(receipt_id, values)
            await L.delete().where(L.receipt == receipt_id).run()
            await L.insert(*[L(receipt=receipt_id, **r) for r in line_rows]).run()
        return await self.get(company_id, receipt_id)

    async def delete(self, company_id: str, receipt_id: str) -> None:
        """Soft-delete a draft or cancelled receipt. Raises :class:`core.errors.InvalidTransition`."""
        async with write_transaction():
            current = await self.locked(company_id, receipt_id)
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
        series_id = row.get("series") or await self.default_series_id(company_id)
        try:
            async with write_transaction():
                current = await self.locked(company_id, receipt_id)
                result = states.check("issue", current["status"])
                values: dict[str, Any] = {"status": result, "issued_at": _now(), "updated_at": _now()}
                if series_id and current["number"].startswith(TEMPORARY_PREFIXES):
                    values["number"] = (await take_next(series_id))[0]
                    values["series"] = series_id
                await self._set(receipt_id, values)
        except Exception as exc:
            if is_unique_violation(exc):
                raise Conflict(DUPLICATE_NUMBER, code="DUPLICATE_NUMBER") from None
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
            current = await self.locked(company_id, receipt_id)
            result = states.check("convert", current["status"])
            invoice, _ = await self.invoices.create(company_id, data, actor=actor)
            await self._set(receipt_id, {"status": result, "converted_invoice": invoice["id"], "updated_at": _now()})
        return invoice

    # --- internals ----------------------------------------------------------------------------

    async def _insert(self, company_id: str, prefix: str, fields: dict[str, Any], lines: list[Any]) -> str:
        totals, line_rows = line_columns(lines)
        receipt_id = new_id()
        async with write_transaction():
            await R.insert(
                R(id=receipt_id, company=company_id, status="draft", number=temporary_number(prefix, receipt_id), **fields,
                  **totals_columns(totals), created_at=_now(), updated_at=_now())
            ).run()
            await L.insert(*[L(receipt=receipt_id, **r) for r in line_rows]).run()
        return receipt_id

    async def _transition(self, company_id: str, receipt_id: str, action: str, values: dict[str, Any]) -> dict[str, Any]:
        async with write_transaction():
            current = await self.locked(company_id, receipt_id)
            result = states.check(action, current["status"])
            await self._set(receipt_id, {**values, "status": result, "updated_at": _now()})
        return await self.get(company_id, receipt_id)

    async def locked(self, company_id: str, receipt_id: str) -> dict[str, Any]:
        """The live receipt row, locked for the caller's :func:`write_transaction` on PostgreSQL
        (SQLite's ``BEGIN IMMEDIATE`` already serialises writers); raises :class:`NotFound`."""
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
    async def default_series_id(company_id: str) -> str | None:
        """The id of the company's default ``receipt`` series (objects.md §6), or None."""
        series = await default_series(company_id, SERIES_TYPE)
        return series["id"] if series else None

    @staticmethod
    def _select():
        return R.select(
            *R.all_columns(),
            R.series.id, R.series.prefix, R.series.type,
            R.converted_invoice.id, R.converted_invoice.number, R.converted_invoice.status,
        )

