"""Invoice attachments, the result of the ANAF signature check, and suppliers' contact fields, as raw SQL.

``invoice_attachments`` mirrors :class:`core.invoicing.tables.InvoiceAttachment`: one uploaded
supporting document (EN 16931 BG-24) of an invoice; the bytes live in the content-addressed
document store (``stored_documents`` row, kind ``attachment``). ``invoices.signature_valid`` and
``signature_checked_at`` keep the last check of the provider's signature
(``POST /api/v1/invoices/{id}/verify-signature``). Suppliers gain the editable fields of
``PATCH /api/v1/suppliers/{id}`` (postal code, phone, bank name, notes).
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "invoice attachments; signature check result; supplier contact fields"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "invoice_attachments" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"company" VARCHAR(36) NOT NULL REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"invoice" VARCHAR(36) NOT NULL REFERENCES "invoices" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"document" VARCHAR(36) NOT NULL REFERENCES "stored_documents" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"filename" VARCHAR(255) NOT NULL, '
    '"mime_type" VARCHAR(100) NOT NULL, '
    '"description" TEXT NULL, '
    '"size" INTEGER NOT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE INDEX IF NOT EXISTS invoice_attachments_invoice_idx ON "invoice_attachments" ("invoice", "created_at")',
    'ALTER TABLE "invoices" ADD COLUMN "signature_valid" BOOLEAN NULL',
    'ALTER TABLE "invoices" ADD COLUMN "signature_checked_at" TIMESTAMPTZ NULL',
    'ALTER TABLE "suppliers" ADD COLUMN "postal_code" VARCHAR(20) NULL',
    'ALTER TABLE "suppliers" ADD COLUMN "phone" VARCHAR(50) NULL',
    'ALTER TABLE "suppliers" ADD COLUMN "bank_name" VARCHAR(100) NULL',
    'ALTER TABLE "suppliers" ADD COLUMN "notes" TEXT NULL',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
