"""The delivery-note service: drafts, issue with optional series numbering, lifecycle, conversion.

The only writer of ``delivery_notes`` and ``delivery_note_lines`` (objects.md §3.9, §5.3, §6).
Issue takes the next number of the note's series, else of the company's default ``delivery_note``
series, else keeps the temporary ``AVIZ-`` number. Conversion creates the draft invoice through
:meth:`core.invoicing.service.InvoiceService.create` in the transaction that marks the notes converted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.db.engine import write_transaction
from core.errors import NotFound, Unprocessable
from core.ids import new_id
from core.invoicing.filters import document_filter
from core.invoicing.numbering import take_next
from core.invoicing.schemas import InvoiceIn, LineIn
from core.invoicing.series import default_series
from core.invoicing.service import InvoiceService
from core.money import from_minor
from core.delivery_notes import states
from core.delivery_notes.schemas import DeliveryNoteIn
from core.delivery_notes.tables import DeliveryNote, DeliveryNoteLine
from core.proformas.lines import line_columns, line_in, totals_columns
from core.proformas.service import ProformaService, company_client, company_series, head_columns

__all__ = ["DeliveryNoteService"]

D = DeliveryNote
SERIES_TYPE = "delivery_note"
_COPIED = (
    "client", "client_name", "currency", "exchange_rate", "due_date", "notes", "mentions", "internal_note", "delivery_location",
    "project_reference", "issuer_name", "issuer_id", "sales_agent", "deputy_name", "deputy_identity_card", "deputy_auto",
    "skip_etransport", "etransport_operation_type", "etransport_vehicle_number", "etransport_transport_date", "series",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _temporary(note_id: str) -> str:
    return f"AVIZ-{note_id.replace('-', '')[-8:]}"


def _fields(data: DeliveryNoteIn, client: dict[str, Any] | None) -> dict[str, Any]:
    return {
        **head_columns(data, client),
        **{name: getattr(data, name) for name in (
            "due_date", "notes", "mentions", "internal_note", "delivery_location", "project_reference", "issuer_name",
            "issuer_id", "sales_agent", "deputy_name", "deputy_identity_card", "deputy_auto", "skip_etransport",
            "etransport_operation_type", "etransport_vehicle_number", "etransport_transport_date",
        )},
    }


class DeliveryNoteService:
    """Delivery notes of one appliance; every method is scoped to a company id."""

    def __init__(self, invoices: InvoiceService) -> None:
        self.invoices = invoices

    # --- reads --------------------------------------------------------------------------------

    async def get(self, company_id: str, note_id: str) -> dict[str, Any]:
        """The note joined with its series and converted invoice; raises :class:`NotFound`."""
        row = await self._select().where((D.id == note_id) & (D.company == company_id) & D.deleted_at.is_null()).first().run()
        if row is None:
            raise NotFound("Delivery note not found.")
        return row

    async def lines(self, note_id: str) -> list[dict[str, Any]]:
        """The note's lines in position order."""
        return await DeliveryNoteLine.select().where(DeliveryNoteLine.delivery_note == note_id).order_by(DeliveryNoteLine.position).run()

    async def list(
        self, company_id: str, *, page: int, limit: int, status: str | None = None, search: str | None = None,
        client_id: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of notes, newest issue date first, and the total count (objects.md §2)."""
        where = document_filter(D, company_id, status=status, client_id=client_id, date_from=date_from, date_to=date_to)
        if search:
            where &= D.number.ilike(f"%{search}%") | D.client_name.ilike(f"%{search}%")
        total = await D.count().where(where).run()
        rows = await self._select().where(where).order_by(D.issue_date, ascending=False).order_by(D.id, ascending=False).limit(limit).offset((page - 1) * limit).run()
        return rows, total

    # --- drafts -------------------------------------------------------------------------------

    async def create(self, company_id: str, data: DeliveryNoteIn) -> dict[str, Any]:
        """Create a draft with a temporary ``AVIZ-`` number. Raises :class:`NotFound` (client, series)."""
        client = await company_client(company_id, data.client_id)
        if data.document_series_id:
            await company_series(company_id, data.document_series_id, SERIES_TYPE)
        return await self._insert(company_id, _fields(data, client), data.lines)

    async def update(self, company_id: str, note_id: str, data: DeliveryNoteIn) -> dict[str, Any]:
        """Replace a draft or issued note's fields and lines (the number stays). Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, note_id)
        states.check("edit", row["status"])
        client = await company_client(company_id, data.client_id)
        if data.document_series_id:
            await company_series(company_id, data.document_series_id, SERIES_TYPE)
        totals, line_rows = line_columns(data.lines)
        values = {**_fields(data, client), **totals_columns(totals), "updated_at": _now()}
        if row["status"] != "draft":
            values.pop("series")
        async with write_transaction():
            await self._guarded(note_id, "edit", values)
            await DeliveryNoteLine.delete().where(DeliveryNoteLine.delivery_note == note_id).run()
            await DeliveryNoteLine.insert(*[DeliveryNoteLine(delivery_note=note_id, **r) for r in line_rows]).run()
        return await self.get(company_id, note_id)

    async def delete(self, company_id: str, note_id: str) -> None:
        """Soft-delete a draft or cancelled note. Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, note_id)
        states.check("delete", row["status"])
        await self._guarded(note_id, "delete", {"deleted_at": _now()})

    async def storno(self, company_id: str, note_id: str) -> dict[str, Any]:
        """A new draft note copying ``note_id`` with negated quantities (no status precondition, objects.md §5.3)."""
        row = await self.get(company_id, note_id)
        lines = [line_in(line, negate=True) for line in await self.lines(note_id)]
        fields = {name: row.get(name) for name in _COPIED}
        fields.update(issue_date=dt.date.today(), mentions=f"Storno {row['number']}")
        return await self._insert(company_id, fields, lines)

    async def from_proforma(self, company_id: str, proforma_id: str) -> dict[str, Any]:
        """A new draft note with the client, currency and lines of a proforma. Raises :class:`NotFound`."""
        proformas = ProformaService(self.invoices)
        proforma = await proformas.get(company_id, proforma_id)
        lines = [line_in(line) for line in await proformas.lines(proforma_id)]
        fields = {name: proforma.get(name) for name in (
            "client", "client_name", "currency", "exchange_rate", "notes", "mentions", "internal_note", "delivery_location",
            "project_reference", "issuer_name", "issuer_id", "sales_agent",
        )}
        fields.update(issue_date=dt.date.today(), due_date=proforma.get("due_date"))
        return await self._insert(company_id, fields, lines)

    # --- lifecycle ----------------------------------------------------------------------------

    async def issue(self, company_id: str, note_id: str) -> dict[str, Any]:
        """Issue a draft: number from its series or the default ``delivery_note`` series, else keep
        the temporary number (objects.md §6). Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, note_id)
        states.check("issue", row["status"])
        series_id = row.get("series")
        if not series_id:
            series = await default_series(company_id, SERIES_TYPE)
            series_id = series["id"] if series else None
        async with write_transaction():
            values: dict[str, Any] = {"status": "issued", "issued_at": _now(), "updated_at": _now()}
            if series_id:
                values["number"] = (await take_next(series_id))[0]
                values["series"] = series_id
            await self._guarded(note_id, "issue", values)
        return await self.get(company_id, note_id)

    async def cancel(self, company_id: str, note_id: str) -> dict[str, Any]:
        """Cancel a draft or issued note; refused (422) once it has an e-Transport status."""
        row = await self.get(company_id, note_id)
        states.check("cancel", row["status"])
        if row.get("etransport_status"):
            raise Unprocessable("A delivery note declared to e-Transport cannot be cancelled.", code="etransport_submitted")
        await self._guarded(note_id, "cancel", {"status": "cancelled", "cancelled_at": _now(), "updated_at": _now()})
        return await self.get(company_id, note_id)

    async def restore(self, company_id: str, note_id: str) -> dict[str, Any]:
        """Bring a cancelled note back to draft. Raises :class:`InvalidTransition`."""
        row = await self.get(company_id, note_id)
        states.check("restore", row["status"])
        await self._guarded(note_id, "restore", {"status": "draft", "cancelled_at": None, "updated_at": _now()})
        return await self.get(company_id, note_id)

    async def convert(self, company_id: str, note_ids: list[str], *, actor: str | None) -> dict[str, Any]:
        """Turn issued notes of one client and currency into one draft invoice (lines in the given
        order) and mark them converted; returns the invoice row. Raises :class:`InvalidTransition`,
        :class:`core.errors.Unprocessable` for mixed clients or currencies."""
        rows = [await self.get(company_id, note_id) for note_id in dict.fromkeys(note_ids)]
        for row in rows:
            states.check("convert", row["status"])
        if len({r.get("client") for r in rows}) > 1 or len({r["currency"] for r in rows}) > 1:
            raise Unprocessable("Delivery notes converted together must have the same client and currency.", code="mixed_delivery_notes")
        first = rows[0]
        lines: list[LineIn] = []
        for row in rows:
            lines += [line_in(line) for line in await self.lines(row["id"])]
        today = dt.date.today()
        data = InvoiceIn(
            lines=lines,
            client_id=first.get("client"),
            currency=first["currency"],
            exchange_rate=from_minor(first["exchange_rate"], 6) if first.get("exchange_rate") else None,
            due_date=first["due_date"] if first.get("due_date") and first["due_date"] >= today else None,
            notes=first.get("notes") if len(rows) == 1 else "Avize: " + ", ".join(r["number"] for r in rows),
        )
        async with write_transaction():
            invoice, _ = await self.invoices.create(company_id, data, actor=actor)
            for row in rows:
                await self._guarded(row["id"], "convert", {"status": "converted", "converted_invoice": invoice["id"], "updated_at": _now()})
        return invoice

    # --- internals ----------------------------------------------------------------------------

    async def _insert(self, company_id: str, fields: dict[str, Any], lines: list[LineIn]) -> dict[str, Any]:
        totals, line_rows = line_columns(lines)
        note_id = new_id()
        async with write_transaction():
            await D.insert(
                D(id=note_id, company=company_id, status="draft", number=_temporary(note_id), **fields,
                  **totals_columns(totals), created_at=_now(), updated_at=_now())
            ).run()
            await DeliveryNoteLine.insert(*[DeliveryNoteLine(delivery_note=note_id, **r) for r in line_rows]).run()
        return await self.get(company_id, note_id)

    async def _guarded(self, note_id: str, action: str, values: dict[str, Any]) -> None:
        """Update the row only while its status still allows ``action`` (a lost race is 422)."""
        async with write_transaction():
            current = await D.select(D.status).where(D.id == note_id).first().run()
            states.check(action, current["status"])
            if values:
                await D.update({getattr(D, k): v for k, v in values.items()}).where(D.id == note_id).run()

    @staticmethod
    def _select():
        return D.select(
            *D.all_columns(),
            D.series.id, D.series.prefix, D.series.type,
            D.converted_invoice.id, D.converted_invoice.number, D.converted_invoice.status,
        )


