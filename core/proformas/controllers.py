"""HTTP routes of proforma invoices (``/api/v1/proforma-invoices``), thin over :class:`ProformaService`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, delete, get, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api.params import ClientId, Ctx, DateFrom, DateTo, Limit, Page
from core.api import json as j
from core.invoicing.schemas import invoice_json
from core.invoicing.responses import BulkDeleted, Invoice
from core.proformas import responses as r
from core.proformas.schemas import BulkIds, ProformaIn, proforma_json
from core.proformas.service import ProformaService

__all__ = ["ProformaController", "ROUTES"]

ProformaId = Annotated[str, PathParameter(description="Proforma id (UUID).")]
Status = Literal["draft", "sent", "accepted", "rejected", "converted", "cancelled", "expired"]


def _service(request: Request) -> ProformaService:
    return ProformaService(request.app.state.invoices)


async def _detail(service: ProformaService, row: dict[str, Any]) -> r.Proforma:
    return j.view(r.Proforma, proforma_json(row, await service.lines(row["id"])))


class ProformaController(Controller):
    """Proformas of the caller's company (objects.md §3.7, §5.2)."""

    path = "/api/v1/proforma-invoices"
    tags = ["proforma-invoices"]

    @get("/")
    async def list_proformas(
        self,
        request: Request,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        search: Annotated[str | None, QueryParameter(description="Number or client name.")] = None,
        status: Annotated[Status | None, QueryParameter()] = None,
        client_id: ClientId = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
    ) -> r.ProformaPage:  # type: ignore[valid-type]
        """Paginated proformas ``{data,total,page,limit,pages}``; ``from``/``to`` on the issue date."""
        rows, total = await _service(request).list(
            ctx.company_id, page=page, limit=limit, status=status, search=search, client_id=client_id, date_from=date_from, date_to=date_to
        )
        return j.view(r.ProformaPage, j.page([proforma_json(row, detail=False) for row in rows], total, page, limit))

    @post("/", status_code=201)
    async def create_proforma(self, request: Request, ctx: Ctx, data: JSONBody[ProformaIn]) -> r.Proforma:
        """Create a draft proforma (numbered at creation when ``documentSeriesId`` is given)."""
        service = _service(request)
        return await _detail(service, await service.create(ctx.company_id, data))

    @post("/bulk-delete", status_code=200)
    async def bulk_delete(self, request: Request, ctx: Ctx, data: JSONBody[BulkIds]) -> BulkDeleted:
        """Delete 1–100 draft/cancelled proformas; shape D ``{"deleted", "errors"}``."""
        return j.view(BulkDeleted, await _service(request).bulk_delete(ctx.company_id, data.ids))

    @get("/{proforma_id:str}")
    async def get_proforma(self, request: Request, ctx: Ctx, proforma_id: ProformaId) -> r.Proforma:
        """Proforma detail with lines."""
        service = _service(request)
        return await _detail(service, await service.get(ctx.company_id, proforma_id))

    @put("/{proforma_id:str}")
    async def update_proforma(self, request: Request, ctx: Ctx, proforma_id: ProformaId, data: JSONBody[ProformaIn]) -> r.Proforma:
        """Replace a draft proforma's fields and lines (422 otherwise)."""
        service = _service(request)
        return await _detail(service, await service.update(ctx.company_id, proforma_id, data))

    @delete("/{proforma_id:str}", status_code=204)
    async def delete_proforma(self, request: Request, ctx: Ctx, proforma_id: ProformaId) -> None:
        """Delete a draft or cancelled proforma (422 otherwise)."""
        await _service(request).delete(ctx.company_id, proforma_id)

    @post("/{proforma_id:str}/send", status_code=200)
    async def send(self, request: Request, ctx: Ctx, proforma_id: ProformaId) -> r.Proforma:
        """Mark a draft proforma sent."""
        return await self._transition(request, ctx, proforma_id, "send")

    @post("/{proforma_id:str}/accept", status_code=200)
    async def accept(self, request: Request, ctx: Ctx, proforma_id: ProformaId) -> r.Proforma:
        """Mark a sent proforma accepted."""
        return await self._transition(request, ctx, proforma_id, "accept")

    @post("/{proforma_id:str}/reject", status_code=200)
    async def reject(self, request: Request, ctx: Ctx, proforma_id: ProformaId) -> r.Proforma:
        """Mark a sent proforma rejected."""
        return await self._transition(request, ctx, proforma_id, "reject")

    @post("/{proforma_id:str}/cancel", status_code=200)
    async def cancel(self, request: Request, ctx: Ctx, proforma_id: ProformaId) -> r.Proforma:
        """Cancel a proforma that is neither converted nor cancelled."""
        return await self._transition(request, ctx, proforma_id, "cancel")

    @post("/{proforma_id:str}/convert", status_code=201)
    async def convert(self, request: Request, ctx: Ctx, proforma_id: ProformaId) -> Invoice:
        """Convert a sent/accepted proforma: 201 with the new draft invoice (objects.md §3.1)."""
        invoice = await _service(request).convert(ctx.company_id, proforma_id, actor=ctx.caller.email)
        return j.view(Invoice, invoice_json(invoice, await request.app.state.invoices.lines(invoice["id"])))

    async def _transition(self, request: Request, ctx: Ctx, proforma_id: str, action: str) -> r.Proforma:
        service = _service(request)
        return await _detail(service, await service.transition(ctx.company_id, proforma_id, action))


ROUTES = [ProformaController]
