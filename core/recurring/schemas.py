"""Request bodies, rule checks and response bodies of the recurring-invoice endpoints (objects.md §3.11, §3.2).

Errors: a body that does not decode (wrong JSON types, a line without description, ``lines``
missing) is 400 like every other document body; a body that decodes but breaks a template rule
(:func:`check`: unknown frequency, day out of range, yearly without month, stop date before the
next issuance, no client, no rate for a reference-currency line...) is 422 shape A with ``field``.

Responses are msgspec Structs, so OpenAPI documents exactly what is sent: amounts are JSON
numbers written from the exact decimal (``msgspec.Raw`` tokens), dates ``YYYY-MM-DD``,
timestamps RFC 3339.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from core.api import json as j
from core.errors import BadRequest
from core.invoicing.responses import InvoiceLine
from core.invoicing.schemas import LANGUAGES, LineIn, line_json
from core.invoicing.series import format_number
from core.recurring.schedule import Rule, check_rule

__all__ = [
    "RecurringIn", "RecurringLineIn", "BulkToggleIn", "check", "rule_of",
    "RecurringLine", "RecurringRow", "Recurring", "RecurringPage", "IssuedInvoice", "IssueNowResult",
    "BulkDeleted", "BulkUpdated", "BulkIssued", "BulkError", "line_body", "row_body", "detail_body",
]

#: Document kinds a template generates (objects.md §3.11).
DOCUMENT_TYPES = ("invoice", "credit_note", "proforma")
DUE_DATE_TYPES = ("days", "fixed_day")
PRICE_RULES = ("fixed", "updated_product")

Number = j.Number
_NULL = msgspec.Raw(b"null")


# --- requests ---------------------------------------------------------------------------------


class RecurringLineIn(LineIn, rename="camel", kw_only=True):
    """A template line: an invoice line (objects.md §3.2) plus the recurring-only pricing terms.

    ``referenceCurrency``: ``unitPrice`` is in that currency and is converted into a RON document
    at generation with the template's ``exchangeRate`` raised by ``markupPercent`` percent;
    ``priceRule`` ``updated_product`` takes the linked product's price at each generation.
    """

    reference_currency: str | None = None
    markup_percent: Decimal | None = None
    price_rule: str = "fixed"
    product_name: str | None = None


class RecurringIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST``/``PUT /api/v1/recurring-invoices`` body (objects.md §3.11).

    ``nextIssuanceDate`` defaults to the first date of the rule on or after today; ``stopDate``
    is the last date that may still generate (inclusive). ``dueDateType`` ``days`` sets the due
    date ``dueDateDays`` after issue, ``fixed_day`` on day ``dueDateFixedDay`` of the issue month
    (the next month when that day has passed); without it the invoice default applies.
    """

    frequency: str
    frequency_day: int
    lines: list[RecurringLineIn]
    frequency_month: int | None = None
    reference: str | None = None
    is_active: bool = True
    document_type: str = "invoice"
    client_id: str | None = None
    document_series_id: str | None = None
    currency: str = "RON"
    exchange_rate: Decimal | None = None
    invoice_type_code: str | None = "standard"
    language: str = "ro"
    next_issuance_date: dt.date | None = None
    stop_date: dt.date | None = None
    due_date_type: str | None = None
    due_date_days: int | None = None
    due_date_fixed_day: int | None = None
    notes: str | None = None
    payment_terms: str | None = None
    auto_email_enabled: bool = False
    auto_email_time: str = "09:00"
    auto_email_day_offset: int = 0
    penalty_enabled: bool = False
    penalty_percent_per_day: Decimal | None = None
    penalty_grace_days: int | None = None
    idempotency_key: str | None = None


class BulkToggleIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST …/bulk-toggle-active`` body: ``ids`` (1–100) and ``isActive`` (absent: flip each)."""

    ids: list[str] = []
    is_active: bool | None = None


def rule_of(data: RecurringIn | dict[str, Any]) -> Rule:
    """The schedule :class:`Rule` of a request body or a stored template row."""
    if isinstance(data, RecurringIn):
        return Rule(data.frequency, data.frequency_day, data.frequency_month)
    return Rule(data["frequency"], data["frequency_day"], data.get("frequency_month"))


def _fail(field: str, message: str) -> BadRequest:
    return BadRequest(message, code="invalid_recurring_invoice", field=field)


def check(data: RecurringIn) -> None:
    """Raise :class:`core.errors.BadRequest` (400, ``field``) for the first broken template rule:
    invalid input, like the bodies of the other documents (objects.md §1 status usage)."""
    problems = check_rule(rule_of(data))
    if problems:
        raise _fail(*problems[0])
    if not data.lines:
        raise _fail("lines", "At least one line is required.")
    if not data.client_id:
        raise _fail("clientId", "clientId is required: generated invoices need a buyer (BG-7).")
    if data.document_type not in DOCUMENT_TYPES:
        raise _fail("documentType", f"documentType must be one of {', '.join(DOCUMENT_TYPES)}.")
    if len(data.currency) != 3 or not data.currency.isalpha():
        raise _fail("currency", "currency must be an ISO 4217 code.")
    data.currency = data.currency.upper()
    if data.language not in LANGUAGES:
        raise _fail("language", f"language must be one of {', '.join(LANGUAGES)}.")
    if data.exchange_rate is not None and (not data.exchange_rate.is_finite() or data.exchange_rate <= 0):
        raise _fail("exchangeRate", "exchangeRate must be > 0.")
    if data.currency != "RON" and data.exchange_rate is None:
        raise _fail("exchangeRate", "exchangeRate is required when currency is not RON (VAT is declared in RON).")
    if data.stop_date and data.next_issuance_date and data.stop_date < data.next_issuance_date:
        raise _fail("stopDate", "stopDate must not be before nextIssuanceDate.")
    if data.due_date_type is not None:
        if data.due_date_type not in DUE_DATE_TYPES:
            raise _fail("dueDateType", f"dueDateType must be one of {', '.join(DUE_DATE_TYPES)}.")
        if data.due_date_type == "days" and (data.due_date_days is None or not 0 <= data.due_date_days <= 365):
            raise _fail("dueDateDays", "dueDateDays (0–365) is required when dueDateType is days.")
        if data.due_date_type == "fixed_day" and (data.due_date_fixed_day is None or not 1 <= data.due_date_fixed_day <= 31):
            raise _fail("dueDateFixedDay", "dueDateFixedDay (1–31) is required when dueDateType is fixed_day.")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", data.auto_email_time):
        raise _fail("autoEmailTime", "autoEmailTime must be HH:MM.")
    if data.penalty_percent_per_day is not None and (not data.penalty_percent_per_day.is_finite() or not 0 <= data.penalty_percent_per_day <= 100):
        raise _fail("penaltyPercentPerDay", "penaltyPercentPerDay must be between 0 and 100.")
    for index, line in enumerate(data.lines):
        where = f"lines[{index}]"
        if line.price_rule not in PRICE_RULES:
            raise _fail(f"{where}.priceRule", f"priceRule must be one of {', '.join(PRICE_RULES)}.")
        if line.price_rule == "updated_product" and not line.product_id:
            raise _fail(f"{where}.productId", "priceRule updated_product needs a productId.")
        if line.markup_percent is not None and (not line.markup_percent.is_finite() or not -100 < line.markup_percent <= 1000):
            raise _fail(f"{where}.markupPercent", "markupPercent must be above -100 and at most 1000.")
        if line.reference_currency:
            if len(line.reference_currency) != 3 or not line.reference_currency.isalpha():
                raise _fail(f"{where}.referenceCurrency", "referenceCurrency must be an ISO 4217 code.")
            line.reference_currency = line.reference_currency.upper()
            if line.reference_currency != data.currency:
                if data.currency != "RON":
                    raise _fail(f"{where}.referenceCurrency", "Reference-currency prices are converted into RON documents only.")
                if data.exchange_rate is None:
                    raise _fail("exchangeRate", f"exchangeRate (RON per {line.reference_currency}) is required for reference-currency lines.")


# --- responses --------------------------------------------------------------------------------


class _Body(msgspec.Struct, rename="camel", kw_only=True):
    """camelCase response keys."""


class RecurringLine(InvoiceLine, kw_only=True):
    """A template line: the document line of objects.md §3.2 plus the recurring-only fields."""

    reference_currency: str | None
    markup_percent: j.NullableNumber
    price_rule: str
    product_name: str | None


class ClientRef(_Body):
    """The template's client: id, name and CUI."""

    id: str
    name: str | None
    cui: str | None


