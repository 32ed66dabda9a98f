"""The proforma service: drafts, numbering at creation, lifecycle, conversion to a draft invoice.

The only writer of ``proforma_invoices`` and ``proforma_lines`` (objects.md §3.7, §5.2, §6).
Conversion creates the invoice through :meth:`core.invoicing.service.InvoiceService.create` in the
same write transaction that marks the proforma converted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.bulk import apply_each
from core.db.engine import write_transaction
from core.errors import BadRequest, NotFound
from core.ids import new_id
from core.invoicing.filters import document_filter
from core.invoicing.numbering import take_next
from core.invoicing.schemas import InvoiceIn
from core.invoicing.service import InvoiceService
from core.invoicing.tables import DocumentSeries
from core.masterdata.rows import live_row
from core.masterdata.tables import Client
from core.money import from_minor, to_scaled
from core.proformas import states
from core.proformas.lines import line_columns, line_in, totals_columns
from core.proformas.schemas import ProformaIn
from core.proformas.tables import ProformaInvoice, ProformaLine

__all__ = ["ProformaService", "company_client", "company_series"]

P = ProformaInvoice


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def company_client(company_id: str, client_id: str | None) -> dict[str, Any] | None:
    """The company's live client row, None when ``client_id`` is None; raises :class:`NotFound`."""
    return await live_row(Client, company_id, client_id, "Client not found.") if client_id else None


async def company_series(company_id: str, series_id: str, kind: str) -> dict[str, Any]:
    """The company's series ``series_id`` of type ``kind``; raises :class:`NotFound` / :class:`BadRequest`."""
    row = await DocumentSeries.select().where((DocumentSeries.id == series_id) & (DocumentSeries.company == company_id)).first().run()
    if row is None:
        raise NotFound("Document series not found.")
    if row["type"] != kind:
        raise BadRequest(f"The document series is of type '{row['type']}', not '{kind}'.")
    return row


def head_columns(data: Any, client: dict[str, Any] | None) -> dict[str, Any]:
    """The columns every document type takes alike from its request ``data`` (a delivery-note or
    receipt body): client and its name, series, currency, exchange rate (6 decimals), issue
    date (today when not given)."""
    return {
        "client": data.client_id,
        "client_name": (client or {}).get("name"),
        "series": data.document_series_id,
        "currency": data.currency,
        "exchange_rate": to_scaled(data.exchange_rate) if data.exchange_rate else None,
        "issue_date": data.issue_date or dt.date.today(),
    }


def _fields(data: ProformaIn, client: dict[str, Any] | None) -> dict[str, Any]:
    today = dt.date.today()
    return {
        "client": data.client_id,
        "client_name": (client or {}).get("name"),
        "currency": data.currency,
        "exchange_rate": to_scaled(data.exchange_rate) if data.exchange_rate else None,
        "language": data.language,
        "invoice_type_code": data.invoice_type_code,
        "issue_date": data.issue_date or today,
        "due_date": data.due_date,
        "valid_until": data.valid_until,
        **{name: getattr(data, name) for name in (
            "notes", "payment_terms", "delivery_location", "project_reference", "order_number", "contract_number",
            "issuer_name", "issuer_id", "mentions", "internal_note", "sales_agent",
        )},
    }


def _rate(row: dict[str, Any]) -> Decimal | None:
    """The stored exchange rate (6 decimals) as a Decimal, or None."""
    return from_minor(row["exchange_rate"], 6) if row.get("exchange_rate") else None


