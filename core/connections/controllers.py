"""Routes of endpoints.tsv area ``anaf`` (token management and the consent flow).

The contract's paths name the provider (``/api/v1/anaf/...``, ``/api/connect/anaf``); the handlers
are provider-neutral and delegate to :mod:`core.connections.tokens` / :mod:`core.connections.links`,
which reach the provider only through hooks. :func:`routes_for` builds them for one provider code;
:data:`ROUTES` holds ANAF's, mounted by the app factory.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api.params import Ctx
from core.auth.context import Caller
from core.auth.deps import client_ip, provide_caller, provide_company, settings_of
from core.connections import links, tokens
from core.connections.tokens import TokenIn, ValidateCifIn

__all__ = ["ROUTES", "routes_for"]

TokenId = Annotated[str, PathParameter(description="Token id (UUID) as listed.")]
LinkToken = Annotated[str, PathParameter(description="The 64-hex one-time link token.")]


def routes_for(code: str) -> list[Any]:
    """The token and consent routes of provider ``code`` (``/api/v1/{code}/…``, ``/api/connect/{code}``)."""

    @get("/status", summary=f"{code} connection status of the company (connected, hasToken, tokenCount)")
    async def connection_status(ctx: Ctx) -> dict[str, Any]:
        return await tokens.status(ctx, code)

    @get("/tokens", summary=f"Stored {code} OAuth tokens of the companies the user may see (never the token itself)")
    async def list_tokens(caller: NamedDependency[Caller]) -> dict[str, Any]:
        return await tokens.list_tokens(caller, code)

    @post("/tokens", summary=f"Store a {code} OAuth token for the company after the provider confirmed its access (201)")
    async def store_token(request: Request, ctx: Ctx, data: JSONBody[TokenIn]) -> dict[str, Any]:
        return await tokens.store_token(ctx, code, data, ip=client_ip(request))

    @delete("/tokens/{token_id:str}", summary=f"Delete a stored {code} token")
    async def delete_token(request: Request, caller: NamedDependency[Caller], token_id: TokenId) -> None:
        await tokens.delete_token(caller, code, token_id, ip=client_ip(request))

    @post("/tokens/{token_id:str}/validate-cif", status_code=200, summary=f"Check that a {code} token may act for a CIF")
    async def validate_cif(caller: NamedDependency[Caller], token_id: TokenId, data: JSONBody[ValidateCifIn]) -> dict[str, Any]:
        return await tokens.validate_cif(caller, code, token_id, data)

    @post("/token-links", summary=f"Create a one-time link letting another person authorise {code} for the company (201)")
    async def create_link(request: Request, ctx: Ctx) -> dict[str, Any]:
        return await links.create_link(ctx, code, settings_of(request).public_url)

    @get("/token-links/{link_token:str}", summary="Public: state of a one-time authorisation link (pending/used/completed/expired)")
    async def link_state(link_token: LinkToken) -> dict[str, Any]:
        return await links.link_state(code, link_token)

    @get(f"/api/connect/{code}", summary=f"Start the {code} OAuth2 consent: 302 to the provider (logged in, or with ?link=)",
         tags=[code], status_code=302)
    async def connect(
        request: Request,
        link: Annotated[str | None, QueryParameter(description="One-time link token instead of a login.")] = None,
        company: Annotated[str | None, QueryParameter(description="Company (UUID); wins over X-Company.")] = None,
    ) -> Response[None]:
        secret = settings_of(request).secret_key
        if link:
            url = await links.authorize_redirect(code, secret, link_token=link)
        else:
            caller = await provide_caller(request, request.headers.get("x-organization"))
            ctx = await provide_company(request, caller, request.headers.get("x-company"), company)
            url = await links.authorize_redirect(code, secret, caller=caller, company_id=ctx.company_id)
        return Response(None, status_code=302, headers={"Location": url})

    @get(f"/api/connect/{code}/callback", summary=f"Redirect URI of the {code} consent: store the token (sealed)", tags=[code])
    async def callback(
        request: Request,
        code_: Annotated[str | None, QueryParameter(name="code", description="Authorization code.")] = None,
        state_: Annotated[str | None, QueryParameter(name="state", description="The signed state sent with the consent.")] = None,
        error: Annotated[str | None, QueryParameter(description="Set by the provider when consent was refused.")] = None,
    ) -> dict[str, Any]:
        return await links.complete_authorisation(code, settings_of(request).secret_key, code=code_, state=state_,
                                                  error=error, ip=client_ip(request))

    api = Router(path=f"/api/v1/{code}", tags=[code], route_handlers=[
        connection_status, list_tokens, store_token, delete_token, validate_cif, create_link, link_state,
    ])
    return [api, connect, callback]


#: Mounted by the app factory.
ROUTES: list[Any] = routes_for("anaf")
