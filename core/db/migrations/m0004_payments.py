"""Payments of invoices, and the invoice's payment method and cancellation columns, as raw SQL
for SQLite and PostgreSQL.

The table mirrors :class:`core.invoicing.tables.Payment` (objects.md §3.6): amounts are BIGINT
minor units, timestamps ``TIMESTAMPTZ`` on both engines.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payments; invoice payment method and cancellation"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "payments" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"invoice" VARCHAR(36) NOT NULL REFERENCES "invoices" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"company" VARCHAR(36) NOT NULL REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"amount" BIGINT NOT NULL, '
    '"currency" VARCHAR(3) NOT NULL DEFAULT \'RON\', '
    '"payment_date" DATE NOT NULL, '
    '"payment_method" VARCHAR(30) NOT NULL DEFAULT \'bank_transfer\', '
    '"reference" VARCHAR(255) NULL DEFAULT NULL, '
    '"notes" TEXT NULL DEFAULT NULL, '
    '"is_reconciled" BOOLEAN NOT NULL DEFAULT FALSE, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE INDEX IF NOT EXISTS payments_invoice_idx ON "payments" ("invoice")',
    'ALTER TABLE "invoices" ADD COLUMN "payment_method" VARCHAR(30) NULL DEFAULT NULL',
    'ALTER TABLE "invoices" ADD COLUMN "cancelled_at" TIMESTAMPTZ NULL DEFAULT NULL',
    'ALTER TABLE "invoices" ADD COLUMN "cancellation_reason" TEXT NULL DEFAULT NULL',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
