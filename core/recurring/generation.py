"""Generating a template's documents (objects.md §3.11): issue-now, the scheduler job, catch-up.

Generation of one period (:func:`generate`) is one write transaction: lock the
template (PostgreSQL ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` serialises writers), check
that the period is still its ``nextIssuanceDate``, create the draft through
:meth:`core.invoicing.service.InvoiceService.create` and issue it through the same issuing core
as ``POST /invoices/{id}/issue`` (:func:`core.invoicing.issuing.issue_locked`; number from the
series row lock), record the period in ``recurring_generations`` (unique per template and
period) and advance the schedule. A second scheduler or worker racing on the same period
either waits for the lock and finds the period consumed, or hits the unique index: either way
it generates nothing, so each period yields exactly one invoice. A failure (validation, no
series) rolls everything back: no number spent.
A ``proforma`` template creates its proforma through :class:`core.proformas.service.ProformaService`
in the same way, numbered from its series and marked sent and accepted (objects.md §5.2).

Schedule rules (documented behaviour):

* the generated invoice is issued with today's date (never backdated, so numbers stay in date
  order) and the template's lines, prices and VAT rules as of now (:mod:`core.recurring.pricing`);
  texts use the period's month (``[[luna]]``...);
* catch-up: a template several periods behind (the scheduler was down) generates one invoice per
  missed period, oldest first, each advancing ``nextIssuanceDate`` once;
* ``stopDate`` is the last date that may generate (inclusive); when the next date falls after it,
  or a ``once`` template has generated, ``nextIssuanceDate`` becomes null and the template inactive;
* ``issue-now`` generates the period of the current ``nextIssuanceDate`` at once (even before it
  is due, even when the template is paused) and advances the schedule, so the scheduler does not
  generate that period again;
* a failed scheduled generation is kept in ``lastError``; the scheduler retries it after
  :data:`RETRY_DELAY`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from piccolo.engine.postgres import PostgresEngine

from core.db.engine import engine, is_unique_violation, write_transaction
from core.errors import Conflict, StornoError, Unprocessable
from core.events import emit, invoice_event_data
from core.invoicing import issuing
from core.invoicing.schemas import InvoiceIn
from core.money import from_minor
from core.proformas.schemas import ProformaIn
from core.proformas.service import ProformaService
from core.recurring import pricing, schedule
from core.recurring.schemas import rule_of
from core.recurring.tables import RecurringGeneration, RecurringInvoice

if TYPE_CHECKING:
    from core.recurring.service import RecurringService

__all__ = ["RETRY_DELAY", "due", "generate", "issue_now", "run_due", "run_job"]

log = logging.getLogger("storno.recurring")
RI = RecurringInvoice
#: How long the scheduler waits before retrying a template whose generation failed.
RETRY_DELAY = dt.timedelta(minutes=15)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def issue_now(service: RecurringService, company_id: str, template_id: str, *, actor: str | None) -> dict[str, Any]:
    """Generate and issue the period of the template's ``nextIssuanceDate`` now; the issued invoice row.

    Raises :class:`NotFound`, :class:`Unprocessable` (``schedule_ended``; no series),
    :class:`core.errors.ValidationFailed` (422 shape C, nothing kept) and :class:`Conflict`
    when another request or the scheduler generated that period first.
    """
    row = await service.get(company_id, template_id)
    period = row.get("next_issuance_date")
    if period is None or (row.get("stop_date") is not None and period > row["stop_date"]):
        raise Unprocessable("The schedule of this template has ended; set a new nextIssuanceDate with PUT.", code="schedule_ended")
    invoice = await generate(service, template_id, period, actor=actor, manual=True)
    if invoice is None:
        raise Conflict("This period has already been generated (by another request or the scheduler); reload the template.", code="ALREADY_GENERATED")
    return invoice


async def _lock(template_id: str) -> dict[str, Any] | None:
    query = RI.select().where((RI.id == template_id) & RI.deleted_at.is_null())
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows("UPDATE")
    return await query.first().run()


async def generate(service: RecurringService, template_id: str, period: dt.date, *, actor: str | None = None, manual: bool = False) -> dict[str, Any] | None:
    """Generate the document of ``period`` for the template, exactly once (module docstring).

    Returns the issued invoice row (a proforma row with ``document_type`` for proforma
    templates), or None when there is nothing to do: the period is no
    longer the template's next date (already generated), the template is gone, or (unless
    ``manual``) it is paused or the period is not due yet. A period after ``stopDate`` ends
    the schedule instead. Raises the invoicing errors of create/issue (422 and 404), after
    which nothing of the attempt remains.
    """
    today = dt.date.today()
    try:
        async with write_transaction():
            template = await _lock(template_id)
            if template is None or template.get("next_issuance_date") != period:
                return None
            if not manual and (not template["is_active"] or period > today):
                return None
            if template.get("stop_date") and period > template["stop_date"]:
                await RI.update({RI.next_issuance_date: None, RI.is_active: False, RI.updated_at: _now()}).where(RI.id == template_id).run()
                return None
            seen = await RecurringGeneration.exists().where(
                (RecurringGeneration.recurring_invoice == template_id) & (RecurringGeneration.period_date == period)
            ).run()
            if seen:  # the date was set back onto a period already generated: skip it
                await _advance(template, period, None)
                return None
            proforma = template["document_type"] == "proforma"
            issue = _issue_proforma if proforma else _issue
            document_id, number = await issue(service, template, period, today, actor)
            await RecurringGeneration.insert(
                RecurringGeneration(
                    recurring_invoice=template_id, period_date=period, created_at=_now(),
                    **{"proforma" if proforma else "invoice": document_id},
                )
            ).run()
            await _advance(template, period, (document_id, number))
    except Exception as exc:
        if is_unique_violation(exc):  # another scheduler inserted this period first
            log.info("recurring %s period %s was generated by another process", template_id, period)
            return None
        raise
    if proforma:
        return {**await _proformas(service).get(template["company"], document_id), "document_type": "proforma"}
    issued = await service.invoices.get(template["company"], document_id)
    emit("invoice.issued", template["company"], invoice_event_data(issued))
    return issued


def _proformas(service: RecurringService) -> ProformaService:
    return ProformaService(service.invoices)


async def _document_fields(service: RecurringService, template: dict[str, Any], period: dt.date, today: dt.date) -> dict[str, Any]:
    """The fields the invoice and proforma bodies share: lines priced now, dates, texts of the period."""
    lines = await service.lines(template["id"])
    context = await service.context(template["company"], [template.get("client")], [l.get("product") for l in lines])
    rate = from_minor(template["exchange_rate"], 6) if template.get("exchange_rate") else None
    return dict(
        lines=service.lines_now(template, lines, context),
        client_id=template.get("client"),
        currency=template["currency"],
        exchange_rate=rate if template["currency"] != "RON" else None,
        invoice_type_code=template.get("invoice_type_code"),
        issue_date=today,
        due_date=pricing.due_date(template, today),
        notes=pricing.render_text(template.get("notes"), period, rate),
        payment_terms=pricing.render_text(template.get("payment_terms"), period, rate),
        language=template.get("language") or "ro",
    )


async def _issue_proforma(service: RecurringService, template: dict[str, Any], period: dt.date, today: dt.date, actor: str | None) -> tuple[str, str]:
    """Create the period's proforma inside the caller's transaction, numbered from the template's
    series or the default proforma series, then sent and accepted (objects.md §5.2); (id, number)."""
    from core.invoicing.series import default_series

    company_id = template["company"]
    series_id = template.get("series") or ((await default_series(company_id, "proforma")) or {}).get("id")
    proformas = _proformas(service)
    row = await proformas.create(company_id, ProformaIn(**await _document_fields(service, template, period, today), document_series_id=series_id))
    for action in ("send", "accept"):
        await proformas.transition(company_id, row["id"], action)
    return row["id"], row["number"]


async def _issue(service: RecurringService, template: dict[str, Any], period: dt.date, today: dt.date, actor: str | None) -> tuple[str, str]:
    """Create and issue the period's invoice inside the caller's transaction; (invoice id, number)."""
    company_id = template["company"]
    fields = await _document_fields(service, template, period, today)
    data = InvoiceIn(**fields, document_type=template["document_type"], document_series_id=template.get("series"))
    draft, _ = await service.invoices.create(company_id, data, actor=actor)
    await service.invoices.record_event(
        draft["id"], "draft", "draft", "created_from_recurring", actor, recurringInvoiceId=template["id"], period=period.isoformat()
    )
    series_id = await issuing.series_for(company_id, draft)
    locked = await service.invoices.get_for_update(company_id, draft["id"])
    number = await issuing.issue_locked(service.invoices, company_id, locked, series_id, actor=actor)
    return draft["id"], number


async def _advance(template: dict[str, Any], period: dt.date, issued: tuple[str, str] | None) -> None:
    """Move ``nextIssuanceDate`` past ``period``; end the schedule after ``stopDate`` or a ``once``."""
    following = schedule.next_after(rule_of(template), period)
    ended = following is None or (template.get("stop_date") is not None and following > template["stop_date"])
    values: dict[Any, Any] = {
        RI.next_issuance_date: None if ended else following,
        RI.is_active: False if ended else template["is_active"],
        RI.last_error: None, RI.retry_at: None, RI.updated_at: _now(),
    }
    if issued is not None:
        proforma = template["document_type"] == "proforma"
        values |= {
            RI.last_invoice: None if proforma else issued[0], RI.last_proforma: issued[0] if proforma else None,
            RI.last_invoice_number: issued[1], RI.last_issued_at: _now(), RI.last_document_type: template["document_type"],
        }
    await RI.update(values).where(RI.id == template["id"]).run()


async def due(today: dt.date | None = None) -> list[tuple[str, str]]:
    """(template id, period ISO date) of every active template whose next date is on or before
    ``today`` and whose last failure's retry time has passed; at most 200, oldest first."""
    today = today or dt.date.today()
    rows = await RI.select(RI.id, RI.next_issuance_date).where(
        (RI.is_active == True) & RI.deleted_at.is_null() & RI.next_issuance_date.is_not_null()  # noqa: E712
        & (RI.next_issuance_date <= today) & (RI.retry_at.is_null() | (RI.retry_at <= _now()))
    ).order_by(RI.next_issuance_date).limit(200).run()
    return [(r["id"], r["next_issuance_date"].isoformat()) for r in rows]


