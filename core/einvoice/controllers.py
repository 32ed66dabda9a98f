"""Routes of the e-invoice provider catalogue and per-company provider configuration.

Thin: handlers delegate to :mod:`core.einvoice.service`, which checks that the path's company is
the request's company (``ctx``, from ``X-Company``/``?company=``): another company is 403.
Mounted by the app factory from :data:`ROUTES`.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter

from core.api.json import view
from core.api.params import Ctx
from core.einvoice import service
from core.einvoice import responses as r
from core.einvoice.service import EInvoiceConfigIn

__all__ = ["ROUTES"]

CompanyId = Annotated[str, PathParameter(description="Company id (UUID); must be the request's company.")]
Provider = Annotated[str, PathParameter(description="Provider code, e.g. anaf.")]


@get("/api/v1/einvoice/providers", tags=["einvoice"], summary="E-invoice providers (bare array: code, label, country)")
async def list_providers(ctx: Ctx) -> list[r.Provider]:
    """See :func:`core.einvoice.service.provider_list`."""
    return view(list[r.Provider], service.provider_list())


class EInvoiceConfigController(Controller):
    """``/api/v1/companies/{uuid}/einvoice-config``."""

    path = "/api/v1/companies/{company_id:str}/einvoice-config"
    tags = ["einvoice"]

    @get("/", summary="Provider configs of the company, credentials masked (bare array)")
    async def index(self, ctx: Ctx, company_id: CompanyId) -> list[r.EInvoiceConfig]:
        return view(list[r.EInvoiceConfig], await service.list_configs(ctx, company_id))

    @post(
        "/",
        summary="Create or update a provider config; blank credential values keep the stored ones",
        responses={200: ResponseSpec(data_container=r.EInvoiceConfig, description="The existing config of the provider, updated")},
    )
    async def save(self, ctx: Ctx, company_id: CompanyId, data: JSONBody[EInvoiceConfigIn]) -> Response[r.EInvoiceConfig]:
        body, created = await service.save_config(ctx, company_id, data)
        return Response(view(r.EInvoiceConfig, body), status_code=201 if created else 200)

    @post("/test", status_code=200, summary="Check a provider config with the supplied credentials")
    async def test(self, ctx: Ctx, company_id: CompanyId, data: JSONBody[EInvoiceConfigIn]) -> r.EInvoiceConfigTest:
        return view(r.EInvoiceConfigTest, await service.test_config(ctx, company_id, data))

    @delete("/{provider:str}", summary="Delete a provider config")
    async def remove(self, ctx: Ctx, company_id: CompanyId, provider: Provider) -> None:
        await service.delete_config(ctx, company_id, provider)


#: Mounted by the app factory.
ROUTES: list[Any] = [list_providers, EInvoiceConfigController]
