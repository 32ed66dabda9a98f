"""The filters every document list shares (objects.md §2): company, status, client, issue dates.

Used by the list of invoices and of the document types built like them (proformas, delivery
notes, receipts), whose tables all carry ``company``, ``deleted_at``, ``status``, ``client`` and
``issue_date`` columns; each list adds its own filters (search, direction, cash register...).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.table import Table

__all__ = ["document_filter"]


def document_filter(
    table: type[Table],
    company_id: str,
    *,
    status: str | None = None,
    client_id: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    """The WHERE clause of the company's live (not soft-deleted) documents of ``table``, narrowed
    to ``status``, ``client_id`` and the issue-date range ``date_from``..``date_to`` (inclusive)
    when given (the ``status``, ``clientId``, ``from`` and ``to`` query parameters)."""
    t: Any = table
    where = (t.company == company_id) & t.deleted_at.is_null()
    if status:
        where &= t.status == status
    if client_id:
        where &= t.client == client_id
    if date_from:
        where &= t.issue_date >= date_from
    if date_to:
        where &= t.issue_date <= date_to
    return where
