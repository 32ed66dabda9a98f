"""Read-only companies over the licence's company limit (objects.md §8.4, §3.12 ``isReadOnly``):
``companies.kept_writable_at`` is when the owner last chose, through
``PUT /api/v1/companies/{id}/set-active``, to keep the company writable (null: never chosen).
Raw SQL that runs on SQLite and PostgreSQL."""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "companies.kept_writable_at (set-active choice over the licence's company limit)"

STATEMENTS = ['ALTER TABLE "companies" ADD COLUMN "kept_writable_at" TIMESTAMPTZ NULL']


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
