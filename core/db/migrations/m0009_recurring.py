"""Recurring invoice templates, their lines and their generated periods, as raw SQL for SQLite and PostgreSQL.

The tables mirror :mod:`core.recurring.tables` (objects.md §3.11). ``recurring_generations_uq``
on (template, period date) makes each period generate at most one document, whichever scheduler
or worker gets there first; ``recurring_invoices_idempotency_uq`` lets a replayed create find the
first template. ``recurring_invoices_due_idx`` serves the scheduler sweep (active, live
templates by next issuance date).
"""

from core.db.line_ddl import line_table
from core.db.raw_migration import raw_migration

ID = "2026-11-21T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "recurring invoice templates"

_FK = "ON DELETE CASCADE ON UPDATE CASCADE"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "recurring_invoices" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    f'"company" VARCHAR(36) NULL DEFAULT NULL REFERENCES "companies" ("id") {_FK}, '
    '"reference" VARCHAR(255) NULL DEFAULT NULL, '
    '"is_active" BOOLEAN NOT NULL DEFAULT TRUE, '
    '"document_type" VARCHAR(20) NOT NULL DEFAULT \'invoice\', '
    f'"client" VARCHAR(36) NULL DEFAULT NULL REFERENCES "clients" ("id") {_FK}, '
    f'"series" VARCHAR(36) NULL DEFAULT NULL REFERENCES "document_series" ("id") {_FK}, '
    '"currency" VARCHAR(3) NOT NULL DEFAULT \'RON\', '
    '"exchange_rate" BIGINT NULL DEFAULT NULL, '
    '"invoice_type_code" VARCHAR(40) NULL DEFAULT NULL, '
    '"language" VARCHAR(2) NOT NULL DEFAULT \'ro\', '
    '"frequency" VARCHAR(20) NOT NULL, '
    '"frequency_day" INTEGER NOT NULL, '
    '"frequency_month" INTEGER NULL DEFAULT NULL, '
    '"next_issuance_date" DATE NULL DEFAULT NULL, '
    '"stop_date" DATE NULL DEFAULT NULL, '
    '"due_date_type" VARCHAR(20) NULL DEFAULT NULL, '
    '"due_date_days" INTEGER NULL DEFAULT NULL, '
    '"due_date_fixed_day" INTEGER NULL DEFAULT NULL, '
    '"notes" TEXT NULL DEFAULT NULL, '
    '"payment_terms" TEXT NULL DEFAULT NULL, '
    '"auto_email_enabled" BOOLEAN NOT NULL DEFAULT FALSE, '
    '"auto_email_time" VARCHAR(5) NOT NULL DEFAULT \'09:00\', '
    '"auto_email_day_offset" INTEGER NOT NULL DEFAULT 0, '
    '"penalty_enabled" BOOLEAN NOT NULL DEFAULT FALSE, '
    '"penalty_percent_per_day" BIGINT NULL DEFAULT NULL, '
    '"penalty_grace_days" INTEGER NULL DEFAULT NULL, '
    '"subtotal" BIGINT NOT NULL DEFAULT 0, '
    '"vat_total" BIGINT NOT NULL DEFAULT 0, '
    '"total" BIGINT NOT NULL DEFAULT 0, '
    '"discount" BIGINT NOT NULL DEFAULT 0, '
    '"last_issued_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    f'"last_invoice" VARCHAR(36) NULL DEFAULT NULL REFERENCES "invoices" ("id") {_FK}, '
    f'"last_proforma" VARCHAR(36) NULL DEFAULT NULL REFERENCES "proforma_invoices" ("id") {_FK}, '
    '"last_invoice_number" VARCHAR(100) NULL DEFAULT NULL, '
    '"last_document_type" VARCHAR(20) NULL DEFAULT NULL, '
    '"last_error" TEXT NULL DEFAULT NULL, '
    '"retry_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"idempotency_key" VARCHAR(100) NULL DEFAULT NULL, '
    '"idempotency_fingerprint" VARCHAR(64) NULL DEFAULT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL, '
    '"deleted_at" TIMESTAMPTZ NULL DEFAULT NULL)',
    line_table(
        "recurring_invoice_lines",
        "recurring_invoice",
        "recurring_invoices",
        [
            '"reference_currency" VARCHAR(3) NULL DEFAULT NULL',
            '"markup_percent" BIGINT NULL DEFAULT NULL',
            "\"price_rule\" VARCHAR(20) NOT NULL DEFAULT 'fixed'",
            '"product_name" VARCHAR(255) NULL DEFAULT NULL',
        ],
    ),
    'CREATE TABLE IF NOT EXISTS "recurring_generations" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    f'"recurring_invoice" VARCHAR(36) NULL DEFAULT NULL REFERENCES "recurring_invoices" ("id") {_FK}, '
    '"period_date" DATE NOT NULL, '
    f'"invoice" VARCHAR(36) NULL DEFAULT NULL REFERENCES "invoices" ("id") {_FK}, '
    f'"proforma" VARCHAR(36) NULL DEFAULT NULL REFERENCES "proforma_invoices" ("id") {_FK}, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS recurring_generations_uq ON "recurring_generations" ("recurring_invoice", "period_date")',
    'CREATE UNIQUE INDEX IF NOT EXISTS recurring_invoices_idempotency_uq ON "recurring_invoices" ("company", "idempotency_key")',
    'CREATE INDEX IF NOT EXISTS recurring_invoices_company_idx ON "recurring_invoices" ("company", "next_issuance_date")',
    'CREATE INDEX IF NOT EXISTS recurring_invoices_due_idx ON "recurring_invoices" ("next_issuance_date") '
    'WHERE "is_active" = TRUE AND "deleted_at" IS NULL',
    'CREATE INDEX IF NOT EXISTS recurring_invoice_lines_template_idx ON "recurring_invoice_lines" ("recurring_invoice")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
