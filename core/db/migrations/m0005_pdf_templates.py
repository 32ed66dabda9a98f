"""PDF template configuration per company, as raw SQL for SQLite and PostgreSQL.

The table mirrors :class:`core.documents.tables.PdfTemplateConfig`; one row per company
(unique index, since piccolo's ``Unique()`` fails on SQLite).
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "PDF template configuration per company"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "pdf_template_configs" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"company" VARCHAR(36) NOT NULL REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"template" VARCHAR(20) NOT NULL DEFAULT \'classic\', '
    '"primary_color" VARCHAR(7) NOT NULL DEFAULT \'#1f3a93\', '
    '"accent_color" VARCHAR(7) NOT NULL DEFAULT \'#e8eef9\', '
    '"font" VARCHAR(30) NOT NULL DEFAULT \'dejavu-sans\', '
    '"show_logo" BOOLEAN NOT NULL DEFAULT TRUE, '
    '"show_bank_details" BOOLEAN NOT NULL DEFAULT TRUE, '
    '"show_notes" BOOLEAN NOT NULL DEFAULT TRUE, '
    '"footer_text" TEXT NULL DEFAULT NULL, '
    '"logo" TEXT NULL DEFAULT NULL, '
    '"logo_document" VARCHAR(36) NULL DEFAULT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS pdf_template_configs_company_uq ON "pdf_template_configs" ("company")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
