"""Tables of receipts and their lines (objects.md §3.10). Owned by :mod:`core.receipts.service`.

Amounts (totals and the tender split) in minor units, quantities and prices at 6 decimals, as
:class:`core.invoicing.tables.InvoiceLine`. A refund receipt points at the receipt it refunds
(``refund_of``) and each of its lines at the refunded line (``source_line``), so the quantity
still refundable per line is the original minus what live refunds took (objects.md §7.6).
"""

from __future__ import annotations

from piccolo.columns import ForeignKey, Varchar
from piccolo.table import Table

from core.db.columns import Amount, Stamp
from core.invoicing.tables import DocumentHeaderColumns, LineColumns


class Receipt(DocumentHeaderColumns, Table, tablename="receipts"):
    """A receipt: temporary ``BON-xxxxxxxx`` (refunds ``REFUND-xxxxxxxx``) number until issued (objects.md §6).

    Header columns: :class:`core.invoicing.tables.DocumentHeaderColumns`; below, the receipt's own.
    """

    language = Varchar(length=2, default="ro")
    payment_method = Varchar(length=30, null=True, default=None)
    cash_payment = Amount(null=True, default=None)
    card_payment = Amount(null=True, default=None)
    other_payment = Amount(null=True, default=None)
    cash_register_name = Varchar(length=100, null=True, default=None)
    fiscal_number = Varchar(length=100, null=True, default=None)
    customer_name = Varchar(length=255, null=True, default=None)
    customer_cif = Varchar(length=30, null=True, default=None)
    refund_of = ForeignKey("self", null=True, default=None)
    idempotency_key = Varchar(length=100, null=True, default=None)
    idempotency_fingerprint = Varchar(length=64, null=True, default=None)
    issued_at = Stamp(null=True, default=None)


class ReceiptLine(LineColumns, Table, tablename="receipt_lines"):
    """A receipt line (columns: :class:`core.invoicing.tables.LineColumns`); ``source_line`` is the
    refunded line of the parent receipt on refund lines, else None."""

    receipt = ForeignKey(Receipt)
    source_line = Varchar(length=36, null=True, default=None)