class ProformaService:
    """Proformas of one appliance; every method is scoped to a company id."""

    def __init__(self, invoices: InvoiceService) -> None:
        self.invoices = invoices

    async def get(self, company_id: str, proforma_id: str) -> dict[str, Any]:
        """The proforma row joined with its series and converted invoice; raises :class:`NotFound`."""
        row = await self._select().where((P.id == proforma_id) & (P.company == company_id) & P.deleted_at.is_null()).first().run()
        if row is None:
            raise NotFound("Proforma invoice not found.")
        return row

    async def lines(self, proforma_id: str) -> list[dict[str, Any]]:
        """The proforma's lines in position order."""
        return await ProformaLine.select().where(ProformaLine.proforma == proforma_id).order_by(ProformaLine.position).run()

    async def list(
        self, company_id: str, *, page: int, limit: int, status: str | None = None, search: str | None = None,
        client_id: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of proformas, newest issue date first, and the total count (objects.md §2)."""
        where = document_filter(P, company_id, status=status, client_id=client_id, date_from=date_from, date_to=date_to)
        if search:
            where &= P.number.ilike(f"%{search}%") | P.client_name.ilike(f"%{search}%")
        total = await P.count().where(where).run()
        rows = await self._select().where(where).order_by(P.issue_date, ascending=False).order_by(P.id, ascending=False).limit(limit).offset((page - 1) * limit).run()
        return rows, total

    async def create(self, company_id: str, data: ProformaIn) -> dict[str, Any]:
        """Create a draft; numbered from ``documentSeriesId`` (type ``proforma``) in the same transaction,
        else ``PRO-`` + 8 characters of the id. Raises :class:`NotFound` for a foreign client or series."""
        client = await company_client(company_id, data.client_id)
        if data.document_series_id:
            await company_series(company_id, data.document_series_id, "proforma")
        totals, line_rows = line_columns(data.lines)
        proforma_id = new_id()
        async with write_transaction():
            number = f"PRO-{proforma_id.replace('-', '')[-8:]}"
            if data.document_series_id:
                number, _ = await take_next(data.document_series_id)
            await P.insert(
                P(id=proforma_id, company=company_id, status="draft", number=number, series=data.document_series_id,
                  **_fields(data, client), **totals_columns(totals), created_at=_now(), updated_at=_now())
            ).run()
            await ProformaLine.insert(*[ProformaLine(proforma=proforma_id, **r) for r in line_rows]).run()
        return await self.get(company_id, proforma_id)

    async def update(self, company_id: str, proforma_id: str, data: ProformaIn) -> dict[str, Any]:
        """Replace a draft's fields and lines (the number and series stay). Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, proforma_id)
        states.check("edit", row["status"])
        client = await company_client(company_id, data.client_id)
        totals, line_rows = line_columns(data.lines)
        values = {**_fields(data, client), **totals_columns(totals), "updated_at": _now()}
        async with write_transaction():
            await self._guarded(proforma_id, "edit", values)
            await ProformaLine.delete().where(ProformaLine.proforma == proforma_id).run()
            await ProformaLine.insert(*[ProformaLine(proforma=proforma_id, **r) for r in line_rows]).run()
        return await self.get(company_id, proforma_id)

    async def delete(self, company_id: str, proforma_id: str) -> None:
        """Soft-delete a draft or cancelled proforma. Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, proforma_id)
        states.check("delete", row["status"])
        await self._guarded(proforma_id, "delete", {"deleted_at": _now()})

    async def bulk_delete(self, company_id: str, ids: list[str]) -> dict[str, Any]:
        """Delete each id that may be deleted; shape D ``{"deleted": n, "errors": [{"id", "error"}]}``."""
        return await apply_each(ids, "deleted", lambda proforma_id: self.delete(company_id, proforma_id))

    async def transition(self, company_id: str, proforma_id: str, action: str) -> dict[str, Any]:
        """Apply ``send``, ``accept``, ``reject`` or ``cancel`` and stamp it. Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, proforma_id)
        result = states.check(action, row["status"])
        values = {"status": result, "updated_at": _now(), states.STAMPS[action]: _now()}
        await self._guarded(proforma_id, action, values)
        return await self.get(company_id, proforma_id)

    async def convert(self, company_id: str, proforma_id: str, *, actor: str | None) -> dict[str, Any]:
        """Mark a sent/accepted proforma converted and create a draft invoice with its lines; returns
        the invoice row. Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, proforma_id)
        result = states.check("convert", row["status"])
        lines = await self.lines(proforma_id)
        today = dt.date.today()
        data = InvoiceIn(
            lines=[line_in(line) for line in lines],
            client_id=row.get("client"),
            currency=row["currency"],
            exchange_rate=_rate(row),
            invoice_type_code=row.get("invoice_type_code"),
            due_date=row["due_date"] if row.get("due_date") and row["due_date"] >= today else None,
            notes=row.get("notes"),
            payment_terms=row.get("payment_terms"),
            language=row.get("language") or "ro",
            order_number=row.get("order_number"),
            contract_number=row.get("contract_number"),
        )
        async with write_transaction():
            invoice, _ = await self.invoices.create(company_id, data, actor=actor)
            await self._guarded(proforma_id, "convert", {"status": result, "converted_invoice": invoice["id"], "updated_at": _now()})
        return invoice

    async def expire_overdue(self, today: dt.date) -> int:
        """Job ``proformas.expire``: every live ``sent``/``accepted`` proforma whose ``validUntil``
        (the offer's last valid day, objects.md §3.7) is before ``today`` (the appliance's local
        date, as documents are dated) becomes ``expired`` with ``expiredAt`` stamped (objects.md
        §5.2, the daily expiry job). Idempotent; returns how many expired now."""
        allowed = list(states.TRANSITIONS["expire"][0])
        now = _now()
        async with write_transaction():
            due = await P.select(P.id).where(
                P.status.is_in(allowed) & P.valid_until.is_not_null() & (P.valid_until < today) & P.deleted_at.is_null()
            ).output(as_list=True)
            if due:
                await P.update({P.status: "expired", P.expired_at: now, P.updated_at: now}).where(
                    P.id.is_in(due) & P.status.is_in(allowed)
                )
        return len(due)

    async def _guarded(self, proforma_id: str, action: str, values: dict[str, Any]) -> None:
        """Update the row only while its status still allows ``action`` (a lost race is 422)."""
        allowed = states.TRANSITIONS[action][0]
        async with write_transaction():
            current = await P.select(P.status).where(P.id == proforma_id).first().run()
            states.check(action, current["status"])
            await P.update({getattr(P, k): v for k, v in values.items()}).where((P.id == proforma_id) & P.status.is_in(list(allowed))).run()

    @staticmethod
    def _select():
        return P.select(
            *P.all_columns(),
            P.series.id, P.series.prefix, P.series.type,
            P.converted_invoice.id, P.converted_invoice.number, P.converted_invoice.status,
        )
