"""Per-company e-invoice provider configuration, and list indexes on invoices, as raw SQL.

``einvoice_configs`` mirrors :class:`core.einvoice.tables.EInvoiceConfig` (one row per company
and provider; credentials as plain JSON until encryption at rest lands). The invoice indexes
match ``GET /api/v1/invoices``: every query filters by company, the common filters are status
and direction, and the list sorts by issue date (default) or total; bench/invoice_list.py
measures them (m0002 already indexes company + issue date).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-21T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "e-invoice provider configuration; invoice list indexes"

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
    'CREATE INDEX IF NOT EXISTS invoices_company_status_issue_idx ON "invoices" ("company", "status", "issue_date", "id")',
    'CREATE INDEX IF NOT EXISTS invoices_company_direction_issue_idx ON "invoices" ("company", "direction", "issue_date", "id")',
    'CREATE INDEX IF NOT EXISTS invoices_company_total_idx ON "invoices" ("company", "total", "id")',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="storno", description=DESCRIPTION)
    for statement in STATEMENTS:
        manager.add_raw(_raw(statement))
    return manager


def _raw(statement: str):
    from piccolo.engine import engine_finder

    async def run() -> None:
        await engine_finder().run_ddl(statement)

    return run
