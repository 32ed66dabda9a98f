"""HTTP routes of receipts (``/api/v1/receipts``), thin over :class:`ReceiptService`.

Permissions are the invoice ones, as the contract's permission list (objects.md §8.5) has no
receipt names: view (list, detail, PDF), create (create, convert), edit (update, restore),
delete, issue, cancel, refund. Every response body is a declared Struct of
:mod:`core.receipts.schemas` (or the invoice of :mod:`core.invoicing.responses` for convert).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api import json as j
from core.api.params import ClientId, Ctx, DateFrom, DateTo, Limit, Page
from core.auth.permissions import require
from core.auth.tables import Company
from core.documents.controllers import rendered_pdf
from core.invoicing import responses
from core.invoicing.schemas import invoice_json
from core.masterdata.tables import Client
from core.receipts import refunds
from core.receipts.printing import receipt_view
from core.receipts.schemas import ReceiptIn, ReceiptOut, ReceiptPage, RefundIn, receipt_json, receipt_row_json
from core.receipts.service import ReceiptService

__all__ = ["ReceiptController", "ROUTES"]

ReceiptId = Annotated[str, PathParameter(description="Receipt id (UUID).")]
Status = Literal["draft", "issued", "invoiced", "cancelled"]
Language = Literal["ro", "en", "de", "fr"]


def _service(request: Request) -> ReceiptService:
    return ReceiptService(request.app.state.invoices)


async def _detail(service: ReceiptService, row: dict[str, Any]) -> ReceiptOut:
    parent, children = await service.links(row)
    return j.view(ReceiptOut, receipt_json(row, await service.lines(row["id"]), parent=parent, refunds=children))


class ReceiptController(Controller):
    """Receipts of the caller's company (objects.md §3.10, §5.4, §7.6)."""

    path = "/api/v1/receipts"
    tags = ["receipts"]

    @get("/")
    async def list_receipts(
        self,
        request: Request,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        status: Annotated[Status | None, QueryParameter()] = None,
        search: Annotated[str | None, QueryParameter(description="Number, client or customer name, customer CIF.")] = None,
        client_id: ClientId = None,
        cash_register_name: Annotated[str | None, QueryParameter(name="cashRegisterName", description="Only receipts of this cash register.")] = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
    ) -> ReceiptPage:  # type: ignore[valid-type]
        """Paginated receipts ``{data,total,page,limit,pages,currency,distinctCurrencies,totals}``; ``from``/``to`` on the issue date."""
        require(ctx.caller, "invoice.view")
        rows, total, summary = await _service(request).list(
            ctx.company_id, page=page, limit=limit, status=status, search=search, client_id=client_id,
            cash_register_name=cash_register_name, date_from=date_from, date_to=date_to,
        )
        sums = summary["totals"]
        totals = {
            "subtotal": j.amount(sums["subtotal"]), "vatTotal": j.amount(sums["vat_total"]), "total": j.amount(sums["total"]),
            "receivable": j.amount(sums["total"]), "payable": j.amount(0),
        }
        body = j.page(
            [receipt_row_json(r) for r in rows], total, page, limit,
            currency=summary["currency"], distinctCurrencies=summary["distinct_currencies"], totals=totals,
        )
        return j.view(ReceiptPage, body)

    @post("/", responses={200: ResponseSpec(data_container=ReceiptOut, description="Replay of an Idempotency-Key: the first receipt")})
    async def create_receipt(self, request: Request, ctx: Ctx, data: JSONBody[ReceiptIn]) -> Response[ReceiptOut]:
        """Create a draft receipt (temporary ``BON-`` number): 201. ``Idempotency-Key`` (wins) or
        ``idempotencyKey`` dedups: the same key and body return the first receipt (200), another body 409."""
        require(ctx.caller, "invoice.create")
        service = _service(request)
        row, created = await service.create(ctx.company_id, data, idempotency_key=request.headers.get("idempotency-key") or None)
        return Response(await _detail(service, row), status_code=201 if created else 200)

    @get("/{receipt_id:str}")
    async def get_receipt(self, request: Request, ctx: Ctx, receipt_id: ReceiptId) -> ReceiptOut:
        """Receipt detail with lines, ``refundOf`` and ``refundedBy`` (live refunds)."""
        require(ctx.caller, "invoice.view")
        service = _service(request)
        return await _detail(service, await service.get(ctx.company_id, receipt_id))

    @put("/{receipt_id:str}")
    async def update_receipt(self, request: Request, ctx: Ctx, receipt_id: ReceiptId, data: JSONBody[ReceiptIn]) -> ReceiptOut:
        """Replace a draft or issued receipt's fields and lines (422 otherwise); the number stays."""
        require(ctx.caller, "invoice.edit")
        service = _service(request)
        return await _detail(service, await service.update(ctx.company_id, receipt_id, data))

    @delete("/{receipt_id:str}", status_code=204)
    async def delete_receipt(self, request: Request, ctx: Ctx, receipt_id: ReceiptId) -> None:
        """Delete a draft or cancelled receipt (422 otherwise)."""
        require(ctx.caller, "invoice.delete")
        await _service(request).delete(ctx.company_id, receipt_id)

    @post("/{receipt_id:str}/issue", status_code=200)
    async def issue(self, request: Request, ctx: Ctx, receipt_id: ReceiptId) -> ReceiptOut:
        """Issue a draft: the next number of its series or the default ``receipt`` series, else the temporary number stays."""
        require(ctx.caller, "invoice.issue")
        service = _service(request)
        return await _detail(service, await service.issue(ctx.company_id, receipt_id))

    @post("/{receipt_id:str}/cancel", status_code=200)
    async def cancel(self, request: Request, ctx: Ctx, receipt_id: ReceiptId) -> ReceiptOut:
        """Cancel a draft or issued receipt (not an invoiced one)."""
        require(ctx.caller, "invoice.cancel")
        service = _service(request)
        return await _detail(service, await service.cancel(ctx.company_id, receipt_id))

    @post("/{receipt_id:str}/restore", status_code=200)
    async def restore(self, request: Request, ctx: Ctx, receipt_id: ReceiptId) -> ReceiptOut:
        """Restore a cancelled receipt to draft."""
        require(ctx.caller, "invoice.edit")
        service = _service(request)
        return await _detail(service, await service.restore(ctx.company_id, receipt_id))

    @post("/{receipt_id:str}/convert", status_code=201)
    async def convert(self, request: Request, ctx: Ctx, receipt_id: ReceiptId) -> responses.Invoice:
        """Convert an issued receipt into a new draft invoice (201 with the invoice); the receipt becomes ``invoiced``."""
        require(ctx.caller, "invoice.create")
        invoice = await _service(request).convert(ctx.company_id, receipt_id, actor=ctx.caller.email)
        return j.view(responses.Invoice, invoice_json(invoice, await request.app.state.invoices.lines(invoice["id"])))

    @post("/{receipt_id:str}/refund", status_code=201)
    async def refund(self, request: Request, ctx: Ctx, receipt_id: ReceiptId, data: JSONBody[RefundIn | None] = None) -> ReceiptOut:
        """Create and issue a refund receipt (201): every remaining quantity, or ``lineSelections``
        ``[{sourceLineId, quantity}]``; tender amounts scaled by the refunded share (objects.md §7.6)."""
        require(ctx.caller, "invoice.refund")
        service = _service(request)
        row = await refunds.refund(service, ctx.company_id, receipt_id, data.line_selections if data else None)
        return await _detail(service, row)

    @get("/{receipt_id:str}/pdf", media_type="application/pdf")
    async def receipt_pdf(
        self,
        request: Request,
        ctx: Ctx,
        receipt_id: ReceiptId,
        language: Annotated[Language | None, QueryParameter(description="Override the receipt's language.")] = None,
    ) -> Response[bytes]:
        """The receipt PDF in its language (or ``?language=``), the company's layout, shown inline."""
        require(ctx.caller, "invoice.view")
        service = _service(request)
        row = await service.get(ctx.company_id, receipt_id)
        parent, _ = await service.links(row)
        company = await Company.select().where(Company.id == ctx.company_id).first().run()
        client = await Client.select().where(Client.id == row["client"]).first().run() if row.get("client") else None
        view = receipt_view(
            row, await service.lines(receipt_id), company=company, client=client, parent=parent,
            language=language or row.get("language") or "ro",
        )
        return await rendered_pdf(request, ctx.company_id, view, "inline")


ROUTES = [ReceiptController]
