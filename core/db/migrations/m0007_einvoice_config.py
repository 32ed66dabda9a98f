"""Per-company e-invoice provider configuration, and list indexes on invoices, as raw SQL.

``einvoice_configs`` mirrors :class:`core.einvoice.tables.EInvoiceConfig` (one row per company
and provider; credentials as plain JSON until encryption at rest lands).

The invoice indexes serve ``GET /api/v1/invoices`` (bench/invoice_list.py measures it): every
list query filters ``company`` and ``deleted_at IS NULL``, often ``status`` or ``direction``, and
sorts by issue date (default) or total, then id. The indexes are partial on live rows, so the
page query reads 20 index entries in order and the count of a filter can be an index-only scan.
Text search (``ILIKE '%…%'`` over number, names and CIFs) cannot use a B-tree: on PostgreSQL a
trigram GIN index serves it when the ``pg_trgm`` extension can be created (skipped with a notice
otherwise, so start-up never fails for lack of privileges); SQLite scans.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "e-invoice provider configuration; invoice list indexes"

LIVE = 'WHERE "deleted_at" IS NULL'

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "einvoice_configs" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"company" VARCHAR(36) NOT NULL REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"provider" VARCHAR(20) NOT NULL, '
    '"enabled" BOOLEAN NOT NULL DEFAULT TRUE, '
    "\"credentials\" JSON NOT NULL DEFAULT '{}', "
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS einvoice_configs_company_provider_uq ON "einvoice_configs" ("company", "provider")',
    f'CREATE INDEX IF NOT EXISTS invoices_live_issue_idx ON "invoices" ("company", "issue_date", "id") {LIVE}',
    f'CREATE INDEX IF NOT EXISTS invoices_live_status_idx ON "invoices" ("company", "status", "issue_date", "id") {LIVE}',
    f'CREATE INDEX IF NOT EXISTS invoices_live_direction_idx ON "invoices" ("company", "direction", "issue_date", "id") {LIVE}',
    f'CREATE INDEX IF NOT EXISTS invoices_live_total_idx ON "invoices" ("company", "total", "id") {LIVE}',
]

#: PostgreSQL only: trigram search index, inside a block that turns a missing privilege into a notice.
POSTGRES_STATEMENTS = [
    "DO $$ BEGIN "
    "CREATE EXTENSION IF NOT EXISTS pg_trgm; "
    'EXECUTE \'CREATE INDEX IF NOT EXISTS invoices_live_search_trgm ON "invoices" USING gin '
    '("number" gin_trgm_ops, "receiver_name" gin_trgm_ops, "sender_name" gin_trgm_ops, '
    '"receiver_cif" gin_trgm_ops, "sender_cif" gin_trgm_ops) WHERE "deleted_at" IS NULL\'; '
    "EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'invoice search index skipped: %', SQLERRM; "
    "END $$",
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS, postgres=POSTGRES_STATEMENTS)
