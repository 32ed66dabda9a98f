"""Read-only companies over the licence's company limit (objects.md §8.4, §3.12 ``isReadOnly``):
``companies.kept_writable_at`` is when the owner last chose, through
``PUT /api/v1/companies/{id}/set-active``, to keep the company writable (null: never chosen).
Raw SQL that runs on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-21T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "companies.kept_writable_at (set-active choice over the licence's company limit)"

STATEMENTS = ['ALTER TABLE "companies" ADD COLUMN "kept_writable_at" TIMESTAMPTZ NULL']


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
