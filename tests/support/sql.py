"""One SQL statement run from synchronous code (a test thread, a fixture, a bench script) on a
SQLite file or a PostgreSQL server, outside the appliance's own pool (which lives in the server's
event loop): database creation and removal, a row aged on purpose."""

from __future__ import annotations

import asyncio
import sqlite3

__all__ = ["execute"]


def execute(database_url: str, sql: str) -> None:
    """Run ``sql`` (one statement, autocommitted) on ``database_url``: ``sqlite:///<path>`` or a
    ``postgresql://`` URL (through asyncpg, so ``CREATE DATABASE`` works outside a transaction)."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30) as conn:
            conn.execute(sql)
        return

    async def run() -> None:
        import asyncpg

        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())
