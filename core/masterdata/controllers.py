"""Routes of clients, products, VAT rates and suppliers (objects.md §3.3, §3.4, §3.13).

Thin: every handler acts on the request's company (``ctx``) through :mod:`core.masterdata.service`
or :mod:`core.masterdata.catalogue`. Lists take ``page`` (default 1) and ``limit`` (default 20,
at most 100; more is a 400). Mounted by the app factory from :data:`ROUTES`.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api import json as j
from core.api.params import Ctx, Limit, Page
from core.auth.permissions import require
from core.masterdata import catalogue, lookups, service, suppliers
from core.masterdata import responses as r
from core.masterdata.bulk import BulkIds, BulkResult, each
from core.masterdata.suppliers import SupplierCreated, SupplierEnvelope, SupplierIn, SupplierPatch
from core.masterdata.schemas import ClientIn, ClientPatch, ProductIn, ProductPatch, VatRateIn, VatRatePatch

__all__ = ["ROUTES"]

Search = Annotated[str | None, QueryParameter(description="Text to look for.")]
Id = Annotated[str, PathParameter(description="Resource id (UUID).")]


class ClientController(Controller):
    """``/api/v1/clients``."""

    path = "/api/v1/clients"
    tags = ["clients"]

    @get("/", summary="Paginated clients with invoice count and total")
    async def index(
        self,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        search: Search = None,
        country: Annotated[str | None, QueryParameter(description="ISO country code.")] = None,
        vat_payer: Annotated[bool | None, QueryParameter(name="vatPayer")] = None,
        source: Annotated[str | None, QueryParameter(description="manual, anaf, import, api")] = None,
    ) -> r.ClientPage:  # type: ignore[valid-type]
        return j.view(r.ClientPage, await service.list_clients(
            ctx, page=page, limit=limit, search=search, country=country, vat_payer=vat_payer, source=source
        ))

    @post(
        "/",
        summary="Create a client; an existing CUI answers 200 with existing: true",
        responses={200: ResponseSpec(data_container=r.ClientCreated, description="The CUI is already a client: {client, existing: true}")},
    )
    async def create(self, ctx: Ctx, data: JSONBody[ClientIn]) -> Response[r.ClientCreated]:
        body, status = await service.create_client(ctx, data)
        return Response(j.view(r.ClientCreated, body), status_code=status)

    @post("/bulk-delete", status_code=200, summary="Soft-delete 1-100 clients; per-id errors (shape D)")
    async def bulk_delete(self, ctx: Ctx, data: JSONBody[BulkIds]) -> BulkResult:
        require(ctx.caller, "client.delete")
        return await each(data, "client", lambda client_id: service.delete_client(ctx, client_id))

    @get("/anaf-lookup", summary="Look a Romanian CUI up in ANAF's registry without creating a client")
    async def anaf_lookup(
        self, request: Request, ctx: Ctx, cui: Annotated[str | None, QueryParameter(description="CUI, RO prefix optional.")] = None
    ) -> lookups.AnafLookupResult:
        require(ctx.caller, "client.view")
        return await lookups.anaf_lookup(cui, request.app.state.services.provider_settings)

    @get("/vies-lookup", summary="Check an EU VAT number with VIES")
    async def vies_lookup(
        self,
        request: Request,
        ctx: Ctx,
        vat_code: Annotated[str | None, QueryParameter(name="vatCode", description="VAT number with country prefix, e.g. DE123456789.")] = None,
    ) -> lookups.ViesResult:
        require(ctx.caller, "client.view")
        return await lookups.vies_check(vat_code, request.app.state.settings.vies_url)

    @get("/{client_id:str}", summary="Client detail with invoice history")
    async def detail(self, ctx: Ctx, client_id: Id) -> r.ClientDetail:
        return j.view(r.ClientDetail, await service.get_client(ctx, client_id))

    @patch("/{client_id:str}", summary="Update a client")
    async def update(self, ctx: Ctx, client_id: Id, data: JSONBody[ClientPatch]) -> r.ClientEnvelope:
        return j.view(r.ClientEnvelope, await service.update_client(ctx, client_id, data))

    @delete("/{client_id:str}", summary="Soft-delete a client")
    async def remove(self, ctx: Ctx, client_id: Id) -> None:
        await service.delete_client(ctx, client_id)


class ProductController(Controller):
    """``/api/v1/products``."""

    path = "/api/v1/products"
    tags = ["products"]

    @get("/", summary="Paginated product catalogue")
    async def index(
        self,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        search: Search = None,
        is_active: Annotated[bool | None, QueryParameter(name="isActive")] = None,
    ) -> r.ProductPage:  # type: ignore[valid-type]
        return j.view(r.ProductPage, await catalogue.list_products(ctx, page=page, limit=limit, search=search, active=is_active))

    @post("/", summary="Create a product")
    async def create(self, ctx: Ctx, data: JSONBody[ProductIn]) -> r.Product:
        return j.view(r.Product, await catalogue.create_product(ctx, data))

    @get("/{product_id:str}", summary="Product detail")
    async def detail(self, ctx: Ctx, product_id: Id) -> r.Product:
        return j.view(r.Product, await catalogue.get_product(ctx, product_id))

    @patch("/{product_id:str}", summary="Update a product")
    async def update(self, ctx: Ctx, product_id: Id, data: JSONBody[ProductPatch]) -> r.Product:
        return j.view(r.Product, await catalogue.update_product(ctx, product_id, data))

    @delete("/{product_id:str}", summary="Soft-delete a product")
    async def remove(self, ctx: Ctx, product_id: Id) -> None:
        await catalogue.delete_product(ctx, product_id)


class VatRateController(Controller):
    """``/api/v1/vat-rates``."""

    path = "/api/v1/vat-rates"
    tags = ["vat-rates"]

    @get("/", summary="The company's VAT rates ({data: [...]})")
    async def index(self, ctx: Ctx) -> r.VatRateList:
        return j.view(r.VatRateList, await catalogue.list_vat_rates(ctx))

    @post("/", summary="Create a VAT rate")
    async def create(self, ctx: Ctx, data: JSONBody[VatRateIn]) -> r.VatRate:
        return j.view(r.VatRate, await catalogue.create_vat_rate(ctx, data))

    @patch("/{rate_id:str}", summary="Update a VAT rate")
    async def update(self, ctx: Ctx, rate_id: Id, data: JSONBody[VatRatePatch]) -> r.VatRate:
        return j.view(r.VatRate, await catalogue.update_vat_rate(ctx, rate_id, data))

    @delete("/{rate_id:str}", summary="Soft-delete a VAT rate")
    async def remove(self, ctx: Ctx, rate_id: Id) -> None:
        await catalogue.delete_vat_rate(ctx, rate_id)


class SupplierController(Controller):
    """``/api/v1/suppliers`` (read side; suppliers are mostly created by the e-Factura sync)."""

    path = "/api/v1/suppliers"
    tags = ["suppliers"]

    @get("/", summary="Paginated suppliers")
    async def index(self, ctx: Ctx, page: Page = 1, limit: Limit = 20, search: Search = None) -> r.SupplierPage:  # type: ignore[valid-type]
        return j.view(r.SupplierPage, await service.list_suppliers(ctx, page=page, limit=limit, search=search))

    @post(
        "/",
        summary="Create a supplier; a known CIF answers 200 with existing: true",
        responses={200: ResponseSpec(data_container=SupplierCreated, description="The CIF is already a supplier: {supplier, existing: true}")},
    )
    async def create(self, ctx: Ctx, data: JSONBody[SupplierIn]) -> Response[SupplierCreated]:
        body, status = await suppliers.create_supplier(ctx, data)
        return Response(body, status_code=status)

    @post("/bulk-delete", status_code=200, summary="Soft-delete 1-100 suppliers; per-id errors (shape D)")
    async def bulk_delete(self, ctx: Ctx, data: JSONBody[BulkIds]) -> BulkResult:
        return await suppliers.bulk_delete_suppliers(ctx, data)

    @get("/{supplier_id:str}", summary="Supplier detail with incoming invoices")
    async def detail(self, ctx: Ctx, supplier_id: Id) -> r.SupplierDetail:
        return j.view(r.SupplierDetail, await service.get_supplier(ctx, supplier_id))

    @patch("/{supplier_id:str}", summary="Update a supplier's contact, address and bank fields")
    async def update(self, ctx: Ctx, supplier_id: Id, data: JSONBody[SupplierPatch]) -> SupplierEnvelope:
        return await suppliers.update_supplier(ctx, supplier_id, data)

    @delete("/{supplier_id:str}", summary="Soft-delete a supplier (incoming invoices keep it)")
    async def remove(self, ctx: Ctx, supplier_id: Id) -> None:
        await suppliers.delete_supplier(ctx, supplier_id)


#: Mounted by the app factory.
ROUTES: list[Any] = [ClientController, ProductController, VatRateController, SupplierController]
