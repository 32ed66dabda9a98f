"""Proforma invoices and delivery notes with their lines, as raw SQL for SQLite and PostgreSQL.

The tables mirror :mod:`core.proformas.tables` and :mod:`core.delivery_notes.tables`
(objects.md §3.7, §3.9): VARCHAR(36) ids, BIGINT amounts in minor units (quantities and prices
at 6 decimals), TIMESTAMPTZ stamps. The e-Transport columns of delivery notes carry no behaviour yet.
"""

from core.db.line_ddl import line_table
from core.db.raw_migration import raw_migration

ID = "2026-11-21T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "proforma invoices and delivery notes"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "proforma_invoices" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"company" VARCHAR(36) NULL DEFAULT NULL REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"status" VARCHAR(20) NOT NULL DEFAULT \'draft\', '
    '"number" VARCHAR(100) NOT NULL, '
    '"series" VARCHAR(36) NULL DEFAULT NULL REFERENCES "document_series" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"client" VARCHAR(36) NULL DEFAULT NULL REFERENCES "clients" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"client_name" VARCHAR(255) NULL DEFAULT NULL, '
    '"currency" VARCHAR(3) NOT NULL DEFAULT \'RON\', '
    '"exchange_rate" BIGINT NULL DEFAULT NULL, '
    '"language" VARCHAR(2) NOT NULL DEFAULT \'ro\', '
    '"invoice_type_code" VARCHAR(40) NULL DEFAULT NULL, '
    '"issue_date" DATE NOT NULL, '
    '"due_date" DATE NULL DEFAULT NULL, '
    '"valid_until" DATE NULL DEFAULT NULL, '
    '"notes" TEXT NULL DEFAULT NULL, '
    '"payment_terms" TEXT NULL DEFAULT NULL, '
    '"delivery_location" TEXT NULL DEFAULT NULL, '
    '"project_reference" VARCHAR(100) NULL DEFAULT NULL, '
    '"order_number" VARCHAR(100) NULL DEFAULT NULL, '
    '"contract_number" VARCHAR(100) NULL DEFAULT NULL, '
    '"issuer_name" VARCHAR(255) NULL DEFAULT NULL, '
    '"issuer_id" VARCHAR(100) NULL DEFAULT NULL, '
    '"mentions" TEXT NULL DEFAULT NULL, '
    '"internal_note" TEXT NULL DEFAULT NULL, '
    '"sales_agent" VARCHAR(255) NULL DEFAULT NULL, '
    '"subtotal" BIGINT NOT NULL DEFAULT 0, '
    '"vat_total" BIGINT NOT NULL DEFAULT 0, '
    '"total" BIGINT NOT NULL DEFAULT 0, '
    '"discount" BIGINT NOT NULL DEFAULT 0, '
    '"converted_invoice" VARCHAR(36) NULL DEFAULT NULL REFERENCES "invoices" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"sent_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"accepted_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"rejected_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"cancelled_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"expired_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL, '
    '"deleted_at" TIMESTAMPTZ NULL DEFAULT NULL)',
    line_table("proforma_lines", "proforma", "proforma_invoices"),
    'CREATE TABLE IF NOT EXISTS "delivery_notes" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"company" VARCHAR(36) NULL DEFAULT NULL REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"status" VARCHAR(20) NOT NULL DEFAULT \'draft\', '
    '"number" VARCHAR(100) NOT NULL, '
    '"series" VARCHAR(36) NULL DEFAULT NULL REFERENCES "document_series" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"client" VARCHAR(36) NULL DEFAULT NULL REFERENCES "clients" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"client_name" VARCHAR(255) NULL DEFAULT NULL, '
    '"currency" VARCHAR(3) NOT NULL DEFAULT \'RON\', '
    '"exchange_rate" BIGINT NULL DEFAULT NULL, '
    '"issue_date" DATE NOT NULL, '
    '"due_date" DATE NULL DEFAULT NULL, '
    '"notes" TEXT NULL DEFAULT NULL, '
    '"mentions" TEXT NULL DEFAULT NULL, '
    '"internal_note" TEXT NULL DEFAULT NULL, '
    '"delivery_location" TEXT NULL DEFAULT NULL, '
    '"project_reference" VARCHAR(100) NULL DEFAULT NULL, '
    '"issuer_name" VARCHAR(255) NULL DEFAULT NULL, '
    '"issuer_id" VARCHAR(100) NULL DEFAULT NULL, '
    '"sales_agent" VARCHAR(255) NULL DEFAULT NULL, '
    '"deputy_name" VARCHAR(255) NULL DEFAULT NULL, '
    '"deputy_identity_card" VARCHAR(100) NULL DEFAULT NULL, '
    '"deputy_auto" VARCHAR(100) NULL DEFAULT NULL, '
    '"subtotal" BIGINT NOT NULL DEFAULT 0, '
    '"vat_total" BIGINT NOT NULL DEFAULT 0, '
    '"total" BIGINT NOT NULL DEFAULT 0, '
    '"discount" BIGINT NOT NULL DEFAULT 0, '
    '"converted_invoice" VARCHAR(36) NULL DEFAULT NULL REFERENCES "invoices" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"skip_etransport" BOOLEAN NOT NULL DEFAULT FALSE, '
    '"etransport_operation_type" INTEGER NULL DEFAULT NULL, '
    '"etransport_vehicle_number" VARCHAR(20) NULL DEFAULT NULL, '
    '"etransport_transport_date" DATE NULL DEFAULT NULL, '
    '"etransport_uit" VARCHAR(16) NULL DEFAULT NULL, '
    '"etransport_status" VARCHAR(20) NULL DEFAULT NULL, '
    '"etransport_error_message" TEXT NULL DEFAULT NULL, '
    '"etransport_submitted_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"issued_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"cancelled_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL, '
    '"deleted_at" TIMESTAMPTZ NULL DEFAULT NULL)',
    line_table("delivery_note_lines", "delivery_note", "delivery_notes"),
    'CREATE INDEX IF NOT EXISTS proforma_invoices_company_idx ON "proforma_invoices" ("company", "issue_date")',
    'CREATE INDEX IF NOT EXISTS proforma_lines_proforma_idx ON "proforma_lines" ("proforma")',
    'CREATE INDEX IF NOT EXISTS delivery_notes_company_idx ON "delivery_notes" ("company", "issue_date")',
    'CREATE INDEX IF NOT EXISTS delivery_note_lines_note_idx ON "delivery_note_lines" ("delivery_note")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
