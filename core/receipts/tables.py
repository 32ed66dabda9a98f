"""Tables of receipts and their lines (objects.md §3.10). Owned by :mod:`core.receipts.service`.

Amounts (totals and the tender split) in minor units, quantities and prices at 6 decimals, as
:class:`core.invoicing.tables.InvoiceLine`. A refund receipt points at the receipt it refunds
(``refund_of``) and each of its lines at the refunded line (``source_line``), so the quantity
still refundable per line is the original minus what live refunds took (objects.md §7.6).
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Text, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import Amount, IdColumn, Scaled, Stamp
from core.ids import new_id
from core.invoicing.tables import DocumentSeries, Invoice, LineColumns
from core.masterdata.tables import Client


class Receipt(Table, tablename="receipts"):
    """A receipt: temporary ``BON-xxxxxxxx`` (refunds ``REFUND-xxxxxxxx``) number until issued (objects.md §6)."""

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
    issue_date = Date()
    notes = Text(null=True, default=None)
    mentions = Text(null=True, default=None)
    internal_note = Text(null=True, default=None)
    project_reference = Varchar(length=100, null=True, default=None)
    issuer_name = Varchar(length=255, null=True, default=None)
    issuer_id = Varchar(length=100, null=True, default=None)
    sales_agent = Varchar(length=255, null=True, default=None)
    payment_method = Varchar(length=30, null=True, default=None)
    cash_payment = Amount(null=True, default=None)
    card_payment = Amount(null=True, default=None)
    other_payment = Amount(null=True, default=None)
    cash_register_name = Varchar(length=100, null=True, default=None)
    fiscal_number = Varchar(length=100, null=True, default=None)
    customer_name = Varchar(length=255, null=True, default=None)
    customer_cif = Varchar(length=30, null=True, default=None)
    subtotal = Amount(default=0)
    vat_total = Amount(default=0)
    total = Amount(default=0)
    discount = Amount(default=0)
    converted_invoice = ForeignKey(Invoice, null=True, default=None)
    refund_of = ForeignKey("self", null=True, default=None)
    idempotency_key = Varchar(length=100, null=True, default=None)
    idempotency_fingerprint = Varchar(length=64, null=True, default=None)
    issued_at = Stamp(null=True, default=None)
    cancelled_at = Stamp(null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class ReceiptLine(LineColumns, Table, tablename="receipt_lines"):
    """A receipt line (columns: :class:`core.invoicing.tables.LineColumns`); ``source_line`` is the
    refunded line of the parent receipt on refund lines, else None."""

    receipt = ForeignKey(Receipt)
    source_line = Varchar(length=36, null=True, default=None)
