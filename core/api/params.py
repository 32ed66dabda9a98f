"""Parameter types every controller shares: the company context and the list query parameters
of the contract (objects.md §2: ``page`` from 1, ``limit`` at most 100, ``clientId``, ``from``/``to``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import QueryParameter

from core.auth.context import CompanyContext

__all__ = ["ClientId", "Ctx", "DateFrom", "DateTo", "Limit", "Page"]

Ctx = NamedDependency[CompanyContext]
Page = Annotated[int, QueryParameter(ge=1, description="1-based page number.")]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Rows per page (at most 100).")]
ClientId = Annotated[str | None, QueryParameter(name="clientId", description="Only documents of this client.")]
DateFrom = Annotated[dt.date | None, QueryParameter(name="from", description="Issue date on or after (YYYY-MM-DD).")]
DateTo = Annotated[dt.date | None, QueryParameter(name="to", description="Issue date on or before (YYYY-MM-DD).")]
