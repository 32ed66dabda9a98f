"""The invoice service: drafts, issuing with gap-free numbering, validation, XML, events.

The only writer of ``invoices``, ``invoice_lines`` and ``document_events``. Issuing runs in one
write transaction: it locks the series row, takes the next number, computes totals (EN 16931),
builds the canonical document, renders and validates the XML; any failure rolls everything back,
so no number is spent and no partial row remains (ARCHITECTURE "Lifecycle", objects.md §5.1, §6).
The issuing core itself lives in :mod:`core.invoicing.issuing`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from decimal import Decimal
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from core import providers
from core.auth.tables import Company
from core.db.engine import engine, write_transaction
from core.documents.store import DocumentStore
from core.events import emit, invoice_event_data
from core.errors import BadRequest, Conflict, InvalidQuery, InvalidTransition, NotFound, Unprocessable, ValidationFailed
from core.ids import new_id
from core.invoicing import idempotency, states
from core.invoicing.filters import document_filter
from core.invoicing.issuing import NO_BUYER, dialect_for_country, issue_locked, series_for, stored_totals, validation_failure
from core.invoicing.canonical import build_document
from core.invoicing.schemas import InvoiceIn
from core.invoicing.counts import live_count
from core.invoicing.tables import DocumentEvent, DocumentSeries, Invoice, InvoiceLine
from core.invoicing.totals import DraftLine, Totals, compute_totals
from core.invoicing.units import unit_code
from core.masterdata.tables import Client
from core.money import to_minor, to_scaled
from core.validation.engine import validate_async

__all__ = ["InvoiceService"]

log = logging.getLogger("storno.invoicing")
#: Due date when neither the request nor the client's defaultPaymentTermDays gives one
#: (EN 16931 BR-CO-25 needs a due date or payment terms when an amount is due).
DEFAULT_PAYMENT_DAYS = 30

_SNAPSHOT_FIELDS = {
    "type": "type", "name": "name", "cui": "cui", "cnp": "cnp", "vat_code": "vatCode", "is_vat_payer": "isVatPayer",
    "registration_number": "registrationNumber", "address": "address", "city": "city", "county": "county",
    "country": "country", "postal_code": "postalCode", "email": "email", "phone": "phone",
    "bank_name": "bankName", "bank_account": "bankAccount",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def line_rows(invoice_id: str, lines: list[Any], totals: Totals) -> list[InvoiceLine]:
    """Line rows of ``invoice_id`` from request lines (:class:`LineIn`) and their computed totals."""
    return [
        InvoiceLine(
            invoice=invoice_id,
            position=i,
            description=line.description,
            quantity=to_scaled(line.quantity),
            unit_of_measure=line.unit_of_measure,
            unit_code=unit_code(line.unit_of_measure),
            unit_price=to_scaled(line.unit_price),
            vat_rate=to_minor(computed.vat_rate.quantize(Decimal("0.01"))),
            vat_category_code=computed.vat_category_code,
            vat_amount=to_minor(computed.vat_amount),
            line_total=to_minor(computed.net_amount),
            discount=to_minor(line.discount.quantize(Decimal("0.01"))),
            product=line.product_id,
            product_code=line.product_code,
            line_note=line.line_note,
        )
        for i, (line, computed) in enumerate(zip(lines, totals.lines, strict=True), start=1)
    ]


class InvoiceService:
    """Invoices and credit notes of one appliance; every method is scoped to a company id."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    # --- reads --------------------------------------------------------------------------------

    async def get(self, company_id: str, invoice_id: str) -> dict[str, Any]:
        """The invoice row; NotFound when it is not this company's (or was deleted)."""
        row = (
            await Invoice.select().output(load_json=True)
            .where((Invoice.id == invoice_id) & (Invoice.company == company_id) & Invoice.deleted_at.is_null())
            .first()
            .run()
        )
        if row is None:
            raise NotFound("Invoice not found.")
        return row

    async def get_for_update(self, company_id: str, invoice_id: str) -> dict[str, Any]:
        """:meth:`get` that also locks the row (PostgreSQL ``FOR UPDATE``; SQLite's ``BEGIN
        IMMEDIATE`` already serialises writers). Call inside :func:`write_transaction` before a
        state check, so concurrent actions on one invoice run one after the other."""
        query = Invoice.select().output(load_json=True).where(
            (Invoice.id == invoice_id) & (Invoice.company == company_id) & Invoice.deleted_at.is_null()
        )
        if isinstance(engine(), PostgresEngine):
            query = query.lock_rows("UPDATE")
        row = await query.first().run()
        if row is None:
            raise NotFound("Invoice not found.")
        return row

    async def lines(self, invoice_id: str) -> list[dict[str, Any]]:
        """The invoice's lines in position order."""
        return await InvoiceLine.select().where(InvoiceLine.invoice == invoice_id).order_by(InvoiceLine.position).run()

    async def refunds(self, invoice_id: str) -> list[dict[str, Any]]:
        """The storno children of ``invoice_id`` (not deleted), oldest first."""
        return await Invoice.select().where((Invoice.parent == invoice_id) & Invoice.deleted_at.is_null()).order_by(Invoice.created_at).run()

    async def events(self, company_id: str, invoice_id: str) -> list[dict[str, Any]]:
        """The invoice's events, oldest first."""
        await self.get(company_id, invoice_id)
        return await DocumentEvent.select().output(load_json=True).where(DocumentEvent.invoice == invoice_id).order_by(DocumentEvent.created_at).run()

    async def list(
        self,
        company_id: str,
        *,
        page: int,
        limit: int,
        status: str | None = None,
        direction: str | None = None,
        document_type: str | None = None,
        client_id: str | None = None,
        search: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        sort: str = "issueDate",
        order: str = "desc",
        currency: str | None = None,
        supplier_id: str | None = None,
        is_paid: bool | None = None,
        is_overdue: bool | None = None,
        total_min: Decimal | None = None,
        total_max: Decimal | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of invoices matching the filters (objects.md §2) and the total count.

        ``is_paid`` follows ``paidAt`` (the paid flag, §3.1); ``is_overdue`` means past the due
        date, not paid, positive total and neither draft nor cancelled; ``total_min``/``total_max``
        bound the gross total. Raises :class:`core.errors.InvalidQuery` (422) for a malformed currency,
        a non-finite bound or ``totalMin`` > ``totalMax``.
        """
        if currency is not None and (len(currency) != 3 or not currency.isalpha()):
            raise InvalidQuery("currency must be an ISO 4217 code.", field="currency")
        for name, bound in (("totalMin", total_min), ("totalMax", total_max)):
            if bound is not None and not bound.is_finite():
                raise InvalidQuery(f"{name} must be a finite number.", field=name)
        if total_min is not None and total_max is not None and total_min > total_max:
            raise InvalidQuery("totalMin must not exceed totalMax.", field="totalMin")
        where = document_filter(Invoice, company_id, status=status, client_id=client_id, date_from=date_from, date_to=date_to)
        if currency:
            where &= Invoice.currency == currency.upper()
        if supplier_id:
            where &= Invoice.supplier == supplier_id
        if is_paid is not None:
            where &= Invoice.paid_at.is_not_null() if is_paid else Invoice.paid_at.is_null()
        if total_min is not None:
            where &= Invoice.total >= to_minor(total_min.quantize(Decimal("0.01")))
        if total_max is not None:
            where &= Invoice.total <= to_minor(total_max.quantize(Decimal("0.01")))
        if is_overdue is not None:
            overdue = (
                (Invoice.due_date < dt.date.today()) & Invoice.paid_at.is_null() & (Invoice.total > 0)
                & Invoice.status.not_in(["draft", "cancelled"])
            )
            if is_overdue:
                where &= overdue
            else:
                where &= (
                    Invoice.due_date.is_null() | (Invoice.due_date >= dt.date.today()) | Invoice.paid_at.is_not_null()
                    | (Invoice.total <= 0) | Invoice.status.is_in(["draft", "cancelled"])
                )
        if direction:
            where &= Invoice.direction == direction
        if document_type:
            where &= Invoice.document_type == document_type
        if search:
            pattern = f"%{search}%"
            where &= (
                Invoice.number.ilike(pattern)
                | Invoice.receiver_name.ilike(pattern)
                | Invoice.sender_name.ilike(pattern)
                | Invoice.receiver_cif.ilike(pattern)
                | Invoice.sender_cif.ilike(pattern)
            )
        column = {"issueDate": Invoice.issue_date, "number": Invoice.number, "total": Invoice.total, "dueDate": Invoice.due_date}[sort]
        filters = (status, direction, document_type, client_id, search, date_from, date_to, currency, supplier_id, is_paid, is_overdue, total_min, total_max)
        if all(value is None or value == "" for value in filters):
            total = await live_count(company_id)
        else:
            total = await Invoice.count().where(where).run()
        rows = (
            await Invoice.select().output(load_json=True)
            .where(where)
            .order_by(column, ascending=order == "asc")
            .order_by(Invoice.id, ascending=order == "asc")
            .limit(limit)
            .offset((page - 1) * limit)
            .run()
        )
        return rows, total

    # --- drafts -------------------------------------------------------------------------------

    async def create(self, company_id: str, data: InvoiceIn, *, actor: str | None, idempotency_key: str | None = None) -> tuple[dict[str, Any], bool]:
        """Create a draft; returns (row, created). Same key and same body returns the first draft
        (created False); the same key with another body is :class:`core.errors.Conflict`."""
        key = idempotency_key or data.idempotency_key
        fingerprint = idempotency.fingerprint(data)
        if key:
            existing_id = await idempotency.replay(Invoice, company_id, key, fingerprint)
            if existing_id is not None:
                return await Invoice.select().output(load_json=True).where(Invoice.id == existing_id).first().run(), False
        fields, totals = await self._draft_fields(company_id, data)
        company = await Company.select(Company.cif, Company.name).where(Company.id == company_id).first().run()
        invoice_id = new_id()
        row = Invoice(
            id=invoice_id,
            company=company_id,
            direction="outgoing",
            status="draft",
            number=f"DRAFT-{invoice_id.replace('-', '')[-8:]}",
            sender_cif=company["cif"],
            sender_name=company["name"],
            idempotency_key=key,
            idempotency_fingerprint=fingerprint if key else None,
            **fields,
        )
        async with write_transaction():
            await Invoice.insert(row).run()
            await InvoiceLine.insert(*line_rows(invoice_id, data.lines, totals)).run()
            await self.record_event(invoice_id, None, "draft", "created", actor)
        return await self.get(company_id, invoice_id), True

    async def update(self, company_id: str, invoice_id: str, data: InvoiceIn, *, actor: str | None) -> dict[str, Any]:
        """Replace an editable draft's fields and lines wholesale (``PUT``, objects.md §3.1, §5.1 "edit").

        Raises :class:`core.errors.NotFound` and :class:`core.errors.InvalidTransition` (not a draft).
        """
        row = await self.get(company_id, invoice_id)
        states.check("edit", row["status"])
        fields, totals = await self._draft_fields(company_id, data)
        async with write_transaction():
            current = await self.get_for_update(company_id, invoice_id)
            states.check("edit", current["status"])
            await Invoice.update({getattr(Invoice, k): v for k, v in fields.items()} | {Invoice.updated_at: _now()}).where(Invoice.id == invoice_id).run()
            await InvoiceLine.delete().where(InvoiceLine.invoice == invoice_id).run()
            await InvoiceLine.insert(*line_rows(invoice_id, data.lines, totals)).run()
            await self.record_event(invoice_id, "draft", "draft", "updated", actor)
        return await self.get(company_id, invoice_id)

    async def _draft_fields(self, company_id: str, data: InvoiceIn) -> tuple[dict[str, Any], Totals]:
        """The request-derived columns of a draft (client, buyer snapshot, parent, series, dates,
        totals) and the computed totals. Raises NotFound for a foreign client/parent/series and
        BadRequest for a future issue date."""
        client = None
        if data.client_id:
            client = await Client.select().where((Client.id == data.client_id) & (Client.company == company_id) & Client.deleted_at.is_null()).first().run()
            if client is None:
                raise NotFound("Client not found.")
        parent = None
        if data.parent_document_id:
            parent = await self.get(company_id, data.parent_document_id)
        series_id = data.document_series_id or data.series_id
        if series_id:
            series = await DocumentSeries.select(DocumentSeries.id).where((DocumentSeries.id == series_id) & (DocumentSeries.company == company_id)).first().run()
            if series is None:
                raise NotFound("Document series not found.")
        today = dt.date.today()
        issue_date = data.issue_date or today
        if issue_date > today:
            raise BadRequest("issueDate may be in the past but never in the future.")
        totals = compute_totals([DraftLine(l.quantity, l.unit_price, l.vat_rate, l.vat_category_code, l.discount) for l in data.lines])
        fields = dict(
            document_type=data.document_type,
            series=series_id,
            client=data.client_id,
            receiver_cif=(client or {}).get("cui"),
            receiver_name=(client or {}).get("name"),
            currency=data.currency,
            exchange_rate=to_scaled(data.exchange_rate) if data.exchange_rate else None,
            invoice_type_code=data.invoice_type_code,
            issue_date=issue_date,
            due_date=data.due_date or (issue_date + dt.timedelta(days=(client or {}).get("default_payment_term_days") or DEFAULT_PAYMENT_DAYS)),
            notes=data.notes,
            payment_terms=data.payment_terms,
            language=data.language,
            order_number=data.order_number,
            contract_number=data.contract_number,
            buyer_reference=data.buyer_reference,
            subtotal=to_minor(totals.line_net_total),
            vat_total=to_minor(totals.vat_total),
            total=to_minor(totals.total),
            discount=to_minor(totals.discount),
            parent=parent["id"] if parent else None,
            parent_number=parent["number"] if parent else None,
            parent_date=parent["issue_date"] if parent else None,
            buyer_snapshot={camel: client.get(field) for field, camel in _SNAPSHOT_FIELDS.items()} if client else None,
        )
        return fields, totals

    async def import_file(self, company_id: str, payload: bytes) -> dict[str, Any]:
        """Import an e-invoice file as an incoming invoice (see :func:`core.invoicing.incoming.import_incoming`).

        Raises :class:`core.errors.UnsafeXmlError` (400) for unsafe or malformed XML,
        :class:`core.errors.BadRequest` for an unsupported document and
        :class:`core.errors.Conflict` (``DUPLICATE_FILE``) when the same bytes were imported before.
        """
        from core.invoicing.incoming import import_incoming

        try:
            parsed = providers.parse(payload)
        except ValueError as exc:
            raise BadRequest(f"Not a supported e-invoice: {exc}", code="PARSE_ERROR") from None
        message_id = "upload-" + hashlib.sha256(payload).hexdigest()[:20]
        async with write_transaction():
            seen = await Invoice.select(Invoice.id).where((Invoice.company == company_id) & (Invoice.anaf_message_id == message_id)).first().run()
            if seen:
                raise Conflict("This file was already imported.", code="DUPLICATE_FILE", invoiceId=seen["id"])
            invoice_id = await import_incoming(self.store, company_id, parsed, xml=payload, archive=None, message_id=message_id, upload_id=None)
        return await self.get(company_id, invoice_id)

    async def delete(self, company_id: str, invoice_id: str) -> None:
        """Soft-delete a draft or cancelled invoice. An issued one cannot be deleted (series
        continuity): the error says to use storno."""
        row = await self.get(company_id, invoice_id)
        if row["status"] not in states.TRANSITIONS["delete"][0]:
            raise Unprocessable(
                f"An invoice in status '{row['status']}' cannot be deleted: issued numbers must stay in the series. Use storno to reverse it.",
                code="invoice_not_deletable",
            )
        await Invoice.update({Invoice.deleted_at: dt.datetime.now(dt.timezone.utc)}).where(Invoice.id == invoice_id).run()

    async def cancel(self, company_id: str, invoice_id: str, *, reason: str | None, actor: str | None) -> dict[str, Any]:
        """Cancel a draft, or an issued invoice not yet uploaded to ANAF (objects.md §5.1 "cancel").

        Records ``cancelledAt``/``cancellationReason`` and an event with ``reason`` and
        ``cancelledFromStatus``. Raises :class:`core.errors.InvalidTransition` otherwise.
        """
        async with write_transaction():
            row = await self.get_for_update(company_id, invoice_id)
            states.check("cancel", row["status"])
            if row["status"] == "issued" and row.get("anaf_upload_id"):
                raise InvalidTransition("invoice", "cancel", "issued (uploaded to ANAF)", "draft, issued (not uploaded)")
            now = _now()
            await Invoice.update(
                {Invoice.status: "cancelled", Invoice.cancelled_at: now, Invoice.cancellation_reason: reason, Invoice.updated_at: now}
            ).where(Invoice.id == invoice_id).run()
            await self.record_event(invoice_id, row["status"], "cancelled", "cancelled", actor, reason=reason, cancelledFromStatus=row["status"])
        return await self.get(company_id, invoice_id)

    async def restore(self, company_id: str, invoice_id: str, *, actor: str | None) -> dict[str, Any]:
        """Bring a cancelled invoice back to ``draft`` (objects.md §5.1 "restore"); InvalidTransition otherwise."""
        async with write_transaction():
            row = await self.get_for_update(company_id, invoice_id)
            result = states.check("restore", row["status"])
            await Invoice.update(
                {Invoice.status: result, Invoice.cancelled_at: None, Invoice.cancellation_reason: None, Invoice.updated_at: _now()}
            ).where(Invoice.id == invoice_id).run()
            await self.record_event(invoice_id, "cancelled", result, "restored", actor)
        return await self.get(company_id, invoice_id)

    # --- issuing ------------------------------------------------------------------------------

    async def issue(self, company_id: str, invoice_id: str, *, actor: str | None) -> dict[str, Any]:
        """Issue a draft: number, totals, canonical document, rendered and validated XML, event.

        Raises :class:`core.errors.InvalidTransition` (not a draft), :class:`core.errors.Unprocessable`
        (no series, no buyer), :class:`core.errors.ValidationFailed` (422 with rule ids; nothing
        is persisted and no number is spent).
        """
        draft = await self.get(company_id, invoice_id)
        states.check("issue", draft["status"])
        if not draft.get("buyer_snapshot"):
            raise ValidationFailed("The invoice has no buyer.", validation_failure("business", NO_BUYER, "BR-07"))
        series_id = await series_for(company_id, draft)
        async with write_transaction():
            current = await self.get_for_update(company_id, invoice_id)
            states.check("issue", current["status"])
            await issue_locked(self, company_id, current, series_id, actor=actor)
        issued = await self.get(company_id, invoice_id)
        emit("invoice.issued", company_id, invoice_event_data(issued))
        return issued

    async def validate(self, company_id: str, invoice_id: str) -> dict[str, Any]:
        """Validate the stored XML (issued) or a fresh render (draft); returns shape C."""
        row = await self.get(company_id, invoice_id)
        company = await Company.select().where(Company.id == company_id).first().run()
        dialect = dialect_for_country(company["country"])
        if row["status"] == "draft":
            if not row.get("buyer_snapshot"):
                return validation_failure("business", NO_BUYER, "BR-07")
            lines = await self.lines(invoice_id)
            document = build_document(company=company, invoice=row, lines=lines, totals=stored_totals(lines), number=row["number"], issue_date=row["issue_date"])
            try:
                xml = providers.render(document, dialect).content
            except ValueError as exc:
                return validation_failure("xml_generation", str(exc))
        else:
            _, xml = await self.store.read(invoice_id, "xml")
        report = await validate_async(xml, providers.validation_pipeline(dialect))
        return report.to_contract()

    async def xml(self, company_id: str, invoice_id: str) -> tuple[str, bytes]:
        """(filename, bytes) of the stored XML; 404 before issue, 410 when the file is gone."""
        row = await self.get(company_id, invoice_id)
        if row["status"] == "draft":
            raise NotFound("The invoice has no XML before it is issued.")
        stored, content = await self.store.read(invoice_id, "xml")
        return stored["filename"], content

    # --- transport outcomes (called by the submission service) ---------------------------------

    async def transition(self, invoice_id: str, action: str, *, actor: str | None = None, **fields: Any) -> None:
        """Apply a lifecycle ``action`` (``submit``, ``provider_accepted``, ``provider_rejected``)
        and set the given columns (e.g. ``anaf_status``) in one statement; records the event."""
        row = await Invoice.select(Invoice.status, Invoice.parent).where(Invoice.id == invoice_id).first().run()
        result = states.check(action, row["status"])
        if action == "provider_accepted" and row.get("parent"):
            result = "refund"  # objects.md §7.4: ANAF acceptance keeps `refund`
        values = {getattr(Invoice, k): v for k, v in fields.items()}
        values[Invoice.status] = result
        values[Invoice.updated_at] = dt.datetime.now(dt.timezone.utc)
        await Invoice.update(values).where(Invoice.id == invoice_id).run()
        meta = {k: v for k, v in fields.items() if k in ("anaf_upload_id", "anaf_download_id", "anaf_error_message")}
        await self.record_event(invoice_id, row["status"], result, _EVENT_ACTIONS[action], actor, **meta)

    async def record_event(self, invoice_id: str, previous: str | None, new: str | None, action: str, actor: str | None, **metadata: Any) -> None:
        """Append a document event. The service is the only writer of ``document_events``; the
        storno and payment modules of this package call it inside their own transactions."""
        await DocumentEvent.insert(
            DocumentEvent(invoice=invoice_id, previous_status=previous, new_status=new, action=action, metadata=metadata, created_by=actor)
        ).run()


_EVENT_ACTIONS = {
    "submit": "submitted_to_anaf",
    "provider_accepted": "anaf_validated",
    "provider_rejected": "anaf_rejected",
}
