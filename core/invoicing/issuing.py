"""The issuing core of invoices and credit notes: number, totals, canonical document, XML.

:func:`issue_locked` runs inside the caller's write transaction (ARCHITECTURE "Lifecycle",
objects.md §5.1, §6): it takes the next number of the series, computes the EN 16931 totals,
builds the canonical document, renders and validates the XML through the loaded provider;
any failure raises and rolls the transaction back, so no number is spent. Its callers are
:meth:`core.invoicing.service.InvoiceService.issue`, the storno (:mod:`core.invoicing.storno`)
and recurring generation (:mod:`core.recurring.generation`). The rows are written through the
invoice service, which stays the only writer of ``invoices`` and ``document_events``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import msgspec

from core import providers
from core.auth.tables import Company
from core.errors import Unprocessable, ValidationFailed
from core.invoicing.canonical import build_document
from core.invoicing.numbering import take_next
from core.invoicing.tables import Invoice
from core.invoicing.totals import DraftLine, Totals, compute_totals
from core.money import from_minor, to_minor
from core.validation.engine import validate_async

if TYPE_CHECKING:
    from core.invoicing.service import InvoiceService

__all__ = [
    "NO_BUYER",
    "dialect_for_country",
    "document_json",
    "issue_locked",
    "series_for",
    "stored_totals",
    "validation_failure",
]

NO_BUYER = "A client (buyer, BG-7) is required to issue."


def dialect_for_country(country: str) -> str:
    """The e-invoice dialect of the provider serving ``country`` (its first dialect).

    Raises :class:`core.errors.Unprocessable` when no loaded provider serves that country.
    """
    for info in providers.providers().values():
        if info.country == country.upper():
            return info.dialects[0]
    raise Unprocessable(f"No e-invoicing provider for country {country} is loaded (see `storno plugins`).")


def document_json(document: Any) -> dict[str, Any]:
    """The canonical document as JSON-compatible data (for the ``document`` column)."""
    return msgspec.to_builtins(document)


def stored_totals(lines: list[dict[str, Any]]) -> Totals:
    """EN 16931 totals of stored line rows (amounts in minor units, quantities/prices at 6 decimals)."""
    return compute_totals(
        [
            DraftLine(
                from_minor(l["quantity"], 6),
                from_minor(l["unit_price"], 6),
                from_minor(l["vat_rate"]),
                l["vat_category_code"],
                from_minor(l["discount"]),
            )
            for l in lines
        ]
    )


def validation_failure(source: str, message: str, rule_id: str | None = None) -> dict[str, Any]:
    """A failed validation result (objects.md §1 shape C) with one error."""
    error = {"message": message, "source": source, **({"ruleId": rule_id} if rule_id else {})}
    return {"valid": False, "errors": [error], "warnings": [], "schematronAvailable": False}


async def series_for(company_id: str, draft: dict[str, Any]) -> str:
    """The draft's series, else the default one of its type (credit notes fall back to invoices).

    Raises :class:`core.errors.Unprocessable` (``no_series``) when there is none (objects.md §6).
    """
    from core.invoicing.series import default_series

    if draft.get("series"):
        return draft["series"]
    series = await default_series(company_id, draft["document_type"]) or (
        await default_series(company_id, "invoice") if draft["document_type"] == "credit_note" else None
    )
    if series is None:
        raise Unprocessable("No active document series for this document type; create one first.", code="no_series")
    return series["id"]


async def issue_locked(
    invoices: InvoiceService,
    company_id: str,
    draft: dict[str, Any],
    series_id: str,
    *,
    actor: str | None,
    event_action: str = "issued",
    parent_action: str = "refunded",
    **event_metadata: Any,
) -> str:
    """Issue ``draft`` (a checked draft row); call it inside :func:`core.db.engine.write_transaction`.

    Takes the next number of ``series_id``, builds the canonical document, renders and
    validates the XML (:class:`core.errors.ValidationFailed` on failure, which rolls the
    caller's transaction back), stores the XML, sets status ``issued`` (``refund`` when the
    draft has a parent, which becomes ``refunded``) and records the events ``event_action`` and
    ``parent_action`` with ``event_metadata``. Negative-total documents are settled at issue
    (objects.md §7.3). Returns the number.
    """
    company = await Company.select().where(Company.id == company_id).first().run()
    dialect = dialect_for_country(company["country"])
    invoice_id = draft["id"]
    lines = await invoices.lines(invoice_id)
    totals = stored_totals(lines)
    number, _ = await take_next(series_id)
    document = build_document(
        company=company,
        invoice=draft,
        lines=lines,
        totals=totals,
        number=number,
        issue_date=draft["issue_date"] or dt.date.today(),
    )
    try:
        artefact = providers.render(document, dialect)
    except ValueError as exc:
        raise ValidationFailed(str(exc), validation_failure("xml_generation", str(exc))) from None
    report = await validate_async(artefact.content, providers.validation_pipeline(dialect))
    contract = report.to_contract()
    if any(f.blocking for f in report.findings):
        raise ValidationFailed("The invoice fails the official e-invoice rules.", contract)
    result = "refund" if draft.get("parent") else "issued"
    now = dt.datetime.now(dt.timezone.utc)
    total = to_minor(totals.total)
    values = {
        Invoice.status: result,
        Invoice.number: number,
        Invoice.series: series_id,
        Invoice.subtotal: to_minor(totals.line_net_total),
        Invoice.vat_total: to_minor(totals.vat_total),
        Invoice.total: total,
        Invoice.document: document_json(document),
        Invoice.validation: contract,
        Invoice.issued_at: now,
        Invoice.updated_at: now,
    }
    if total < 0:
        values |= {Invoice.amount_paid: total, Invoice.paid_at: now}
    await Invoice.update(values).where(Invoice.id == invoice_id).run()
    await invoices.store.save(
        company_id=company_id,
        invoice_id=invoice_id,
        kind="xml",
        filename=artefact.filename,
        media_type=artefact.media_type,
        content=artefact.content,
        dialect=artefact.dialect,
    )
    await invoices.record_event(invoice_id, "draft", result, event_action, actor, number=number, **event_metadata)
    if draft.get("parent"):
        parent = await Invoice.select(Invoice.status).where(Invoice.id == draft["parent"]).first().run()
        await Invoice.update({Invoice.status: "refunded", Invoice.updated_at: now}).where(
            Invoice.id == draft["parent"]
        ).run()
        await invoices.record_event(
            draft["parent"],
            parent["status"],
            "refunded",
            parent_action,
            actor,
            refundNumber=number,
            refundId=invoice_id,
        )
    return number
