"""Tables of delivery notes and their lines (objects.md §3.9). Owned by :mod:`core.delivery_notes.service`.

Amounts in minor units, quantities and prices at 6 decimals (as :class:`core.invoicing.tables.InvoiceLine`).
The e-Transport columns are stored without behaviour (submission is an extended feature).
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import Amount, IdColumn, Scaled, Stamp
from core.ids import new_id
from core.invoicing.tables import DocumentSeries, Invoice, LineColumns
from core.masterdata.tables import Client


class DeliveryNote(Table, tablename="delivery_notes"):
    """A delivery note: temporary ``AVIZ-xxxxxxxx`` number until issued (objects.md §6)."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    status = Varchar(length=20, default="draft")
    number = Varchar(length=100)
    series = ForeignKey(DocumentSeries, null=True, default=None)
    client = ForeignKey(Client, null=True, default=None)
    client_name = Varchar(length=255, null=True, default=None)
    currency = Varchar(length=3, default="RON")
    exchange_rate = Scaled(null=True, default=None)
    issue_date = Date()
    due_date = Date(null=True, default=None)
    notes = Text(null=True, default=None)
    mentions = Text(null=True, default=None)
    internal_note = Text(null=True, default=None)
    delivery_location = Text(null=True, default=None)
    project_reference = Varchar(length=100, null=True, default=None)
    issuer_name = Varchar(length=255, null=True, default=None)
    issuer_id = Varchar(length=100, null=True, default=None)
    sales_agent = Varchar(length=255, null=True, default=None)
    deputy_name = Varchar(length=255, null=True, default=None)
    deputy_identity_card = Varchar(length=100, null=True, default=None)
    deputy_auto = Varchar(length=100, null=True, default=None)
    subtotal = Amount(default=0)
    vat_total = Amount(default=0)
    total = Amount(default=0)
    discount = Amount(default=0)
    converted_invoice = ForeignKey(Invoice, null=True, default=None)
    skip_etransport = Boolean(default=False)
    etransport_operation_type = Integer(null=True, default=None)
    etransport_vehicle_number = Varchar(length=20, null=True, default=None)
    etransport_transport_date = Date(null=True, default=None)
    etransport_uit = Varchar(length=16, null=True, default=None)
    etransport_status = Varchar(length=20, null=True, default=None)
    etransport_error_message = Text(null=True, default=None)
    etransport_submitted_at = Stamp(null=True, default=None)
    issued_at = Stamp(null=True, default=None)
    cancelled_at = Stamp(null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class DeliveryNoteLine(LineColumns, Table, tablename="delivery_note_lines"):
    """A delivery-note line (columns: :class:`core.invoicing.tables.LineColumns`)."""

    delivery_note = ForeignKey(DeliveryNote)
