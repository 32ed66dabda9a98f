"""Tables of proforma invoices and their lines (objects.md §3.7). Owned by :mod:`core.proformas.service`.

Amounts are integers in minor units (:class:`Amount`); quantities and prices at 6 decimals
(:class:`Scaled`), exactly as :class:`core.invoicing.tables.InvoiceLine`.
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Text, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import Amount, IdColumn, Scaled, Stamp
from core.ids import new_id
from core.invoicing.tables import DocumentSeries, Invoice, LineColumns
from core.masterdata.tables import Client


class ProformaInvoice(Table, tablename="proforma_invoices"):
    """A proforma: numbered at creation when a series is given, else ``PRO-xxxxxxxx`` (objects.md §6)."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    status = Varchar(length=20, default="draft")
    number = Varchar(length=100)
    series = ForeignKey(DocumentSeries, null=True, default=None)
    client = ForeignKey(Client, null=True, default=None)
    client_name = Varchar(length=255, null=True, default=None)
    currency = Varchar(length=3, default="RON")
    exchange_rate = Scaled(null=True, default=None)
    language = Varchar(length=2, default="ro")
    invoice_type_code = Varchar(length=40, null=True, default="standard")
    issue_date = Date()
    due_date = Date(null=True, default=None)
    valid_until = Date(null=True, default=None)
    notes = Text(null=True, default=None)
    payment_terms = Text(null=True, default=None)
    delivery_location = Text(null=True, default=None)
    project_reference = Varchar(length=100, null=True, default=None)
    order_number = Varchar(length=100, null=True, default=None)
    contract_number = Varchar(length=100, null=True, default=None)
    issuer_name = Varchar(length=255, null=True, default=None)
    issuer_id = Varchar(length=100, null=True, default=None)
    mentions = Text(null=True, default=None)
    internal_note = Text(null=True, default=None)
    sales_agent = Varchar(length=255, null=True, default=None)
    subtotal = Amount(default=0)
    vat_total = Amount(default=0)
    total = Amount(default=0)
    discount = Amount(default=0)
    converted_invoice = ForeignKey(Invoice, null=True, default=None)
    sent_at = Stamp(null=True, default=None)
    accepted_at = Stamp(null=True, default=None)
    rejected_at = Stamp(null=True, default=None)
    cancelled_at = Stamp(null=True, default=None)
    expired_at = Stamp(null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class ProformaLine(LineColumns, Table, tablename="proforma_lines"):
    """A proforma line (columns: :class:`core.invoicing.tables.LineColumns`)."""

    proforma = ForeignKey(ProformaInvoice)
