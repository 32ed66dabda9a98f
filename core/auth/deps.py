"""Litestar dependency providers: the authenticated :class:`Caller` and the :class:`CompanyContext`.

Register :data:`DEPENDENCIES` app-wide; then a handler declaring ``caller: NamedDependency[Caller]``
is authenticated, one declaring ``ctx: NamedDependency[CompanyContext]`` also acts on a company
it may access, and a handler declaring neither stays public. The app must hold its
:class:`core.settings.Settings` at ``app.state.settings`` (the token key is read from there).

Errors (objects.md §1, §8.4 with the design's override):

* no ``Authorization: Bearer`` header → 401 ``JWT Token not found``; bad token → 401
  ``Invalid JWT Token``; expired → 401 ``Expired JWT Token`` (shape E);
* deactivated account → 403 ``account_inactive``;
* company (``?company=`` wins over ``X-Company``) unknown or soft-deleted → 404
  ``{"error": "Company not found."}``; in another organisation, or outside the membership's
  ``allowedCompanies`` → 403 ``{"error": "Permission denied."}``;
* no company named: the organisation's only (visible) company is used, else 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import HeaderParameter, QueryParameter

from core.auth import service
from core.auth.context import Caller, CompanyContext
from core.auth.security import decode_access_token
from core.auth.tables import Company
from core.errors import Forbidden, NotFound, Unauthorized
from core.settings import Settings

__all__ = ["DEPENDENCIES", "provide_caller", "provide_company", "settings_of"]

COMPANY_NOT_FOUND = "Company not found."


def settings_of(request: Request) -> Settings:
    """The app's settings (``app.state.settings``); RuntimeError when the app factory did not set them."""
    settings = getattr(request.app.state, "settings", None)
    if not isinstance(settings, Settings):
        raise RuntimeError("app.state.settings is not set: build the app through the app factory")
    return settings


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("JWT Token not found")
    return token.strip()


async def provide_caller(
    request: Request,
    x_organization: Annotated[
        str | None,
        HeaderParameter(
            name="X-Organization", description="Organisation to act in (default: the user's default membership)."
        ),
    ] = None,
) -> Caller:
    """The authenticated caller from ``Authorization: Bearer <jwt>`` (see the module docstring for errors)."""
    claims = decode_access_token(settings_of(request).secret_key, _bearer(request))
    return await service.load_caller(claims.user_id, claims.organisation_id, x_organization or None)


def _visible(caller: Caller, company_id: str) -> bool:
    return not caller.allowed_companies or company_id in caller.allowed_companies


async def company_for(caller: Caller, company_id: str) -> dict:
    """The company row ``company_id`` if ``caller`` may act on it.

    Raises :class:`NotFound` (unknown, malformed id or soft-deleted) and :class:`Forbidden`
    (another organisation, or not in the membership's allowed companies).
    """
    try:
        uuid.UUID(company_id)
    except ValueError:
        raise NotFound(COMPANY_NOT_FOUND) from None
    row = await Company.select().where((Company.id == company_id) & Company.deleted_at.is_null()).first()
    if row is None:
        raise NotFound(COMPANY_NOT_FOUND)
    if row["organisation"] != caller.organisation_id or not _visible(caller, row["id"]):
        raise Forbidden("Permission denied.")
    return row


async def provide_company(
    caller: NamedDependency[Caller],
    x_company: Annotated[str | None, HeaderParameter(name="X-Company", description="Company to act on (UUID).")] = None,
    company: Annotated[str | None, QueryParameter(description="Company to act on (UUID); wins over X-Company.")] = None,
) -> CompanyContext:
    """The company the request acts on, checked against the caller's membership (module docstring)."""
    wanted = (company or x_company or "").strip()
    if wanted:
        row = await company_for(caller, wanted)
    else:
        rows = (
            await Company.select()
            .where((Company.organisation == caller.organisation_id) & Company.deleted_at.is_null())
            .limit(2)
        )
        if len(rows) != 1:
            raise NotFound(COMPANY_NOT_FOUND)
        row = rows[0]
        if not _visible(caller, row["id"]):
            raise Forbidden("Permission denied.")
    return CompanyContext(
        caller=caller,
        company_id=row["id"],
        company_cif=row["cif"],
        company_name=row["name"],
        company_country=row["country"],
    )


#: Register app-wide: ``Litestar(..., dependencies=DEPENDENCIES)``.
DEPENDENCIES = {"caller": Provide(provide_caller), "ctx": Provide(provide_company)}
