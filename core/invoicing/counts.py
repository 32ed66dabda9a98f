"""The exact number of live invoices of a company, read from ``invoice_counts``.

The database keeps that table in step with ``invoices`` by triggers, in the same transaction as
each insert, soft delete, restore or hard delete (migration ``m0016_list_counts``), so the
unfiltered invoice list can report its ``total`` (objects.md §2) without counting 100 000 rows.
A filtered list still counts the matching rows.
"""

from __future__ import annotations

from core.invoicing.tables import Invoice

__all__ = ["live_count"]


async def live_count(company_id: str) -> int:
    """Live (not soft-deleted) invoices and credit notes of ``company_id``, all directions and
    statuses; 0 for a company that never had one."""
    rows = await Invoice.raw('SELECT "live" FROM "invoice_counts" WHERE "company" = {}', company_id).run()
    return int(rows[0]["live"]) if rows else 0
