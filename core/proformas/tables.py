"""Tables of proforma invoices and their lines (objects.md §3.7). Owned by :mod:`core.proformas.service`.

Amounts are integers in minor units (:class:`Amount`); quantities and prices at 6 decimals
(:class:`Scaled`), exactly as :class:`core.invoicing.tables.InvoiceLine`.
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Text, Varchar
from piccolo.table import Table

from core.db.columns import Stamp
from core.invoicing.tables import DocumentHeaderColumns, LineColumns


class ProformaInvoice(DocumentHeaderColumns, Table, tablename="proforma_invoices"):
    """A proforma: numbered at creation when a series is given, else ``PRO-xxxxxxxx`` (objects.md §6).

    Header columns: :class:`core.invoicing.tables.DocumentHeaderColumns`; below, the proforma's own.
    """

    language = Varchar(length=2, default="ro")
    invoice_type_code = Varchar(length=40, null=True, default="standard")
    due_date = Date(null=True, default=None)
    valid_until = Date(null=True, default=None)
    payment_terms = Text(null=True, default=None)
    delivery_location = Text(null=True, default=None)
    order_number = Varchar(length=100, null=True, default=None)
    contract_number = Varchar(length=100, null=True, default=None)
    sent_at = Stamp(null=True, default=None)
    accepted_at = Stamp(null=True, default=None)
    rejected_at = Stamp(null=True, default=None)
    expired_at = Stamp(null=True, default=None)


class ProformaLine(LineColumns, Table, tablename="proforma_lines"):
    """A proforma line (columns: :class:`core.invoicing.tables.LineColumns`)."""

    proforma = ForeignKey(ProformaInvoice)
