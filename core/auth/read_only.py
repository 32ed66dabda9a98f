"""Which companies are read-only because the appliance holds more than the licence allows.

objects.md §8.4 and §3.12 (``isReadOnly``): when the live (not soft-deleted) companies outnumber
the licence's ``max_companies`` (:func:`core.licensing.service.active`), only that many stay
writable; the others are read-only and every POST/PUT/PATCH/DELETE under ``/api/v1`` acting on
them answers 403 shape I (:class:`core.errors.ReadOnlyCompany`), except the ``…/set-active`` and
``…/restore`` routes. Reads always work. Within the limit (or with no limit) nothing is read-only.

Which stay writable: the companies the owner chose most recently through
``PUT /api/v1/companies/{id}/set-active`` (``companies.kept_writable_at``, newest first), then the
others oldest first (``created_at``, then id) — so without any choice the first companies added
stay writable, and the company just chosen is always writable. The licence counts the companies
of the whole appliance, so the ranking spans every organisation.

This module only reads: the choice is written by :func:`core.auth.companies.set_active`; the
check runs in :mod:`core.auth.deps` alone (``provide_company`` for the company a request acts on,
``provide_caller`` for ``/api/v1/companies/{company_id}/…``), through :func:`refuse_writes`.
"""

from __future__ import annotations

import datetime as dt

from core.auth.tables import Company
from core.errors import ReadOnlyCompany

__all__ = ["EXEMPT_ACTIONS", "WRITE_METHODS", "company_limit", "is_read_only", "read_only_ids", "refuse_writes"]

#: Methods that change something (objects.md §8.4).
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Last path segments still allowed on a read-only company.
EXEMPT_ACTIONS = frozenset({"set-active", "restore"})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def company_limit() -> int | None:
    """The licence's ``max_companies`` now, or None (:func:`core.licensing.service.company_limit`)."""
    from core.licensing.service import company_limit as licensed_limit

    return licensed_limit()


def _rank(row: dict) -> tuple:
    chosen = row["kept_writable_at"]
    if chosen is not None:
        return (0, -(chosen - _EPOCH).total_seconds(), row["created_at"], row["id"])
    return (1, 0.0, row["created_at"], row["id"])


async def read_only_ids(limit: int | None = None) -> frozenset[str]:
    """Ids of the read-only companies of the appliance (module docstring); ``limit`` defaults to
    :func:`company_limit`. Empty when within the limit."""
    limit = company_limit() if limit is None else limit
    if limit is None:
        return frozenset()
    live = Company.deleted_at.is_null()
    if await Company.count().where(live) <= limit:
        return frozenset()
    rows = await Company.select(Company.id, Company.created_at, Company.kept_writable_at).where(live)
    return frozenset(row["id"] for row in sorted(rows, key=_rank)[limit:])


async def is_read_only(company_id: str) -> bool:
    """True when ``company_id`` is one of :func:`read_only_ids`."""
    return company_id in await read_only_ids()


def _exempt(path_template: str) -> bool:
    literals = [s for s in path_template.split("/") if s and not s.startswith("{")]
    return bool(literals) and literals[-1] in EXEMPT_ACTIONS


async def refuse_writes(method: str, path_template: str, company_id: str) -> None:
    """Raise :class:`core.errors.ReadOnlyCompany` (403 shape I) when a ``method`` request to route
    ``path_template`` under ``/api/v1`` writes to read-only ``company_id``; reads, other paths and
    the exempt actions (:data:`EXEMPT_ACTIONS`) pass."""
    if method.upper() not in WRITE_METHODS or not path_template.startswith("/api/v1/") or _exempt(path_template):
        return
    if await is_read_only(company_id):
        raise ReadOnlyCompany(
            "This company is read-only: the appliance holds more companies than the licence allows. "
            "Choose the companies to keep writable (PUT /api/v1/companies/{id}/set-active) or install a licence with a higher limit."
        )