async def run_job(service: RecurringService, template_id: str, period: str) -> None:
    """The ``recurring.generate`` job: generate ``period`` (ISO date) of the template; a failure
    is stored in ``lastError`` and retried by the sweep after :data:`RETRY_DELAY`."""
    await _attempt(service, template_id, period)


async def _attempt(service: RecurringService, template_id: str, period: str) -> bool:
    try:
        return await generate(service, template_id, dt.date.fromisoformat(period)) is not None
    except Exception as exc:
        message = exc.message if isinstance(exc, StornoError) else f"Unexpected error: {exc}"
        await RI.update({RI.last_error: message, RI.retry_at: _now() + RETRY_DELAY}).where(RI.id == template_id).run()
        if not isinstance(exc, StornoError):
            raise
        log.warning("recurring %s period %s failed: %s", template_id, period, message)
        return False


async def run_due(service: RecurringService, today: dt.date | None = None) -> int:
    """Generate every due period now, catching up missed ones oldest first; returns the
    invoices issued. (The scheduler does the same one job at a time: :meth:`due`, :meth:`run_job`.)"""
    issued, attempted = 0, set()
    while True:
        items = [item for item in await due(today) if item not in attempted]
        if not items:
            return issued
        for template_id, period in items:
            attempted.add((template_id, period))
            issued += await _attempt(service, template_id, period)
