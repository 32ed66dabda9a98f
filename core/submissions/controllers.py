"""HTTP routes of the transport side: submit, submissions of an invoice, e-Factura sync and messages."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import PathParameter, QueryParameter

from core.api.params import Ctx, Limit, Page
from core.api import json as j
from core.errors import NotFound
from core.invoicing.schemas import invoice_json
from core.invoicing.responses import InvoiceSubmitted
from core.submissions import responses as r
from core.submissions.service import submission_json
from core.submissions.tables import EfacturaMessage, SyncState

InvoiceId = Annotated[str, PathParameter(description="Invoice id (UUID).")]

__all__ = ["ROUTES"]


def _message_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "anafMessageId": row["anaf_message_id"],
        "messageType": row["message_type"],
        "cif": row["cif"],
        "details": row["details"],
        "uploadId": row.get("upload_id"),
        "status": row["status"],
        "errorMessage": row.get("error_message"),
        "invoice": {"id": row["invoice"]} if row.get("invoice") else None,
        "createdAt": j.stamp(row["created_at"]),
    }


class SubmitController(Controller):
    """Sending one invoice to its national system (objects.md §5.1 "submit to ANAF")."""

    path = "/api/v1/invoices/{invoice_id:str}"
    tags = ["invoices"]

    @post("/submit", status_code=200)
    async def submit(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> InvoiceSubmitted:
        """Queue the upload (async); the invoice becomes ``sent_to_provider``."""
        services = request.app.state
        await services.submissions.submit(ctx.company_id, invoice_id, actor=ctx.caller.email)
        row = await services.invoices.get(ctx.company_id, invoice_id)
        return j.view(InvoiceSubmitted, {"invoice": invoice_json(row, await services.invoices.lines(invoice_id)), "message": "Submission queued."})

    @get("/einvoice-submissions")
    async def submissions(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> list[r.Submission]:
        """Provider submission records of the invoice (bare array)."""
        rows = await request.app.state.submissions.for_invoice(ctx.company_id, invoice_id)
        return j.view(list[r.Submission], [submission_json(row) for row in rows])


class SyncController(Controller):
    """e-Factura (SPV) incoming sync of the company."""

    path = "/api/v1/sync"
    tags = ["anaf"]

    @post("/trigger", status_code=202)
    async def trigger(self, request: Request, ctx: Ctx) -> r.SyncQueued:
        """Queue a sync (202 ``{"status":"queued"}``)."""
        services = request.app.state
        await services.sync.request(ctx.company_id, "anaf")
        services.runtime.enqueue("sync.company", ctx.company_id, "anaf")
        return r.SyncQueued(status="queued")

    @get("/status")
    async def status(self, request: Request, ctx: Ctx) -> r.SyncStatus:
        """Sync state: status (idle, queued, running, error), last sync, last error, counts."""
        row = await SyncState.select().output(load_json=True).where((SyncState.company == ctx.company_id) & (SyncState.provider == "anaf")).first().run()
        if row is None:
            return r.SyncStatus(status="never", last_synced_at=None, last_error=None, stats={})
        return j.view(r.SyncStatus, {"status": row["status"], "lastSyncedAt": j.stamp(row.get("last_synced_at")), "lastError": row.get("last_error"), "stats": row.get("stats") or {}})


class MessageController(Controller):
    """Raw SPV messages seen by the sync (objects.md §3.19 EFacturaMessage)."""

    path = "/api/v1/efactura-messages"
    tags = ["anaf"]

    @get("/")
    async def list_messages(
        self,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        message_type: Annotated[str | None, QueryParameter(name="messageType")] = None,
        status: Annotated[str | None, QueryParameter()] = None,
    ) -> r.EfacturaMessagePage:  # type: ignore[valid-type]
        """Paginated messages, newest first."""
        where = EfacturaMessage.company == ctx.company_id
        if message_type:
            where &= EfacturaMessage.message_type == message_type
        if status:
            where &= EfacturaMessage.status == status
        total = await EfacturaMessage.count().where(where).run()
        rows = await EfacturaMessage.select().where(where).order_by(EfacturaMessage.created_at, ascending=False).limit(limit).offset((page - 1) * limit).run()
        return j.view(r.EfacturaMessagePage, j.page([_message_json(row) for row in rows], total, page, limit))

    @get("/{message_id:str}")
    async def get_message(self, ctx: Ctx, message_id: Annotated[str, PathParameter(description="Message id (UUID).")]) -> r.EfacturaMessage:
        """One message."""
        row = await EfacturaMessage.select().where((EfacturaMessage.id == message_id) & (EfacturaMessage.company == ctx.company_id)).first().run()
        if row is None:
            raise NotFound("Message not found.")
        return j.view(r.EfacturaMessage, _message_json(row))


ROUTES = [SubmitController, SyncController, MessageController]
