"""Routes of authentication, the current user and companies (objects.md §8.1, §3.18, §3.12).

Thin: each handler hands its body and dependencies to :mod:`core.auth.service` or
:mod:`core.auth.companies`. Mounted by the app factory from :data:`ROUTES`.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.auth import companies, service
from core.auth.context import Caller
from core.auth.deps import client_ip, settings_of
from core.auth.schemas import CompanyIn, CompanyPatch, LoginIn, RefreshIn, RegisterIn
from core.auth.security import REFRESH_TTL

__all__ = ["ROUTES", "REFRESH_COOKIE", "with_refresh_cookie"]

#: The refresh token also travels as this HttpOnly cookie (objects.md §8.1).
REFRESH_COOKIE = "__refresh__token"


def with_refresh_cookie(tokens: dict[str, Any]) -> Response[dict[str, Any]]:
    """A 200 response of ``tokens`` that also sets the refresh cookie when a refresh token is
    issued (an MFA challenge answer carries none)."""
    if not tokens.get("refresh_token"):
        return Response(tokens, status_code=200)
    cookie = Cookie(
        key=REFRESH_COOKIE,
        value=tokens["refresh_token"],
        httponly=True,
        secure=True,
        samesite="none",
        path="/api",
        max_age=int(REFRESH_TTL.total_seconds()),
    )
    return Response(tokens, status_code=200, cookies=[cookie])


_with_cookie = with_refresh_cookie


class AuthController(Controller):
    """``/api/auth``: register, log in, refresh. Public (no bearer token needed)."""

    path = "/api"
    tags = ["auth"]

    @post("/auth/register", summary="Register a user with a new organisation (first run, or open registration)")
    async def register(self, request: Request, data: JSONBody[RegisterIn]) -> dict[str, Any]:
        return await service.register(settings_of(request), data)

    @post("/auth", status_code=200, summary="Log in with e-mail and password: {token, refresh_token}")
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> Response[dict[str, Any]]:
        return _with_cookie(await service.login(settings_of(request), data.email, data.password, ip=client_ip(request)))

    @post(
        ["/auth/refresh", "/auth/token/refresh", "/token/refresh"],
        status_code=200,
        summary="Exchange a refresh token (body or cookie) for new tokens; the old one is spent",
    )
    async def refresh(self, request: Request, data: JSONBody[RefreshIn | None] = None) -> Response[dict[str, str]]:
        token = (data.token if data else None) or request.cookies.get(REFRESH_COOKIE)
        return _with_cookie(await service.refresh(settings_of(request), token))


@get("/api/v1/me", tags=["auth"], summary="The current user, organisation, memberships and permissions")
async def me(caller: NamedDependency[Caller]) -> dict[str, Any]:
    """``GET /api/v1/me`` (objects.md §3.18 subset)."""
    return await service.me(caller)


CompanyId = Annotated[str, PathParameter(description="Company id (UUID).")]


class CompanyController(Controller):
    """``/api/v1/companies``: the organisation's companies (no company header needed)."""

    path = "/api/v1/companies"
    tags = ["companies"]

    @get("/", summary="Companies of the organisation visible to the member")
    async def index(self, caller: NamedDependency[Caller]) -> dict[str, Any]:
        return await companies.list_companies(caller)

    @post("/", summary="Add a company by CIF (filled from the public registry) or with full data")
    async def create(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[CompanyIn]
    ) -> dict[str, Any]:
        # The registry lookup (CIF only) gets the settings of the provider serving the country.
        provider_settings = request.app.state.services.provider_settings
        return await companies.create_company(caller, data, provider_settings=provider_settings)

    @get("/{company_id:str}", summary="Company detail, with hasValidToken")
    async def detail(self, caller: NamedDependency[Caller], company_id: CompanyId) -> dict[str, Any]:
        return await companies.get_company(caller, company_id)

    @patch("/{company_id:str}", summary="Update company settings")
    async def update(
        self, caller: NamedDependency[Caller], company_id: CompanyId, data: JSONBody[CompanyPatch]
    ) -> dict[str, Any]:
        return await companies.update_company(caller, company_id, data)

    @delete("/{company_id:str}", status_code=204, summary="Soft-delete a company (purged after a 5-day grace)")
    async def remove(self, request: Request, caller: NamedDependency[Caller], company_id: CompanyId) -> None:
        await companies.delete_company(caller, company_id, ip=client_ip(request))

    @post("/{company_id:str}/toggle-sync", status_code=200, summary="Turn automatic e-Factura sync on or off")
    async def toggle_sync(self, caller: NamedDependency[Caller], company_id: CompanyId) -> dict[str, Any]:
        return await companies.toggle_sync(caller, company_id)

    @put(
        "/{company_id:str}/set-active",
        status_code=200,
        summary="Keep this company writable when the appliance holds more companies than the licence allows (others read-only)",
    )
    async def set_active(self, request: Request, caller: NamedDependency[Caller], company_id: CompanyId) -> dict[str, Any]:
        """No body (any JSON body sent is ignored). Returns the company detail, ``isReadOnly`` false."""
        return await companies.set_active(caller, company_id, ip=client_ip(request))


#: Mounted by the app factory.
ROUTES: list[Any] = [AuthController, me, CompanyController]
