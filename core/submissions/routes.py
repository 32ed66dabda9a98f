"""More routes of the transport side: submit to a named provider, the legacy ``upload`` name of
submit, the signature check of the stored response, and the e-Factura sync log.

* ``POST /api/v1/invoices/{id}/submit-einvoice`` ``{"provider": "anaf"}``: the same submission
  service as ``POST …/submit`` (:meth:`SubmissionService.submit`), to the provider named;
* ``POST /api/v1/invoices/{id}/upload``: a **[doc drift]** name the documentation uses for
  sending to ANAF; it behaves exactly as ``POST …/submit``;
* ``POST /api/v1/invoices/{id}/verify-signature``: :func:`core.submissions.signature.verify`;
* ``GET /api/v1/sync/log``: the documents the e-Factura sync brought in (its SPV messages, newest
  first, each with the invoice it produced), paginated as objects.md §2.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.api import json as j
from core.api.params import Ctx, Limit, Page
from core.auth.permissions import require
from core.errors import BadRequest
from core.invoicing import responses as r
from core.invoicing.schemas import invoice_json
from core.invoicing.tables import Invoice
from core.submissions import signature
from core.submissions.tables import EfacturaMessage

__all__ = ["ROUTES", "PROVIDER_CODES", "SubmitEinvoiceIn", "SyncLogEntry", "SyncLogPage"]

InvoiceId = Annotated[str, PathParameter(description="Invoice id (UUID).")]
#: Provider codes of the contract (objects.md §3.19 EInvoiceSubmission ``provider``).
PROVIDER_CODES = ("anaf", "xrechnung", "sdi", "ksef", "facturx")


class SubmitEinvoiceIn(msgspec.Struct, kw_only=True):
    """``POST …/submit-einvoice`` body: ``provider`` one of :data:`PROVIDER_CODES`."""

    provider: str | None = None


class QueuedSubmission(msgspec.Struct, rename="camel", kw_only=True):
    """The submission just created (objects.md §3.19; ``status`` ``pending`` until the job sends it)."""

    id: str
    provider: str
    status: str
    created_at: str


class EinvoiceSubmitted(msgspec.Struct, kw_only=True):
    """``POST …/submit-einvoice``: the invoice (now ``sent_to_provider``), its new submission and a message."""

    invoice: r.Invoice
    submission: QueuedSubmission
    message: str


class SyncLogInvoice(msgspec.Struct, rename="camel", kw_only=True):
    """The invoice a synced message produced."""

    id: str
    number: str
    direction: str | None
    status: str
    sender_name: str | None
    sender_cif: str | None
    issue_date: str | None
    total: j.Number
    currency: str


class SyncLogEntry(msgspec.Struct, rename="camel", kw_only=True):
    """One SPV message the sync handled: ``status`` ``processed`` or ``error`` (with ``errorMessage``)."""

    id: str
    anaf_message_id: str
    message_type: str
    upload_id: str | None
    status: str
    error_message: str | None
    invoice: SyncLogInvoice | None
    created_at: str | None


SyncLogPage = j.page_of(SyncLogEntry, "SyncLogPage", "A page of the e-Factura sync log (objects.md §2 envelope).")


async def _submit(request: Request, ctx: Ctx, invoice_id: str, provider: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    require(ctx.caller, "efactura.submit")
    services = request.app.state
    row = await services.submissions.submit(ctx.company_id, invoice_id, actor=ctx.caller.email, provider_code=provider)
    invoice = await services.invoices.get(ctx.company_id, invoice_id)
    return invoice_json(invoice, await services.invoices.lines(invoice_id)), row


class EinvoiceSubmitController(Controller):
    """Sending an issued invoice to a named provider, and the legacy ``upload`` name of submit."""

    path = "/api/v1/invoices/{invoice_id:str}"

    @post("/submit-einvoice", status_code=200, tags=["einvoice"], summary="Submit the invoice to a named provider (anaf, xrechnung, sdi, ksef, facturx)")
    async def submit_einvoice(self, request: Request, ctx: Ctx, invoice_id: InvoiceId, data: JSONBody[SubmitEinvoiceIn]) -> EinvoiceSubmitted:
        """Queue the submission (async); 400 unknown provider code, 422 provider not available or
        not taking the invoice's dialect, or the invoice's state not allowing it (objects.md §5.1)."""
        code = (data.provider or "").strip().lower()
        if code not in PROVIDER_CODES:
            raise BadRequest(f"provider must be one of: {', '.join(PROVIDER_CODES)}.", field="provider")
        invoice, row = await _submit(request, ctx, invoice_id, code)
        queued = QueuedSubmission(id=row["id"], provider=row["provider"], status="pending", created_at=j.stamp(row["created_at"]) or "")
        return EinvoiceSubmitted(invoice=j.view(r.Invoice, invoice), submission=queued, message="Submission queued.")

    @post("/upload", status_code=200, tags=["invoices"], summary="Legacy name of POST …/submit: send the invoice to ANAF")
    async def upload(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> r.InvoiceSubmitted:
        """Exactly ``POST …/submit``: queue the upload; the invoice becomes ``sent_to_provider``."""
        invoice, _ = await _submit(request, ctx, invoice_id, None)
        return j.view(r.InvoiceSubmitted, {"invoice": invoice, "message": "Submission queued."})

    @post("/verify-signature", status_code=200, tags=["invoices"], summary="Verify the provider's signature of the stored response")
    async def verify_signature(self, request: Request, ctx: Ctx, invoice_id: InvoiceId) -> signature.SignatureVerification:
        """Ask the provider (ANAF's signature service) about the stored ``semnatura_`` of the invoice."""
        require(ctx.caller, "invoice.view")
        return await signature.verify(ctx.company_id, invoice_id, request.app.state.services.store)


class SyncLogController(Controller):
    """``GET /api/v1/sync/log``."""

    path = "/api/v1/sync"
    tags = ["anaf"]

    @get("/log", summary="Paginated log of documents brought in by the e-Factura sync")
    async def sync_log(
        self,
        ctx: Ctx,
        page: Page = 1,
        limit: Limit = 20,
        status: Annotated[Literal["processed", "error"] | None, QueryParameter(description="processed or error")] = None,
    ) -> SyncLogPage:  # type: ignore[valid-type]
        """Messages newest first, each with the invoice it produced (null for non-invoice messages)."""
        require(ctx.caller, "efactura.view")
        where = EfacturaMessage.company == ctx.company_id
        if status:
            where &= EfacturaMessage.status == status
        total = await EfacturaMessage.count().where(where).run()
        rows = await (
            EfacturaMessage.select().where(where).order_by(EfacturaMessage.created_at, ascending=False)
            .order_by(EfacturaMessage.id, ascending=False).limit(limit).offset((page - 1) * limit).run()
        )
        ids = [row["invoice"] for row in rows if row.get("invoice")]
        invoices = {
            inv["id"]: inv
            for inv in (
                await Invoice.select(
                    Invoice.id, Invoice.number, Invoice.direction, Invoice.status, Invoice.sender_name, Invoice.sender_cif,
                    Invoice.issue_date, Invoice.total, Invoice.currency,
                ).where(Invoice.id.is_in(ids) & (Invoice.company == ctx.company_id)).run()
                if ids else []
            )
        }
        data = []
        for row in rows:
            inv = invoices.get(row.get("invoice") or "")
            data.append({
                "id": row["id"], "anafMessageId": row["anaf_message_id"], "messageType": row["message_type"],
                "uploadId": row.get("upload_id"), "status": row["status"], "errorMessage": row.get("error_message"),
                "invoice": None if inv is None else {
                    "id": inv["id"], "number": inv["number"], "direction": inv["direction"], "status": inv["status"],
                    "senderName": inv["sender_name"], "senderCif": inv["sender_cif"], "issueDate": j.date(inv["issue_date"]),
                    "total": j.amount(inv["total"]), "currency": inv["currency"],
                },
                "createdAt": j.stamp(row.get("created_at")),
            })
        return j.view(SyncLogPage, j.page(data, total, page, limit))


ROUTES = [EinvoiceSubmitController, SyncLogController]
