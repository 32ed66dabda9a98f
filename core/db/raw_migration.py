"""Raw-SQL migrations: one piccolo ``MigrationManager`` built from lists of statements.

Every migration after ``m0001`` (piccolo's own) is raw SQL, because piccolo's auto migrations
cannot express what the schema needs on both engines (unique and partial indexes, triggers). A
migration module keeps its ``ID``, ``VERSION``, ``DESCRIPTION`` and statement lists, and its
``forwards()`` returns :func:`raw_migration` of them.

The statements of a migration run in order: first those for both engines, then the SQLite-only
ones, then the PostgreSQL-only ones, each through the bound engine's ``run_ddl`` when the
migration is applied (not when the module is imported).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

__all__ = ["APP_NAME", "raw_migration"]

#: The piccolo app the migrations belong to (:mod:`core.db.piccolo_app`).
APP_NAME = "storno"


def raw_migration(
    migration_id: str,
    description: str,
    statements: Iterable[str] = (),
    *,
    sqlite: Iterable[str] = (),
    postgres: Iterable[str] = (),
) -> MigrationManager:
    """The migration ``migration_id`` of the ``storno`` app running raw SQL statements.

    ``statements`` run on every engine, ``sqlite`` only on SQLite and ``postgres`` only on
    PostgreSQL (piccolo's ``engine_type`` ``"sqlite"`` / ``"postgres"``), in that order. A failing
    statement raises the driver's error and piccolo marks the migration as not applied.
    """
    manager = MigrationManager(migration_id=migration_id, app_name=APP_NAME, description=description)
    for statement in statements:
        manager.add_raw(_run_ddl(statement))
    for statement in sqlite:
        manager.add_raw(_run_ddl(statement, engine_type="sqlite"))
    for statement in postgres:
        manager.add_raw(_run_ddl(statement, engine_type="postgres"))
    return manager


def _run_ddl(statement: str, *, engine_type: str | None = None) -> Callable[[], Awaitable[None]]:
    """A step running ``statement`` on the engine bound when the migration runs (skipped on an
    engine other than ``engine_type``, when given)."""

    async def run() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        if engine_type is not None and engine.engine_type != engine_type:
            return
        await engine.run_ddl(statement)

    return run
