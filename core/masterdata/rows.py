"""Reading one master-data row of a company (clients, suppliers, products, VAT rates)."""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from core.errors import NotFound

__all__ = ["live_row"]


async def live_row(table: type[Table], company_id: str, row_id: str, missing: str) -> dict[str, Any]:
    """The row ``row_id`` of ``table`` when it belongs to ``company_id`` and is not soft-deleted
    (``deleted_at`` null); raises :class:`core.errors.NotFound` with ``missing`` otherwise (404,
    objects.md §1), so another company's id looks the same as an unknown one."""
    row = (
        await table.select()
        .where((table.id == row_id) & (table.company == company_id) & table.deleted_at.is_null())  # type: ignore[attr-defined]
        .first()
    )
    if row is None:
        raise NotFound(missing)
    return row