class SeriesRef(_Body):
    """The template's series: id, prefix and the number it would give next."""

    id: str
    prefix: str | None
    next_number: str | None


class RecurringRow(_Body):
    """A template in the list view (objects.md §3.11, fields marked L): ``subtotal``/``vatTotal``/
    ``total`` are the stored lines'; ``estimated*`` what the next generation would produce with
    today's prices, rates and VAT rules (§7.4)."""

    id: str
    reference: str | None
    is_active: bool
    document_type: str
    currency: str
    invoice_type_code: str | None
    client: ClientRef | None
    client_name: str | None
    frequency: str
    frequency_day: int
    frequency_month: int | None
    next_issuance_date: str | None
    stop_date: str | None
    last_issued_at: str | None
    last_invoice_number: str | None
    last_invoice_id: str | None
    last_document_type: str | None
    last_error: str | None
    subtotal: Number
    vat_total: Number
    total: Number
    estimated_subtotal: Number
    estimated_vat_total: Number
    estimated_total: Number


class Recurring(RecurringRow):
    """Template detail: the list fields plus series, due-date rule, texts, e-mail and penalty
    settings (stored; e-mail sending and penalties are not acted on yet) and the lines."""

    document_series: SeriesRef | None
    exchange_rate: j.NullableNumber
    language: str
    due_date_type: str | None
    due_date_days: int | None
    due_date_fixed_day: int | None
    notes: str | None
    payment_terms: str | None
    auto_email_enabled: bool
    auto_email_time: str
    auto_email_day_offset: int
    penalty_enabled: bool
    penalty_percent_per_day: j.NullableNumber
    penalty_grace_days: int | None
    lines: list[RecurringLine]


class RecurringPage(_Body):
    """The pagination envelope (objects.md §2, documented form)."""

    data: list[RecurringRow]
    total: int
    page: int
    limit: int
    pages: int


class IssuedInvoice(_Body):
    """The document a generation issued (an invoice or credit note, or a proforma that is already
    sent and accepted, objects.md §5.2): id, number, status, type, dates and total."""

    id: str
    number: str
    status: str
    document_type: str
    issue_date: str | None
    due_date: str | None
    currency: str
    total: Number


class IssueNowResult(_Body):
    """``POST …/{uuid}/issue-now``: the issued invoice and the template after its schedule advanced."""

    invoice: IssuedInvoice
    recurring_invoice: Recurring


class BulkError(_Body):
    """One id a bulk action could not apply, with the reason (objects.md §1 shape D)."""

    id: str
    error: str


class BulkDeleted(_Body):
    """``bulk-delete``: templates deleted, per-id errors."""

    deleted: int
    errors: list[BulkError]


class BulkUpdated(_Body):
    """``bulk-toggle-active``: templates updated, per-id errors."""

    updated: int
    errors: list[BulkError]


class BulkIssued(_Body):
    """``bulk-issue-now``: invoices issued, per-id errors."""

    issued: int
    errors: list[BulkError]


# --- serialisers --------------------------------------------------------------------------------


