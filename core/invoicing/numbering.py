"""Gap-free numbering: the next number of a series, taken under the series row lock.

Call :func:`take_next` inside :func:`core.db.engine.write_transaction`: on PostgreSQL the row is
locked ``FOR UPDATE``; on SQLite the transaction already holds the write lock (``BEGIN
IMMEDIATE``). If the transaction rolls back, the number was never spent (objects.md §6).
"""

from __future__ import annotations

from piccolo.engine.postgres import PostgresEngine

from core.db.engine import engine
from core.errors import Unprocessable
from core.invoicing.tables import DocumentSeries

__all__ = ["format_number", "take_next"]


def format_number(prefix: str, value: int) -> str:
    """``prefix`` + ``value`` zero-padded to 4 digits, no separator (``FCT0043``; longer numbers grow)."""
    return f"{prefix}{value:04d}"


async def take_next(series_id: str) -> tuple[str, int]:
    """Lock the series row, advance its counter and return (number, value).

    Raises :class:`core.errors.Unprocessable` when the series no longer exists.
    """
    query = DocumentSeries.select().where(DocumentSeries.id == series_id)
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows("UPDATE")
    row = await query.first().run()
    if row is None:
        raise Unprocessable("The document series no longer exists.")
    value = row["current_number"] + 1
    await DocumentSeries.update({DocumentSeries.current_number: value}).where(DocumentSeries.id == series_id).run()
    return format_number(row["prefix"], value), value
