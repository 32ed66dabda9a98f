"""Tables of documents: numbering series, invoices (and credit notes), their lines and events.

Owned by :mod:`core.invoicing.service`. Amounts are integers in minor units (:class:`Amount`),
quantities and prices at 6 decimals (:class:`Scaled`); see :mod:`core.money`.
"""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import Amount, IdColumn, Scaled, Stamp
from core.ids import new_id
from core.masterdata.tables import Client, Product, Supplier


class DocumentSeries(Table, tablename="document_series"):
    """A numbering series: ``prefix`` + ``current_number`` (the last number used).

    Issuing locks this row in the issuing transaction, so numbers are unique and gap-free.
    """

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    prefix = Varchar(length=50)
    current_number = Integer(default=0)
    type = Varchar(length=20, default="invoice")
    active = Boolean(default=True)
    is_default = Boolean(default=False)
    source = Varchar(length=20, default="manual")
    created_at = Stamp()


class Invoice(Table, tablename="invoices"):
    """An invoice or credit note, outgoing or incoming (``documentType``, ``direction`` in the API).

    ``document`` is the frozen canonical EN 16931 document (msgspec JSON of
    :class:`core.model.Invoice`), written at issue for outgoing documents and at import for
    incoming ones; issued documents never change.
    """

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    direction = Varchar(length=10, default="outgoing")
    document_type = Varchar(length=20, default="invoice")
    status = Varchar(length=20, default="draft")
    number = Varchar(length=100)
    series = ForeignKey(DocumentSeries, null=True, default=None)
    client = ForeignKey(Client, null=True, default=None)
    supplier = ForeignKey(Supplier, null=True, default=None)
    sender_cif = Varchar(length=30, null=True, default=None)
    sender_name = Varchar(length=255, null=True, default=None)
    receiver_cif = Varchar(length=30, null=True, default=None)
    receiver_name = Varchar(length=255, null=True, default=None)
    currency = Varchar(length=3, default="RON")
    exchange_rate = Scaled(null=True, default=None)
    invoice_type_code = Varchar(length=40, null=True, default="standard")
    issue_date = Date()
    due_date = Date(null=True, default=None)
    notes = Text(null=True, default=None)
    payment_terms = Text(null=True, default=None)
    language = Varchar(length=2, default="ro")
    order_number = Varchar(length=100, null=True, default=None)
    contract_number = Varchar(length=100, null=True, default=None)
    buyer_reference = Varchar(length=100, null=True, default=None)
    subtotal = Amount(default=0)
    vat_total = Amount(default=0)
    total = Amount(default=0)
    discount = Amount(default=0)
    amount_paid = Amount(default=0)
    paid_at = Stamp(null=True, default=None)
    payment_method = Varchar(length=30, null=True, default=None)
    cancelled_at = Stamp(null=True, default=None)
    cancellation_reason = Text(null=True, default=None)
    parent = ForeignKey("self", null=True, default=None)
    parent_number = Varchar(length=100, null=True, default=None)
    parent_date = Date(null=True, default=None)
    buyer_snapshot = JSON(null=True, default=None)
    document = JSON(null=True, default=None)
    validation = JSON(null=True, default=None)
    anaf_upload_id = Varchar(length=30, null=True, default=None)
    anaf_download_id = Varchar(length=30, null=True, default=None)
    anaf_message_id = Varchar(length=30, null=True, default=None)
    anaf_status = Varchar(length=30, null=True, default=None)
    anaf_error_message = Text(null=True, default=None)
    synced_at = Stamp(null=True, default=None)
    signature_valid = Boolean(null=True, default=None)  # last check of the provider's signature (m0010)
    signature_checked_at = Stamp(null=True, default=None)
    idempotency_key = Varchar(length=100, null=True, default=None)
    idempotency_fingerprint = Varchar(length=64, null=True, default=None)
    issued_at = Stamp(null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class LineColumns:
    """The columns of a document line (BG-25), shared by invoices, proformas and delivery notes.

    ``line_total`` is the net amount (BT-131); ``discount`` an absolute line allowance (BG-27) in
    the document currency. Each line table adds the foreign key to its document.
    """

    id = IdColumn(primary_key=True, default=new_id)
    position = Integer()
    description = Varchar(length=500)
    quantity = Scaled()
    unit_of_measure = Varchar(length=20, default="buc")
    unit_code = Varchar(length=3, default="H87")
    unit_price = Scaled()
    vat_rate = Amount(default=2100)
    vat_category_code = Varchar(length=3, default="S")
    vat_exemption_reason = Varchar(length=255, null=True, default=None)
    vat_amount = Amount(default=0)
    line_total = Amount(default=0)
    discount = Amount(default=0)
    product = ForeignKey(Product, null=True, default=None)
    product_code = Varchar(length=50, null=True, default=None)
    line_note = Varchar(length=500, null=True, default=None)


class DocumentHeaderColumns:
    """The header columns shared by proformas, delivery notes and receipts (objects.md §3.7, §3.9,
    §3.10): the documents that are numbered from a series and may be converted into an invoice.

    ``client_name`` is the buyer's name as entered (BT-44) when no client is linked; totals are
    minor units (BT-109, BT-110, BT-112, document-level allowance BT-107), ``exchange_rate`` at 6
    decimals. Each table adds its own columns; piccolo lists these first in ``_meta.columns``.
    The database columns are created by the raw-SQL migrations (m0006, m0008), not from here.
    """

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
    notes = Text(null=True, default=None)
    mentions = Text(null=True, default=None)
    internal_note = Text(null=True, default=None)
    project_reference = Varchar(length=100, null=True, default=None)
    issuer_name = Varchar(length=255, null=True, default=None)
    issuer_id = Varchar(length=100, null=True, default=None)
    sales_agent = Varchar(length=255, null=True, default=None)
    subtotal = Amount(default=0)
    vat_total = Amount(default=0)
    total = Amount(default=0)
    discount = Amount(default=0)
    converted_invoice = ForeignKey(Invoice, null=True, default=None)
    cancelled_at = Stamp(null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class InvoiceLine(LineColumns, Table, tablename="invoice_lines"):
    """An invoice or credit-note line (columns: :class:`LineColumns`)."""

    invoice = ForeignKey(Invoice)


class DocumentEvent(Table, tablename="document_events"):
    """A status change or action on a document (``GET /invoices/{id}/events``)."""

    id = IdColumn(primary_key=True, default=new_id)
    invoice = ForeignKey(Invoice)
    previous_status = Varchar(length=20, null=True, default=None)
    new_status = Varchar(length=20, null=True, default=None)
    action = Varchar(length=40)
    metadata = JSON(default={})
    created_by = Varchar(length=255, null=True, default=None)
    created_at = Stamp()


class Payment(Table, tablename="payments"):
    """A payment recorded against an invoice (objects.md §3.6); ``amount`` in minor units, > 0.

    Owned by :mod:`core.invoicing.payments`, which keeps the invoice's ``amount_paid``,
    ``paid_at`` and ``payment_method`` in step.
    """

    id = IdColumn(primary_key=True, default=new_id)
    invoice = ForeignKey(Invoice)
    company = ForeignKey(Company)
    amount = Amount()
    currency = Varchar(length=3, default="RON")
    payment_date = Date()
    payment_method = Varchar(length=30, default="bank_transfer")
    reference = Varchar(length=255, null=True, default=None)
    notes = Text(null=True, default=None)
    is_reconciled = Boolean(default=False)
    created_at = Stamp()
