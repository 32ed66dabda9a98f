"""TOTP secrets are sealed at rest (:mod:`core.crypto`): the sealed text is longer than the 64
characters m0013 allowed, so the column becomes TEXT (PostgreSQL; SQLite does not enforce
VARCHAR lengths)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-21T16:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "mfa_totp.secret as TEXT (sealed secrets)"

POSTGRES_STATEMENTS = ['ALTER TABLE "mfa_totp" ALTER COLUMN "secret" TYPE TEXT']


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="storno", description=DESCRIPTION)
    for statement in POSTGRES_STATEMENTS:
        manager.add_raw(_raw(statement, engine_type="postgres"))
    return manager


def _raw(statement: str, *, engine_type: str):
    from piccolo.engine import engine_finder

    async def run() -> None:
        engine = engine_finder()
        if engine.engine_type == engine_type:
            await engine.run_ddl(statement)

    return run
