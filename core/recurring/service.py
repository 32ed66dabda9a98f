"""The recurring-invoice service: templates and their lines (objects.md §3.11).

The only writer of ``recurring_invoices`` and ``recurring_invoice_lines`` (and, through
:mod:`core.recurring.generation`, of ``recurring_generations``). Generation itself — issue-now,
the scheduler job, exactly-once per period, catch-up and stop date — lives in
:mod:`core.recurring.generation`; the methods here that name it delegate to it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections.abc import Awaitable, Callable
from typing import Any

from piccolo.query import OrderByRaw

from core.auth.tables import Company
from core.bulk import apply_each, distinct_ids
from core.db.engine import is_unique_violation, write_transaction
from core.errors import NotFound, Unprocessable
from core.ids import new_id
from core.invoicing import idempotency
from core.invoicing.schemas import LineIn
from core.invoicing.service import InvoiceService
from core.invoicing.tables import DocumentSeries
from core.masterdata.tables import Client, Product
from core.money import to_minor, to_scaled
from core.proformas.lines import line_columns, totals_columns
from core.proformas.service import company_client
from core.recurring import generation, pricing, schedule
from core.recurring.schemas import RecurringIn, check, rule_of
from core.recurring.tables import RecurringInvoice, RecurringLine

__all__ = ["RecurringService"]

RI = RecurringInvoice
NOT_FOUND = "Recurring invoice not found."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class RecurringService:
    """Recurring templates of one appliance; the CRUD methods are scoped to a company id."""

    def __init__(self, invoices: InvoiceService) -> None:
        self.invoices = invoices

    # --- reads --------------------------------------------------------------------------------

    @staticmethod
    def _select():
        return RI.select(*RI.all_columns(), RI.client.name, RI.client.cui, RI.series.prefix, RI.series.current_number)

    async def get(self, company_id: str, template_id: str) -> dict[str, Any]:
        """The live template row joined with ``client.*`` and ``series.*``; raises :class:`NotFound`."""
        row = await self._select().where((RI.id == template_id) & (RI.company == company_id) & RI.deleted_at.is_null()).first().run()
        if row is None:
            raise NotFound(NOT_FOUND)
        return row

    async def lines(self, template_id: str) -> list[dict[str, Any]]:
        """The template's lines in position order."""
        return await RecurringLine.select().where(RecurringLine.recurring_invoice == template_id).order_by(RecurringLine.position).run()

    async def list(
        self, company_id: str, *, page: int, limit: int, search: str | None = None, is_active: bool | None = None,
        client_id: str | None = None, frequency: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of live templates, soonest ``nextIssuanceDate`` first (ended ones last), and the count."""
        where = (RI.company == company_id) & RI.deleted_at.is_null()
        if is_active is not None:
            where &= RI.is_active == is_active
        if client_id:
            where &= RI.client == client_id
        if frequency:
            where &= RI.frequency == frequency
        if search:
            where &= RI.reference.ilike(f"%{search}%") | RI.client.name.ilike(f"%{search}%")
        total = await RI.count().where(where).run()
        rows = (
            await self._select().where(where)
            .order_by(OrderByRaw('"recurring_invoices"."next_issuance_date" IS NULL'))
            .order_by(RI.next_issuance_date).order_by(RI.id)
            .limit(limit).offset((page - 1) * limit).run()
        )
        return rows, total

    async def estimates(self, company_id: str, rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
        """Per template id: (subtotal, VAT, total) in minor units that a generation would produce now."""
        if not rows:
            return {}
        ids = [r["id"] for r in rows]
        lines = await RecurringLine.select().where(RecurringLine.recurring_invoice.is_in(ids)).order_by(RecurringLine.position).run()
        by_template: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for line in lines:
            by_template[line["recurring_invoice"]].append(line)
        context = await self.context(company_id, [r.get("client") for r in rows], [l.get("product") for l in lines])
        return {
            row["id"]: pricing.estimate(self.lines_now(row, by_template[row["id"]], context)) if by_template[row["id"]] else (0, 0, 0)
            for row in rows
        }

    async def context(self, company_id: str, client_ids: list[str | None], product_ids: list[str | None]) -> dict[str, Any]:
        """What pricing needs besides the template: ``{"company": row, "clients": {id: row},
        "products": {id: live row}}`` for the given (possibly None or repeated) ids."""
        company = await Company.select().where(Company.id == company_id).first().run()
        wanted_clients = sorted({c for c in client_ids if c})
        wanted_products = sorted({p for p in product_ids if p})
        clients = await Client.select().where(Client.id.is_in(wanted_clients)).run() if wanted_clients else []
        products = (
            await Product.select().where(Product.id.is_in(wanted_products) & Product.deleted_at.is_null()).run() if wanted_products else []
        )
        return {"company": company, "clients": {c["id"]: c for c in clients}, "products": {p["id"]: p for p in products}}

    @staticmethod
    def lines_now(row: dict[str, Any], lines: list[dict[str, Any]], context: dict[str, Any]) -> list[LineIn]:
        """The invoice lines template ``row`` would generate now (:func:`core.recurring.pricing.generation_lines`)."""
        return pricing.generation_lines(
            row, lines, company=context["company"], client=context["clients"].get(row.get("client") or ""), products=context["products"]
        )

    # --- writes -------------------------------------------------------------------------------

    async def _validated(self, company_id: str, data: RecurringIn) -> dict[str, Any]:
        """Check ``data`` (422 rules, 404 foreign client/series/product) and return the template columns."""
        check(data)
        await company_client(company_id, data.client_id)
        if data.document_series_id:
            series = await DocumentSeries.select(DocumentSeries.type).where(
                (DocumentSeries.id == data.document_series_id) & (DocumentSeries.company == company_id)
            ).first().run()
            if series is None:
                raise NotFound("Document series not found.")
            allowed = ("proforma",) if data.document_type == "proforma" else ("invoice", "credit_note")
            if series["type"] not in allowed:
                raise Unprocessable(
                    f"The document series is of type '{series['type']}'; a {data.document_type} template needs a {' or '.join(allowed)} series.",
                    code="invalid_recurring_invoice", field="documentSeriesId",
                )
        products = sorted({line.product_id for line in data.lines if line.product_id})
        if products:
            found = await Product.select(Product.id).where(Product.id.is_in(products) & (Product.company == company_id) & Product.deleted_at.is_null()).run()
            if len(found) != len(products):
                raise NotFound("Product not found.")
        rule = rule_of(data)
        next_date = data.next_issuance_date or schedule.first_on_or_after(rule, dt.date.today())
        if data.stop_date and data.stop_date < next_date:
            raise Unprocessable("stopDate must not be before nextIssuanceDate.", code="invalid_recurring_invoice", field="stopDate")
        return {
            "reference": data.reference, "is_active": data.is_active, "document_type": data.document_type, "client": data.client_id,
            "series": data.document_series_id, "currency": data.currency,
            "exchange_rate": to_scaled(data.exchange_rate) if data.exchange_rate else None,
            "invoice_type_code": data.invoice_type_code, "language": data.language, "frequency": data.frequency,
            "frequency_day": data.frequency_day, "frequency_month": data.frequency_month, "next_issuance_date": next_date,
            "stop_date": data.stop_date, "due_date_type": data.due_date_type, "due_date_days": data.due_date_days,
            "due_date_fixed_day": data.due_date_fixed_day, "notes": data.notes, "payment_terms": data.payment_terms,
            "auto_email_enabled": data.auto_email_enabled, "auto_email_time": data.auto_email_time,
            "auto_email_day_offset": data.auto_email_day_offset, "penalty_enabled": data.penalty_enabled,
            "penalty_percent_per_day": to_minor(data.penalty_percent_per_day.quantize(Decimal("0.01"))) if data.penalty_percent_per_day is not None else None,
            "penalty_grace_days": data.penalty_grace_days, "last_error": None, "retry_at": None,
        }

    @staticmethod
    def _line_rows(template_id: str, data: RecurringIn) -> tuple[dict[str, int], list[RecurringLine]]:
        totals, rows = line_columns(list(data.lines))
        lines = [
            RecurringLine(
                recurring_invoice=template_id, **row, reference_currency=line.reference_currency,
                markup_percent=to_minor(line.markup_percent.quantize(Decimal("0.01"))) if line.markup_percent is not None else None,
                price_rule=line.price_rule, product_name=line.product_name,
            )
            for row, line in zip(rows, data.lines, strict=True)
        ]
        return totals_columns(totals), lines

    async def create(self, company_id: str, data: RecurringIn, *, idempotency_key: str | None = None) -> tuple[dict[str, Any], bool]:
        """Create a template; returns (row, created). ``Idempotency-Key`` (or ``idempotencyKey``)
        replays the first template for the same body (created False) and is 409 for another body.
        Raises :class:`Unprocessable` (422 rules) and :class:`NotFound` (foreign client/series/product)."""
        key = idempotency_key or data.idempotency_key
        print_ = idempotency.fingerprint(data)
        if key and (first := await idempotency.replay(RI, company_id, key, print_)) is not None:
            return await self.get(company_id, first), False
        fields = await self._validated(company_id, data)
        template_id = new_id()
        totals, lines = self._line_rows(template_id, data)
        try:
            async with write_transaction():
                await RI.insert(
                    RI(id=template_id, company=company_id, idempotency_key=key, idempotency_fingerprint=print_ if key else None,
                       created_at=_now(), updated_at=_now(), **fields, **totals)
                ).run()
                await RecurringLine.insert(*lines).run()
        except Exception as exc:
            if key and is_unique_violation(exc):  # a concurrent create with the same key won
                winner = await idempotency.replay(RI, company_id, key, print_)
                if winner is not None:
                    return await self.get(company_id, winner), False
            raise
        return await self.get(company_id, template_id), True

    async def update(self, company_id: str, template_id: str, data: RecurringIn) -> dict[str, Any]:
        """Replace a template's fields and lines (``PUT``). Without ``nextIssuanceDate`` the stored
        date is kept when the rule is unchanged, else the rule's first date from today."""
        current = await self.get(company_id, template_id)
        if data.next_issuance_date is None and current.get("next_issuance_date") and rule_of(current) == rule_of(data):
            data.next_issuance_date = current["next_issuance_date"]
        fields = await self._validated(company_id, data)
        totals, lines = self._line_rows(template_id, data)
        async with write_transaction():
            await RI.update({getattr(RI, k): v for k, v in {**fields, **totals, "updated_at": _now()}.items()}).where(RI.id == template_id).run()
            await RecurringLine.delete().where(RecurringLine.recurring_invoice == template_id).run()
            await RecurringLine.insert(*lines).run()
        return await self.get(company_id, template_id)

    async def delete(self, company_id: str, template_id: str) -> None:
        """Soft-delete a template; its generated invoices stay. Raises :class:`NotFound`."""
        await self.get(company_id, template_id)
        await RI.update({RI.deleted_at: _now(), RI.is_active: False}).where(RI.id == template_id).run()

    async def set_active(self, company_id: str, template_id: str, active: bool | None = None) -> dict[str, Any]:
        """Set ``isActive`` (None flips it). Activating a template whose schedule ended (no next
        date) is 422: give it a new ``nextIssuanceDate`` with ``PUT``."""
        row = await self.get(company_id, template_id)
        value = (not row["is_active"]) if active is None else active
        if value and row.get("next_issuance_date") is None:
            raise Unprocessable("The schedule of this template has ended; set a new nextIssuanceDate with PUT to restart it.", code="schedule_ended")
        await RI.update({RI.is_active: value, RI.retry_at: None, RI.updated_at: _now()}).where(RI.id == template_id).run()
        return await self.get(company_id, template_id)

    async def bulk(self, ids: list[str], verb: str, action: Callable[[str], Awaitable[Any]]) -> dict[str, Any]:
        """Apply ``action(id)`` to 1–100 distinct ids one by one; shape D ``{verb: n, "errors": [{"id", "error"}]}``.
        Raises :class:`core.errors.BadRequest` for an empty or oversized list."""
        return await apply_each(distinct_ids(ids, "recurring invoice"), verb, action)

    # --- generation (core.recurring.generation) ------------------------------------------------

    async def issue_now(self, company_id: str, template_id: str, *, actor: str | None) -> dict[str, Any]:
        """See :func:`core.recurring.generation.issue_now`."""
        return await generation.issue_now(self, company_id, template_id, actor=actor)

    async def generate(self, template_id: str, period: dt.date, *, actor: str | None = None, manual: bool = False) -> dict[str, Any] | None:
        """See :func:`core.recurring.generation.generate`."""
        return await generation.generate(self, template_id, period, actor=actor, manual=manual)

    async def due(self, today: dt.date | None = None) -> list[tuple[str, str]]:
        """See :func:`core.recurring.generation.due` (the scheduler sweep's items)."""
        return await generation.due(today)

    async def run_job(self, template_id: str, period: str) -> None:
        """The ``recurring.generate`` job; see :func:`core.recurring.generation.run_job`."""
        await generation.run_job(self, template_id, period)

    async def run_due(self, today: dt.date | None = None) -> int:
        """See :func:`core.recurring.generation.run_due`."""
        return await generation.run_due(self, today)
