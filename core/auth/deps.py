"""Litestar dependency providers: the authenticated :class:`Caller` and the :class:`CompanyContext`.

Register :data:`DEPENDENCIES` app-wide; then a handler declaring ``caller: NamedDependency[Caller]``
is authenticated, one declaring ``ctx: NamedDependency[CompanyContext]`` also acts on a company
it may access, and a handler declaring neither stays public. The app must hold its
:class:`core.settings.Settings` at ``app.state.settings`` (the token key is read from there).

Errors (objects.md §1, §8.4 with the design's override):

* no ``Authorization`` header → 401 ``JWT Token not found``; bad token → 401
  ``Invalid JWT Token``; expired → 401 ``Expired JWT Token`` (shape E);
* an ``Authorization`` value that does not start with ``Bearer `` is an API key (objects.md §8.3):
  unknown, malformed, revoked or expired → 403 shape F (``Invalid API Token``); a valid key acts
  for its user in its organisation, with only the permissions both the membership and the key hold,
  and never on the account's own routes (:func:`core.auth.operations.session_only`: profile
  changes, password, MFA, passkeys, key management) → 403;
* every authenticated request takes one token of the caller's ``authenticated_api`` bucket
  (per JWT user or per API key, objects.md §9): empty → 429 with ``Retry-After``;
* a company-scoped request also needs the permission of its operation
  (:func:`core.auth.operations.permission_for`) → 403 ``Permission denied.``;
* deactivated account → 403 ``account_inactive``;
* company (``?company=`` wins over ``X-Company``) unknown or soft-deleted → 404
  ``{"error": "Company not found."}``; in another organisation, or outside the membership's
  ``allowedCompanies`` → 403 ``{"error": "Permission denied."}``;
* no company named: the organisation's only (visible) company is used, else 404;
* a POST/PUT/PATCH/DELETE acting on a read-only company (over the licence's company limit,
  :mod:`core.auth.read_only`) → 403 shape I, except ``…/set-active`` and ``…/restore``. Checked
  here only: for the company a company-scoped request acts on (:func:`provide_company`) and for
  the company named by the path of ``/api/v1/companies/{company_id}/…`` (:func:`provide_caller`).
"""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import HeaderParameter, QueryParameter

from core.auth import service
from core.auth.apikeys.service import authenticate as authenticate_api_key
from core.auth.context import Caller, CompanyContext
from core.auth.operations import permission_for, session_only
from core.auth.permissions import require
from core.auth.read_only import refuse_writes
from core.auth.security import decode_access_token
from core.auth.tables import Company
from core.errors import Forbidden, NotFound, Unauthorized
from core.settings import Settings

__all__ = ["DEPENDENCIES", "client_ip", "provide_caller", "provide_company", "settings_of"]

COMPANY_NOT_FOUND = "Company not found."


def settings_of(request: Request) -> Settings:
    """The app's settings (``app.state.settings``); RuntimeError when the app factory did not set them."""
    settings = getattr(request.app.state, "settings", None)
    if not isinstance(settings, Settings):
        raise RuntimeError("app.state.settings is not set: build the app through the app factory")
    return settings


def client_ip(request: Request) -> str | None:
    """The peer address of ``request`` as recorded in the audit log (``ip``), None when unknown."""
    return request.client.host if request.client else None


def _bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("JWT Token not found")
    return token.strip()


def _is_api_key(header: str) -> bool:
    # objects.md §8.3: any value not starting with "Bearer " is an API key (the scheme's case is
    # not significant, RFC 9110 §11.1, so "bearer …" stays a JWT).
    return bool(header.strip()) and header[:7].lower() != "bearer "


async def provide_caller(
    request: Request,
    x_organization: Annotated[
        str | None,
        HeaderParameter(
            name="X-Organization", description="Organisation to act in (default: the user's default membership)."
        ),
    ] = None,
) -> Caller:
    """The authenticated caller from ``Authorization: Bearer <jwt>`` or ``Authorization: af_…``
    (see the module docstring for errors)."""
    header = request.headers.get("authorization", "")
    if _is_api_key(header):
        key = await authenticate_api_key(header)
        if session_only(request.method, request.scope.get("path_template") or request.url.path):
            raise Forbidden("This action needs a signed-in session; API keys cannot manage the account or credentials.")
        if x_organization and x_organization != key.organisation_id:
            raise Forbidden("This API token belongs to another organization.")
        caller = await service.load_caller(key.user_id, key.organisation_id, key.organisation_id)
        caller = msgspec.structs.replace(caller, scopes=key.scopes, api_key_id=key.key_id)
        credential = f"key:{key.key_id}"
    else:
        claims = decode_access_token(settings_of(request).secret_key, _bearer(header))
        caller = await service.load_caller(claims.user_id, claims.organisation_id, x_organization or None)
        credential = f"user:{caller.user_id}"
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        await limiter.hit("authenticated_api", credential)
    await _refuse_writes_to_path_company(request, caller)
    return caller


async def _refuse_writes_to_path_company(request: Request, caller: Caller) -> None:
    """The read-only rule for ``/api/v1/companies/{company_id}/…`` (the company's own routes take
    no company header): only for a company of the caller's organisation, so another
    organisation's company keeps answering its 403/404 from the service."""
    template = request.scope.get("path_template") or request.url.path
    company_id = request.path_params.get("company_id")
    if not isinstance(company_id, str) or not template.startswith("/api/v1/companies/{company_id"):
        return
    if request.method.upper() in ("GET", "HEAD", "OPTIONS"):
        return
    row = await Company.select(Company.organisation).where(
        (Company.id == company_id) & Company.deleted_at.is_null()
    ).first()
    if row is not None and row["organisation"] == caller.organisation_id:
        await _refuse_writes_once(request, company_id)


async def _refuse_writes_once(request: Request, company_id: str) -> None:
    """:func:`refuse_writes` for ``company_id`` at most once per request: a route such as
    ``/api/v1/companies/{company_id}/einvoice-config`` takes both dependencies, and the read-only
    ranking (a count and a scan of the companies) need not run twice for the same company."""
    checked: set[str] = request.state.setdefault("_writable_companies", set())
    if company_id in checked:
        return
    await refuse_writes(request.method, request.scope.get("path_template") or request.url.path, company_id)
    checked.add(company_id)


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
    request: Request,
    caller: NamedDependency[Caller],
    x_company: Annotated[str | None, HeaderParameter(name="X-Company", description="Company to act on (UUID).")] = None,
    company: Annotated[str | None, QueryParameter(description="Company to act on (UUID); wins over X-Company.")] = None,
) -> CompanyContext:
    """The company the request acts on, checked against the caller's membership, and the
    permission of the operation (module docstring)."""
    permission = permission_for(request.method, request.scope.get("path_template") or request.url.path)
    if permission is not None:
        require(caller, permission)
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
    await _refuse_writes_once(request, row["id"])
    return CompanyContext(
        caller=caller,
        company_id=row["id"],
        company_cif=row["cif"],
        company_name=row["name"],
        company_country=row["country"],
    )


#: Register app-wide: ``Litestar(..., dependencies=DEPENDENCIES)``.
DEPENDENCIES = {"caller": Provide(provide_caller), "ctx": Provide(provide_company)}
