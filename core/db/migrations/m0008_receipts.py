"""Receipts (bonuri fiscale) and their lines, as raw SQL for SQLite and PostgreSQL.

The tables mirror :mod:`core.receipts.tables` (objects.md §3.10): VARCHAR(36) ids, BIGINT amounts
in minor units (quantities and prices at 6 decimals), TIMESTAMPTZ stamps. Unique indexes: a
number once per company among live receipts (series numbers are gap-free and never reused, the
temporary ``BON-``/``REFUND-`` numbers carry 8 hex digits of the id), and an idempotency key
once per company (objects.md §3.10 "Create honours Idempotency-Key").
"""

from core.db.line_ddl import line_table
from core.db.raw_migration import raw_migration

ID = "2026-11-21T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "receipts"

LIVE = 'WHERE "deleted_at" IS NULL'

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "receipts" ('
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
    '"issue_date" DATE NOT NULL, '
    '"notes" TEXT NULL DEFAULT NULL, '
    '"mentions" TEXT NULL DEFAULT NULL, '
    '"internal_note" TEXT NULL DEFAULT NULL, '
    '"project_reference" VARCHAR(100) NULL DEFAULT NULL, '
    '"issuer_name" VARCHAR(255) NULL DEFAULT NULL, '
    '"issuer_id" VARCHAR(100) NULL DEFAULT NULL, '
    '"sales_agent" VARCHAR(255) NULL DEFAULT NULL, '
    '"payment_method" VARCHAR(30) NULL DEFAULT NULL, '
    '"cash_payment" BIGINT NULL DEFAULT NULL, '
    '"card_payment" BIGINT NULL DEFAULT NULL, '
    '"other_payment" BIGINT NULL DEFAULT NULL, '
    '"cash_register_name" VARCHAR(100) NULL DEFAULT NULL, '
    '"fiscal_number" VARCHAR(100) NULL DEFAULT NULL, '
    '"customer_name" VARCHAR(255) NULL DEFAULT NULL, '
    '"customer_cif" VARCHAR(30) NULL DEFAULT NULL, '
    '"subtotal" BIGINT NOT NULL DEFAULT 0, '
    '"vat_total" BIGINT NOT NULL DEFAULT 0, '
    '"total" BIGINT NOT NULL DEFAULT 0, '
    '"discount" BIGINT NOT NULL DEFAULT 0, '
    '"converted_invoice" VARCHAR(36) NULL DEFAULT NULL REFERENCES "invoices" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"refund_of" VARCHAR(36) NULL DEFAULT NULL REFERENCES "receipts" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"idempotency_key" VARCHAR(100) NULL DEFAULT NULL, '
    '"idempotency_fingerprint" VARCHAR(64) NULL DEFAULT NULL, '
    '"issued_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"cancelled_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL, '
    '"deleted_at" TIMESTAMPTZ NULL DEFAULT NULL)',
    line_table("receipt_lines", "receipt", "receipts", ['"source_line" VARCHAR(36) NULL DEFAULT NULL']),
    f'CREATE UNIQUE INDEX IF NOT EXISTS receipts_number_uq ON "receipts" ("company", "number") {LIVE}',
    'CREATE UNIQUE INDEX IF NOT EXISTS receipts_idempotency_uq ON "receipts" ("company", "idempotency_key")',
    f'CREATE INDEX IF NOT EXISTS receipts_live_issue_idx ON "receipts" ("company", "issue_date", "id") {LIVE}',
    'CREATE INDEX IF NOT EXISTS receipts_refund_of_idx ON "receipts" ("refund_of")',
    'CREATE INDEX IF NOT EXISTS receipt_lines_receipt_idx ON "receipt_lines" ("receipt", "position")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