def _num(value: msgspec.Raw | None) -> msgspec.Raw:
    return _NULL if value is None else value


def line_body(row: dict[str, Any]) -> RecurringLine:
    """A stored template line as :class:`RecurringLine`."""
    extra = {
        "referenceCurrency": row.get("reference_currency"), "markupPercent": _num(j.amount(row.get("markup_percent"))),
        "priceRule": row.get("price_rule") or "fixed", "productName": row.get("product_name"),
    }
    return j.view(RecurringLine, {**line_json(row), **extra})


def _common(row: dict[str, Any], estimate: tuple[int, int, int]) -> dict[str, Any]:
    client = ClientRef(id=row["client"], name=row.get("client.name"), cui=row.get("client.cui")) if row.get("client") else None
    return dict(
        id=row["id"], reference=row.get("reference"), is_active=bool(row["is_active"]), document_type=row["document_type"],
        currency=row["currency"], invoice_type_code=row.get("invoice_type_code"), client=client, client_name=row.get("client.name"),
        frequency=row["frequency"], frequency_day=row["frequency_day"], frequency_month=row.get("frequency_month"),
        next_issuance_date=j.date(row.get("next_issuance_date")), stop_date=j.date(row.get("stop_date")),
        last_issued_at=j.stamp(row.get("last_issued_at")), last_invoice_number=row.get("last_invoice_number"),
        last_invoice_id=row.get("last_invoice") or row.get("last_proforma"), last_document_type=row.get("last_document_type"), last_error=row.get("last_error"),
        subtotal=j.amount(row["subtotal"]), vat_total=j.amount(row["vat_total"]), total=j.amount(row["total"]),
        estimated_subtotal=j.amount(estimate[0]), estimated_vat_total=j.amount(estimate[1]), estimated_total=j.amount(estimate[2]),
    )


def row_body(row: dict[str, Any], estimate: tuple[int, int, int]) -> RecurringRow:
    """A template row (joined with ``client.name``/``client.cui``) as :class:`RecurringRow`;
    ``estimate`` is (subtotal, VAT, total) in minor units."""
    return RecurringRow(**_common(row, estimate))


def detail_body(row: dict[str, Any], lines: list[dict[str, Any]], estimate: tuple[int, int, int]) -> Recurring:
    """A template row (joined with ``client.*`` and ``series.*``) and its lines as :class:`Recurring`."""
    series = None
    if row.get("series"):
        current = row.get("series.current_number")
        prefix = row.get("series.prefix")
        series = SeriesRef(id=row["series"], prefix=prefix, next_number=format_number(prefix, current + 1) if prefix is not None and current is not None else None)
    return Recurring(
        **_common(row, estimate),
        document_series=series, exchange_rate=_num(j.scaled(row.get("exchange_rate"))), language=row["language"],
        due_date_type=row.get("due_date_type"), due_date_days=row.get("due_date_days"), due_date_fixed_day=row.get("due_date_fixed_day"),
        notes=row.get("notes"), payment_terms=row.get("payment_terms"), auto_email_enabled=bool(row["auto_email_enabled"]),
        auto_email_time=row["auto_email_time"], auto_email_day_offset=row["auto_email_day_offset"],
        penalty_enabled=bool(row["penalty_enabled"]), penalty_percent_per_day=_num(j.amount(row.get("penalty_percent_per_day"))),
        penalty_grace_days=row.get("penalty_grace_days"), lines=[line_body(line) for line in lines],
    )


def issued_body(row: dict[str, Any]) -> IssuedInvoice:
    """A generated invoice or proforma row (with ``document_type``) as :class:`IssuedInvoice`."""
    return IssuedInvoice(
        id=row["id"], number=row["number"], status=row["status"], document_type=row["document_type"],
        issue_date=j.date(row.get("issue_date")), due_date=j.date(row.get("due_date")), currency=row["currency"], total=j.amount(row["total"]),
    )
