"""Choosing and binding the database engine; running migrations.

SQLite (default, a file in the data directory) runs in WAL mode with a 30 s busy timeout, and
issuing transactions use ``BEGIN IMMEDIATE`` so concurrent issues queue instead of failing with
"database is locked". PostgreSQL runs with a connection pool.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
from contextlib import asynccontextmanager
from collections.abc import AsyncIterator

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from core.db import piccolo_conf
from core.db.registry import TABLES
from core.settings import Settings

__all__ = ["connect", "disconnect", "migrate", "engine", "write_transaction", "is_unique_violation"]

_engine: Engine | None = None


def engine() -> Engine:
    """The bound engine. Raises RuntimeError before :func:`connect`."""
    if _engine is None:
        raise RuntimeError("the database is not connected")
    return _engine


def _build(settings: Settings) -> Engine:
    if settings.is_postgres:
        # Prepared statements must not settle on a generic plan: it ignores the search and
        # filter indexes of the invoice list (seconds instead of milliseconds at 100 000 rows).
        return PostgresEngine(config={"dsn": settings.database_url, "server_settings": {"plan_cache_mode": "force_custom_plan"}})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:  # WAL is a property of the file: set it once
        conn.execute("PRAGMA journal_mode=WAL")
    return SQLiteEngine(path=str(path), timeout=30)


async def connect(settings: Settings, *, pool: bool = True) -> Engine:
    """Build the engine for ``settings``, bind every table to it and (PostgreSQL) start the pool."""
    global _engine
    eng = _build(settings)
    for table in TABLES:
        table._meta._db = eng
    piccolo_conf.DB = eng
    if pool and isinstance(eng, PostgresEngine):
        await eng.start_connection_pool(min_size=2, max_size=20)
    _engine = eng
    return eng


async def disconnect() -> None:
    """Close the PostgreSQL pool, if any."""
    global _engine
    if isinstance(_engine, PostgresEngine) and _engine.pool is not None:
        await _engine.close_connection_pool()
    _engine = None


async def migrate() -> list[str]:
    """Apply every pending migration of the ``storno`` app; returns the ids applied."""
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
    from piccolo.apps.migrations.tables import Migration

    Migration._meta._db = engine()
    before = set(await Migration.get_migrations_which_ran(app_name="storno")) if await Migration.table_exists() else set()
    with contextlib.redirect_stdout(io.StringIO()) as out:  # piccolo narrates with print()
        result = await ForwardsMigrationManager(app_name="storno", migration_id="all").run()
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message} {out.getvalue().strip()}")
    after = await Migration.get_migrations_which_ran(app_name="storno")
    return sorted(set(after) - before)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction that takes the write lock at once (SQLite ``BEGIN IMMEDIATE``; PostgreSQL plain).

    Use it for every write that must be serialised (issuing, numbering, claiming jobs).
    """
    eng = engine()
    if isinstance(eng, SQLiteEngine):
        async with eng.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with eng.transaction():
            yield


def is_unique_violation(exc: BaseException) -> bool:
    """True when ``exc`` is a unique-index violation on either engine (to answer 409 after a lost race)."""
    from asyncpg.exceptions import UniqueViolationError

    return isinstance(exc, UniqueViolationError) or (
        isinstance(exc, sqlite3.IntegrityError) and "UNIQUE constraint failed" in str(exc)
    )
