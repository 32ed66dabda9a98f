"""Tables of recurring invoice templates (objects.md §3.11). Owned by :mod:`core.recurring.service`.

Amounts are integers in minor units (:class:`Amount`); quantities and prices at 6 decimals
(:class:`Scaled`), as in :class:`core.invoicing.tables.InvoiceLine`. ``recurring_generations``
holds one row per (template, period) that produced a document: its unique index is what makes
generation exactly-once when several schedulers or workers race.
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import Amount, IdColumn, Scaled, Stamp
from core.ids import new_id
from core.invoicing.tables import DocumentSeries, Invoice, LineColumns
from core.masterdata.tables import Client
from core.proformas.tables import ProformaInvoice


class RecurringInvoice(Table, tablename="recurring_invoices"):
    """A template that generates an invoice, credit note or proforma on each issuance date.

    ``next_issuance_date`` is the period the next generation consumes; NULL once the schedule has
    ended (``once`` generated, or the next date falls after ``stop_date``). ``last_error`` and
    ``retry_at`` hold the last failed scheduled generation (the sweep waits until ``retry_at``).
    """

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    reference = Varchar(length=255, null=True, default=None)
    is_active = Boolean(default=True)
    document_type = Varchar(length=20, default="invoice")
    client = ForeignKey(Client, null=True, default=None)
    series = ForeignKey(DocumentSeries, null=True, default=None)
    currency = Varchar(length=3, default="RON")
    exchange_rate = Scaled(null=True, default=None)
    invoice_type_code = Varchar(length=40, null=True, default="standard")
    language = Varchar(length=2, default="ro")
    frequency = Varchar(length=20)
    frequency_day = Integer()
    frequency_month = Integer(null=True, default=None)
    next_issuance_date = Date(null=True, default=None)
    stop_date = Date(null=True, default=None)
    due_date_type = Varchar(length=20, null=True, default=None)
    due_date_days = Integer(null=True, default=None)
    due_date_fixed_day = Integer(null=True, default=None)
    notes = Text(null=True, default=None)
    payment_terms = Text(null=True, default=None)
    auto_email_enabled = Boolean(default=False)
    auto_email_time = Varchar(length=5, default="09:00")
    auto_email_day_offset = Integer(default=0)
    penalty_enabled = Boolean(default=False)
    penalty_percent_per_day = Amount(null=True, default=None)
    penalty_grace_days = Integer(null=True, default=None)
    subtotal = Amount(default=0)
    vat_total = Amount(default=0)
    total = Amount(default=0)
    discount = Amount(default=0)
    last_issued_at = Stamp(null=True, default=None)
    last_invoice = ForeignKey(Invoice, null=True, default=None)
    last_proforma = ForeignKey(ProformaInvoice, null=True, default=None)
    last_invoice_number = Varchar(length=100, null=True, default=None)
    last_document_type = Varchar(length=20, null=True, default=None)
    last_error = Text(null=True, default=None)
    retry_at = Stamp(null=True, default=None)
    idempotency_key = Varchar(length=100, null=True, default=None)
    idempotency_fingerprint = Varchar(length=64, null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class RecurringLine(LineColumns, Table, tablename="recurring_invoice_lines"):
    """A template line (columns: :class:`LineColumns`) plus the recurring-only pricing terms.

    ``reference_currency``: the unit price is in that currency and is converted into a RON
    document at generation; ``markup_percent`` raises the conversion rate (minor units of a
    percent); ``price_rule`` ``fixed`` keeps the unit price, ``updated_product`` takes the linked
    product's price at generation.
    """

    recurring_invoice = ForeignKey(RecurringInvoice)
    reference_currency = Varchar(length=3, null=True, default=None)
    markup_percent = Amount(null=True, default=None)
    price_rule = Varchar(length=20, default="fixed")
    product_name = Varchar(length=255, null=True, default=None)


class RecurringGeneration(Table, tablename="recurring_generations"):
    """One generated period of a template: (``recurring_invoice``, ``period_date``) is unique; the
    document it produced is ``invoice`` (invoices, credit notes) or ``proforma``."""

    id = IdColumn(primary_key=True, default=new_id)
    recurring_invoice = ForeignKey(RecurringInvoice)
    period_date = Date()
    invoice = ForeignKey(Invoice, null=True, default=None)
    proforma = ForeignKey(ProformaInvoice, null=True, default=None)
    created_at = Stamp()
