"""HTTP routes of invoices and credit notes (``/api/v1/invoices``), thin over :class:`InvoiceService`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api.params import ClientId, Ctx, DateFrom, DateTo, Limit, Page
from core.api import json as j
from core.documents import attachments
from core.invoicing.schemas import CancelIn, InvoiceIn, event_json, invoice_json, refund_json
from core.invoicing import responses as r
from core.invoicing import bulk
from core.invoicing.payments import PaymentIn, delete_payment, list_payments, payment_json, payments_of, record_payment
from core.invoicing.storno import storno
from core.invoicing.service import InvoiceService

InvoiceId = Annotated[str, PathParameter(description="Invoice id (UUID).")]

__all__ = ["InvoiceController", "ROUTES"]

Sort = Literal["issueDate", "number", "total", "dueDate"]
Order = Literal["asc", "desc"]
Status = Literal["draft", "synced", "issued", "sent_to_provider", "validated", "rejected", "cancelled", "paid", "partially_paid", "overdue", "converted", "refund", "refunded"]


def _service(request: Request) -> InvoiceService:
    return request.app.state.invoices


class InvoiceController(Controller):
    """Invoices and credit notes of the caller's company (objects.md §3.1, §5.1)."""

    path = "/api/v1/invoices"
    tags = ["invoices"]

    @get("/")
    async def list_invoices(
        self,
        request: Request,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        search: Annotated[str | None, QueryParameter(description="Number, names or CIFs.")] = None,
        status: Annotated[Status | None, QueryParameter()] = None,
        direction: Annotated[Literal["outgoing", "incoming"] | None, QueryParameter()] = None,
        type_: Annotated[Literal["invoice", "credit_note"] | None, QueryParameter(name="type")] = None,
        client_id: ClientId = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        date_from_alias: Annotated[dt.date | None, QueryParameter(name="dateFrom")] = None,
        date_to_alias: Annotated[dt.date | None, QueryParameter(name="dateTo")] = None,
        sort: Annotated[Sort, QueryParameter()] = "issueDate",
        order: Annotated[Order, QueryParameter()] = "desc",
        currency: Annotated[str | None, QueryParameter(description="ISO 4217 code.")] = None,
        supplier_id: Annotated[str | None, QueryParameter(name="supplierId")] = None,
        is_paid: Annotated[bool | None, QueryParameter(name="isPaid", description="Filter on paidAt.")] = None,
        is_overdue: Annotated[bool | None, QueryParameter(name="isOverdue")] = None,
        total_min: Annotated[Decimal | None, QueryParameter(name="totalMin")] = None,
        total_max: Annotated[Decimal | None, QueryParameter(name="totalMax")] = None,
    ) -> r.InvoicePage:  # type: ignore[valid-type]
        """Paginated invoices with filters (``from``/``to`` or ``dateFrom``/``dateTo`` on the issue date)."""
        rows, total = await _service(request).list(
            ctx.company_id,
            page=page,
            limit=limit,
            status=status,
            direction=direction,
            document_type=type_,
            client_id=client_id,
            search=search,
            date_from=date_from or date_from_alias,
            date_to=date_to or date_to_alias,
            sort=sort,
            order=order,
            currency=currency,
            supplier_id=supplier_id,
            is_paid=is_paid,
            is_overdue=is_overdue,
            total_min=total_min,
            total_max=total_max,
        )
        return j.view(r.InvoicePage, j.page([invoice_json(row, detail=False) for row in rows], total, page, limit))

    @post("/", responses={200: ResponseSpec(data_container=r.InvoiceResult, description="Replay of an Idempotency-Key: the first result")})
    async def create_invoice(self, request: Request, ctx: Ctx, data: JSONBody[InvoiceIn]) -> Response[r.InvoiceResult]:
        """Create a draft invoice or credit note; ``Idempotency-Key`` (or ``idempotencyKey``) dedups.

        201 ``{"invoice", "validation"}``; a replay returns 200 with the first result.
        """
        service = _service(request)
        row, created = await service.create(
            ctx.company_id, data, actor=ctx.caller.email, idempotency_key=request.headers.get("idempotency-key")
        )
        body = {"invoice": invoice_json(row, await service.lines(row["id"])), "validation": None}
        return Response(j.view(r.InvoiceResult, body), status_code=201 if created else 200)

    @post("/import", status_code=201)
    async def import_xml(self, request: Request, ctx: Ctx) -> r.InvoiceEnvelope:
        """Import a supplier's e-invoice file (raw XML body: UBL or CII) as an incoming invoice.

        400 ``PARSE_ERROR`` for malformed, oversized or entity-laden XML (nothing is stored);
        409 ``DUPLICATE_FILE`` when the same file was imported before.
        """
        service = _service(request)
        row = await service.import_file(ctx.company_id, await request.body())
        return j.view(r.InvoiceEnvelope, {"invoice": invoice_json(row, await service.lines(row["id"]))})

    @post("/bulk-storno", status_code=200)
    async def bulk_storno(self, request: Request, ctx: Ctx, data: JSONBody[bulk.BulkIn]) -> r.BulkCreated:
        """A draft storno per id (1–100 ids): ``{"created", "errors"}``."""
        return j.view(r.BulkCreated, await bulk.bulk_storno(_service(request), ctx.company_id, data, actor=ctx.caller.email))

    @post("/bulk-cancel", status_code=200)
    async def bulk_cancel(self, request: Request, ctx: Ctx, data: JSONBody[bulk.BulkIn]) -> r.BulkCancelled:
        """Cancel 1–100 invoices: ``{"cancelled", "errors"}``."""
        return j.view(r.BulkCancelled, await bulk.bulk_cancel(_service(request), ctx.company_id, data, actor=ctx.caller.email))

    @post("/bulk-delete", status_code=200)
    async def bulk_delete(self, request: Request, ctx: Ctx, data: JSONBody[bulk.BulkIn]) -> r.BulkDeleted:
        """Delete 1–100 draft/cancelled invoices: ``{"deleted", "errors"}``."""
        return j.view(r.BulkDeleted, await bulk.bulk_delete(_service(request), ctx.company_id, data, actor=ctx.caller.email))

    @post("/bulk-mark-paid", status_code=200)
    async def bulk_mark_paid(self, request: Request, ctx: Ctx, data: JSONBody[bulk.BulkIn]) -> r.BulkMarked:
        """Settle the balance of 1–100 invoices: ``{"marked", "errors"}``."""
        return j.view(r.BulkMarked, await bulk.bulk_mark_paid(_service(request), ctx.company_id, data, actor=ctx.caller.email))

    @get("/{invoice_id:str}/payments")
    async def invoice_payments(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> list[r.Payment]:
        """Payments of the invoice (bare array)."""
        return j.view(list[r.Payment], [payment_json(p) for p in await list_payments(_service(request), ctx.company_id, invoice_id)])

    @post("/{invoice_id:str}/payments", status_code=201)
    async def record_invoice_payment(self, request: Request, ctx: Ctx, invoice_id: InvoiceId, data: JSONBody[PaymentIn]) -> r.Payment:
        """Record a payment: 400 without amount > 0 or paymentMethod; 422 on overpayment or a negative total."""
        return j.view(r.Payment, payment_json(await record_payment(_service(request), ctx.company_id, invoice_id, data, actor=ctx.caller.email)))

    @delete("/{invoice_id:str}/payments/{payment_id:str}", status_code=204)
    async def delete_invoice_payment(self, request: Request, ctx: Ctx, invoice_id: InvoiceId, payment_id: Annotated[str, PathParameter(description="Payment id.")]) -> None:
        """Delete a payment; amountPaid and paidAt are recomputed."""
        await delete_payment(_service(request), ctx.company_id, invoice_id, payment_id, actor=ctx.caller.email)

    @get("/{invoice_id:str}")
    async def get_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> r.Invoice:
        """Invoice detail with lines, payments and (when storno children exist) ``refundInvoices``."""
        service = _service(request)
        row = await service.get(ctx.company_id, invoice_id)
        body = invoice_json(row, await service.lines(invoice_id))
        body["payments"] = [payment_json(p) for p in await payments_of(invoice_id)]
        refunds = await service.refunds(invoice_id)
        if refunds:
            body["refundInvoices"] = [refund_json(child) for child in refunds]
        body["attachments"] = await attachments.list_for(invoice_id)
        return j.view(r.Invoice, body)

    @post("/{invoice_id:str}/storno", status_code=201)
    async def storno_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> r.InvoiceResult:
        """Create and issue the storno of an issued invoice (objects.md §7); 400 when not allowed."""
        service = _service(request)
        row = await storno(service, ctx.company_id, invoice_id, actor=ctx.caller.email)
        return j.view(r.InvoiceResult, {"invoice": invoice_json(row, await service.lines(row["id"])), "validation": row.get("validation")})

    @put("/{invoice_id:str}")
    async def update_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId, data: JSONBody[InvoiceIn]) -> r.InvoiceResult:
        """Update an editable draft; lines are replaced wholesale. ``{"invoice", "validation"}``."""
        service = _service(request)
        row = await service.update(ctx.company_id, invoice_id, data, actor=ctx.caller.email)
        return j.view(r.InvoiceResult, {"invoice": invoice_json(row, await service.lines(invoice_id)), "validation": None})

    @post("/{invoice_id:str}/cancel", status_code=200)
    async def cancel_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId, data: JSONBody[CancelIn | None] = None) -> r.InvoiceEnvelope:
        """Cancel a draft or a not-yet-uploaded issued invoice (reason optional); 422 otherwise."""
        service = _service(request)
        row = await service.cancel(ctx.company_id, invoice_id, reason=data.reason if data else None, actor=ctx.caller.email)
        return j.view(r.InvoiceEnvelope, {"invoice": invoice_json(row, await service.lines(invoice_id))})

    @post("/{invoice_id:str}/restore", status_code=200)
    async def restore_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> r.InvoiceEnvelope:
        """Restore a cancelled invoice to draft; 422 otherwise."""
        service = _service(request)
        row = await service.restore(ctx.company_id, invoice_id, actor=ctx.caller.email)
        return j.view(r.InvoiceEnvelope, {"invoice": invoice_json(row, await service.lines(invoice_id))})

    @delete("/{invoice_id:str}", status_code=204)
    async def delete_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> None:
        """Soft-delete a draft or cancelled invoice (issued ones: use storno)."""
        await _service(request).delete(ctx.company_id, invoice_id)

    @post("/{invoice_id:str}/issue", status_code=200)
    async def issue_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> r.InvoiceResult:
        """Validate then issue: final number, stored XML; 422 shape C when the rules fail."""
        service = _service(request)
        row = await service.issue(ctx.company_id, invoice_id, actor=ctx.caller.email)
        return j.view(r.InvoiceResult, {"invoice": invoice_json(row, await service.lines(invoice_id)), "validation": row.get("validation")})

    @post("/{invoice_id:str}/validate", status_code=200)
    async def validate_invoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> r.ValidationResult:
        """Run XSD + schematron validation; returns the validation result (shape C, with layers)."""
        return j.view(r.ValidationResult, await _service(request).validate(ctx.company_id, invoice_id))

    @get("/{invoice_id:str}/xml", media_type="application/xml")
    async def invoice_xml(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> Response[bytes]:
        """The stored XML with its file name in ``Content-Disposition`` (404 before issue, 410 if gone)."""
        filename, content = await _service(request).xml(ctx.company_id, invoice_id)
        return Response(content, media_type="application/xml", headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    @get("/{invoice_id:str}/events")
    async def invoice_events(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> list[r.InvoiceEvent]:
        """Status-change trail (bare array)."""
        return j.view(list[r.InvoiceEvent], [event_json(e) for e in await _service(request).events(ctx.company_id, invoice_id)])


ROUTES = [InvoiceController]
