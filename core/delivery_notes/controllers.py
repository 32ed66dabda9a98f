"""HTTP routes of delivery notes (``/api/v1/delivery-notes``), thin over :class:`DeliveryNoteService`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, delete, get, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api.params import ClientId, Ctx, DateFrom, DateTo, Limit, Page
from core.api import json as j
from core.delivery_notes import responses as r
from core.delivery_notes.schemas import DeliveryNoteIn, FromProforma, delivery_note_json
from core.delivery_notes.service import DeliveryNoteService
from core.invoicing.responses import Invoice
from core.invoicing.schemas import invoice_json
from core.proformas.schemas import BulkIds

__all__ = ["DeliveryNoteController", "ROUTES"]

NoteId = Annotated[str, PathParameter(description="Delivery note id (UUID).")]
Status = Literal["draft", "issued", "converted", "cancelled"]


def _service(request: Request) -> DeliveryNoteService:
    return DeliveryNoteService(request.app.state.invoices)


async def _detail(service: DeliveryNoteService, row: dict[str, Any]) -> r.DeliveryNote:
    return j.view(r.DeliveryNote, delivery_note_json(row, await service.lines(row["id"])))


async def _invoice(request: Request, row: dict[str, Any]) -> Invoice:
    return j.view(Invoice, invoice_json(row, await request.app.state.invoices.lines(row["id"])))


class DeliveryNoteController(Controller):
    """Delivery notes of the caller's company (objects.md §3.9, §5.3)."""

    path = "/api/v1/delivery-notes"
    tags = ["delivery-notes"]

    @get("/")
    async def list_notes(
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
    ) -> r.DeliveryNotePage:  # type: ignore[valid-type]
        """Paginated delivery notes ``{data,total,page,limit,pages}``; ``from``/``to`` on the issue date."""
        rows, total = await _service(request).list(
            ctx.company_id, page=page, limit=limit, status=status, search=search, client_id=client_id, date_from=date_from, date_to=date_to
        )
        return j.view(r.DeliveryNotePage, j.page([delivery_note_json(row, detail=False) for row in rows], total, page, limit))

    @post("/", status_code=201)
    async def create_note(self, request: Request, ctx: Ctx, data: JSONBody[DeliveryNoteIn]) -> r.DeliveryNote:
        """Create a draft delivery note with a temporary ``AVIZ-`` number."""
        service = _service(request)
        return await _detail(service, await service.create(ctx.company_id, data))

    @post("/bulk-convert", status_code=201)
    async def bulk_convert(self, request: Request, ctx: Ctx, data: JSONBody[BulkIds]) -> Invoice:
        """Merge issued notes of one client and currency into one draft invoice (201 with the invoice)."""
        return await _invoice(request, await _service(request).convert(ctx.company_id, data.ids, actor=ctx.caller.email))

    @post("/from-proforma", status_code=201)
    async def from_proforma(self, request: Request, ctx: Ctx, data: JSONBody[FromProforma]) -> r.DeliveryNote:
        """Create a draft delivery note from a proforma's client and lines."""
        service = _service(request)
        return await _detail(service, await service.from_proforma(ctx.company_id, data.proforma_id))

    @get("/{note_id:str}")
    async def get_note(self, request: Request, ctx: Ctx, note_id: NoteId) -> r.DeliveryNote:
        """Delivery-note detail with lines."""
        service = _service(request)
        return await _detail(service, await service.get(ctx.company_id, note_id))

    @put("/{note_id:str}")
    async def update_note(self, request: Request, ctx: Ctx, note_id: NoteId, data: JSONBody[DeliveryNoteIn]) -> r.DeliveryNote:
        """Replace a draft or issued note's fields and lines (422 otherwise)."""
        service = _service(request)
        return await _detail(service, await service.update(ctx.company_id, note_id, data))

    @delete("/{note_id:str}", status_code=204)
    async def delete_note(self, request: Request, ctx: Ctx, note_id: NoteId) -> None:
        """Delete a draft or cancelled note (422 otherwise)."""
        await _service(request).delete(ctx.company_id, note_id)

    @post("/{note_id:str}/issue", status_code=200)
    async def issue(self, request: Request, ctx: Ctx, note_id: NoteId) -> r.DeliveryNote:
        """Issue a draft: series number when a series exists, else the temporary number stays."""
        service = _service(request)
        return await _detail(service, await service.issue(ctx.company_id, note_id))

    @post("/{note_id:str}/cancel", status_code=200)
    async def cancel(self, request: Request, ctx: Ctx, note_id: NoteId) -> r.DeliveryNote:
        """Cancel a draft or issued note (not converted, not declared to e-Transport)."""
        service = _service(request)
        return await _detail(service, await service.cancel(ctx.company_id, note_id))

    @post("/{note_id:str}/restore", status_code=200)
    async def restore(self, request: Request, ctx: Ctx, note_id: NoteId) -> r.DeliveryNote:
        """Restore a cancelled note to draft."""
        service = _service(request)
        return await _detail(service, await service.restore(ctx.company_id, note_id))

    @post("/{note_id:str}/convert", status_code=201)
    async def convert(self, request: Request, ctx: Ctx, note_id: NoteId) -> Invoice:
        """Convert an issued note into a new draft invoice (201 with the invoice)."""
        return await _invoice(request, await _service(request).convert(ctx.company_id, [note_id], actor=ctx.caller.email))

    @post("/{note_id:str}/storno", status_code=201)
    async def storno(self, request: Request, ctx: Ctx, note_id: NoteId) -> r.DeliveryNote:
        """Create a draft reversing note with negated quantities."""
        service = _service(request)
        return await _detail(service, await service.storno(ctx.company_id, note_id))


ROUTES = [DeliveryNoteController]
