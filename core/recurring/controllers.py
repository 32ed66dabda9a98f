"""HTTP routes of recurring invoice templates (``/api/v1/recurring-invoices``), thin over :class:`RecurringService`.

Permissions (objects.md §8.5): reads need ``recurring_invoice.view``, every write
``recurring_invoice.manage``; issuing now also ``invoice.issue`` (it issues a fiscal document). Errors: 404 unknown template, 403 a company of another
organisation, 400 undecodable body or bad bulk id list, 422 template rules, 409 idempotency key
reused with another body or a period generated meanwhile.
"""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api.params import ClientId, Ctx, Limit, Page
from core.auth.permissions import require
from core.invoicing.bulk import BulkIn
from core.recurring.schemas import (
    BulkDeleted, BulkIssued, BulkToggleIn, BulkUpdated, IssueNowResult, Recurring, RecurringIn, RecurringPage,
    detail_body, issued_body, row_body,
)
from core.recurring.service import RecurringService

__all__ = ["RecurringInvoiceController", "ROUTES"]

TemplateId = Annotated[str, PathParameter(description="Recurring invoice id (UUID).")]
Frequency = Literal["once", "weekly", "monthly", "bimonthly", "quarterly", "semi_annually", "yearly"]
VIEW, MANAGE, ISSUE = "recurring_invoice.view", "recurring_invoice.manage", "invoice.issue"


def _service(request: Request) -> RecurringService:
    return request.app.state.services.recurring


async def _detail(service: RecurringService, company_id: str, template_id: str) -> Recurring:
    row = await service.get(company_id, template_id)
    estimate = (await service.estimates(company_id, [row]))[row["id"]]
    return detail_body(row, await service.lines(template_id), estimate)


class RecurringInvoiceController(Controller):
    """Recurring invoice templates of the caller's company (objects.md §3.11)."""

    path = "/api/v1/recurring-invoices"
    tags = ["recurring-invoices"]

    @get("/")
    async def list_recurring(
        self,
        request: Request,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        search: Annotated[str | None, QueryParameter(description="Reference or client name.")] = None,
        is_active: Annotated[bool | None, QueryParameter(name="isActive")] = None,
        frequency: Annotated[Frequency | None, QueryParameter()] = None,
        client_id: ClientId = None,
    ) -> RecurringPage:
        """Paginated templates with stored and estimated totals, soonest next issuance first."""
        require(ctx.caller, VIEW)
        service = _service(request)
        rows, total = await service.list(ctx.company_id, page=page, limit=limit, search=search, is_active=is_active, client_id=client_id, frequency=frequency)
        estimates = await service.estimates(ctx.company_id, rows)
        pages = (total + limit - 1) // limit
        return RecurringPage(data=[row_body(r, estimates[r["id"]]) for r in rows], total=total, page=page, limit=limit, pages=pages)

    @post("/", responses={200: ResponseSpec(data_container=Recurring, description="Replay of an Idempotency-Key: the first template")})
    async def create_recurring(self, request: Request, ctx: Ctx, data: JSONBody[RecurringIn]) -> Response[Recurring]:
        """Create a template (frequency, frequencyDay, clientId and lines required): 201; a replay
        of the same ``Idempotency-Key`` and body is 200 with the first template, another body 409."""
        require(ctx.caller, MANAGE)
        service = _service(request)
        row, created = await service.create(ctx.company_id, data, idempotency_key=request.headers.get("idempotency-key"))
        return Response(await _detail(service, ctx.company_id, row["id"]), status_code=201 if created else 200)

    @post("/bulk-delete", status_code=200)
    async def bulk_delete(self, request: Request, ctx: Ctx, data: JSONBody[BulkIn]) -> BulkDeleted:
        """Delete 1–100 templates: ``{"deleted", "errors"}``."""
        require(ctx.caller, MANAGE)
        service = _service(request)
        return BulkDeleted(**await service.bulk(data.ids, "deleted", lambda i: service.delete(ctx.company_id, i)))

    @post("/bulk-toggle-active", status_code=200)
    async def bulk_toggle(self, request: Request, ctx: Ctx, data: JSONBody[BulkToggleIn]) -> BulkUpdated:
        """Set ``isActive`` on 1–100 templates (flip each when absent): ``{"updated", "errors"}``."""
        require(ctx.caller, MANAGE)
        service = _service(request)
        return BulkUpdated(**await service.bulk(data.ids, "updated", lambda i: service.set_active(ctx.company_id, i, data.is_active)))

    @post("/bulk-issue-now", status_code=200)
    async def bulk_issue_now(self, request: Request, ctx: Ctx, data: JSONBody[BulkIn]) -> BulkIssued:
        """Generate and issue the next invoice of 1–100 templates: ``{"issued", "errors"}``."""
        require(ctx.caller, MANAGE)
        require(ctx.caller, ISSUE)
        service = _service(request)
        return BulkIssued(**await service.bulk(data.ids, "issued", lambda i: service.issue_now(ctx.company_id, i, actor=ctx.caller.email)))

    @get("/{template_id:str}")
    async def get_recurring(self, request: Request, ctx: Ctx, template_id: TemplateId) -> Recurring:
        """Template detail with lines."""
        require(ctx.caller, VIEW)
        return await _detail(_service(request), ctx.company_id, template_id)

    @put("/{template_id:str}")
    async def update_recurring(self, request: Request, ctx: Ctx, template_id: TemplateId, data: JSONBody[RecurringIn]) -> Recurring:
        """Replace a template's fields and lines."""
        require(ctx.caller, MANAGE)
        service = _service(request)
        await service.update(ctx.company_id, template_id, data)
        return await _detail(service, ctx.company_id, template_id)

    @delete("/{template_id:str}", status_code=204)
    async def delete_recurring(self, request: Request, ctx: Ctx, template_id: TemplateId) -> None:
        """Delete a template (its generated invoices stay)."""
        require(ctx.caller, MANAGE)
        await _service(request).delete(ctx.company_id, template_id)

    @post("/{template_id:str}/toggle", status_code=200)
    async def toggle_recurring(self, request: Request, ctx: Ctx, template_id: TemplateId) -> Recurring:
        """Flip ``isActive`` (422 ``schedule_ended`` when activating an ended schedule)."""
        require(ctx.caller, MANAGE)
        service = _service(request)
        await service.set_active(ctx.company_id, template_id)
        return await _detail(service, ctx.company_id, template_id)

    @post("/{template_id:str}/issue-now", status_code=201)
    async def issue_now(self, request: Request, ctx: Ctx, template_id: TemplateId) -> IssueNowResult:
        """Generate and issue the next invoice now (the period of ``nextIssuanceDate``), advancing the
        schedule: 201 with the invoice and the template; 422 shape C when the invoice fails validation."""
        require(ctx.caller, MANAGE)
        require(ctx.caller, ISSUE)
        service = _service(request)
        invoice = await service.issue_now(ctx.company_id, template_id, actor=ctx.caller.email)
        return IssueNowResult(invoice=issued_body(invoice), recurring_invoice=await _detail(service, ctx.company_id, template_id))


ROUTES = [RecurringInvoiceController]
