"""Tables of delivery notes and their lines (objects.md §3.9). Owned by :mod:`core.delivery_notes.service`.

Amounts in minor units, quantities and prices at 6 decimals (as :class:`core.invoicing.tables.InvoiceLine`).
The e-Transport columns are stored without behaviour (submission is an extended feature).
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Varchar
from piccolo.table import Table

from core.db.columns import Stamp
from core.invoicing.tables import DocumentHeaderColumns, LineColumns


class DeliveryNote(DocumentHeaderColumns, Table, tablename="delivery_notes"):
    """A delivery note: temporary ``AVIZ-xxxxxxxx`` number until issued (objects.md §6).

    Header columns: :class:`core.invoicing.tables.DocumentHeaderColumns`; below, the delivery note's own.
    """

    due_date = Date(null=True, default=None)
    delivery_location = Text(null=True, default=None)
    deputy_name = Varchar(length=255, null=True, default=None)
    deputy_identity_card = Varchar(length=100, null=True, default=None)
    deputy_auto = Varchar(length=100, null=True, default=None)
    skip_etransport = Boolean(default=False)
    etransport_operation_type = Integer(null=True, default=None)
    etransport_vehicle_number = Varchar(length=20, null=True, default=None)
    etransport_transport_date = Date(null=True, default=None)
    etransport_uit = Varchar(length=16, null=True, default=None)
    etransport_status = Varchar(length=20, null=True, default=None)
    etransport_error_message = Text(null=True, default=None)
    etransport_submitted_at = Stamp(null=True, default=None)
    issued_at = Stamp(null=True, default=None)


class DeliveryNoteLine(LineColumns, Table, tablename="delivery_note_lines"):
    """A delivery-note line (columns: :class:`core.invoicing.tables.LineColumns`)."""

    delivery_note = ForeignKey(DeliveryNote)
