"""Stored artefacts (XML, signed ZIPs, PDFs) of documents. Owned by :mod:`core.documents.store`.

Content lives on disk under ``$STORNO_DATA_DIR/documents``, addressed by SHA-256; a row whose
file is gone answers 410 on download.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import IdColumn, Stamp
from core.ids import new_id
from core.invoicing.tables import Invoice


class StoredDocument(Table, tablename="stored_documents"):
    """One stored artefact: ``kind`` is ``xml`` (what we rendered or received), ``signed_zip``
    (the provider's signed original), ``error_report`` or ``pdf``."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    invoice = ForeignKey(Invoice, null=True, default=None)
    kind = Varchar(length=20)
    filename = Varchar(length=255)
    media_type = Varchar(length=100)
    sha256 = Varchar(length=64)
    size = Integer()
    dialect = Varchar(length=30, null=True, default=None)
    created_at = Stamp()


class PdfTemplateConfig(Table, tablename="pdf_template_configs"):
    """One company's PDF layout settings (``/api/v1/pdf-template-config``); owned by
    :mod:`core.documents.pdf_config`. ``logo`` is a ``data:image/…`` URI; ``logo_document`` a
    stored-document id the logo may instead come from."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    template = Varchar(length=20, default="classic")
    primary_color = Varchar(length=7, default="#1f3a93")
    accent_color = Varchar(length=7, default="#e8eef9")
    font = Varchar(length=30, default="dejavu-sans")
    show_logo = Boolean(default=True)
    show_bank_details = Boolean(default=True)
    show_notes = Boolean(default=True)
    footer_text = Text(null=True, default=None)
    logo = Text(null=True, default=None)
    logo_document = Varchar(length=36, null=True, default=None)
    updated_at = Stamp()


class InvoiceAttachment(Table, tablename="invoice_attachments"):
    """A supporting document uploaded to an invoice (EN 16931 BG-24 "Additional supporting
    documents"); the bytes are the stored document ``document`` (kind ``attachment``). Owned by
    :mod:`core.documents.attachments`."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    invoice = ForeignKey(Invoice)
    document = ForeignKey(StoredDocument)
    filename = Varchar(length=255)
    mime_type = Varchar(length=100)
    description = Text(null=True, default=None)
    size = Integer()
    created_at = Stamp()
