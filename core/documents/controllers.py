"""HTTP routes of document PDFs and the company's PDF template configuration.

``GET /api/v1/invoices/{id}/pdf`` (outgoing: the company's template; incoming: rendered from the
stored canonical document, supplier as seller), ``GET|PUT /api/v1/pdf-template-config``,
``GET /api/v1/pdf-template-config/templates`` and ``POST /api/v1/pdf-template-config/preview``
(endpoints.tsv, area ``pdf-template-config``), ``POST|DELETE /api/v1/companies/{id}/logo`` (area
``companies``: the logo those PDFs carry). Rendering runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, PathParameter, QueryParameter

from core.api.params import Ctx
from core.auth.context import Caller
from core.auth.tables import Company
from core.api.json import view
from core.documents import attachments, company_logo, pdf, pdf_config
from core.documents import responses as r
from core.documents.pdf_config import PdfTemplateConfigIn
from core.errors import NotFound

__all__ = ["ROUTES", "AttachmentController", "CompanyLogoController", "DeliveryNotePdfController", "InvoicePdfController", "PdfTemplateConfigController", "ProformaPdfController", "rendered_pdf"]

Language = Literal["ro", "en", "de", "fr"]


def _data_dir(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir)


async def _company(company_id: str) -> dict[str, Any]:
    row = await Company.select().where(Company.id == company_id).first().run()
    if row is None:
        raise NotFound("Company not found.")
    return row


def _pdf_response(content: bytes, filename: str, disposition: str = "attachment") -> Response[bytes]:
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


async def rendered_pdf(request: Request, company_id: str, view: dict[str, Any], disposition: str = "attachment") -> Response[bytes]:
    """The print ``view`` rendered (in a worker thread) with the company's PDF template, as an
    ``application/pdf`` response named by :func:`core.documents.pdf.pdf_filename` (``disposition``
    ``attachment`` or ``inline``)."""
    options = await pdf_config.get_options(company_id, request.app.state.services.store)
    content = await asyncio.to_thread(pdf.render_pdf, view, options, data_dir=_data_dir(request), company_id=company_id)
    return _pdf_response(content, pdf.pdf_filename(view), disposition)


async def _uploaded(part: Any) -> tuple[UploadFile | None, bytes | None]:
    """The multipart ``file`` part (None when absent or sent as text) and its bytes."""
    upload = part if isinstance(part, UploadFile) else None
    return upload, (await upload.read() if upload is not None else None)


async def invoice_view(request: Request, company_id: str, invoice_id: str, language: str | None) -> dict[str, Any]:
    """The print view of one invoice of ``company_id``; NotFound when it is not the company's."""
    service = request.app.state.invoices
    row = await service.get(company_id, invoice_id)
    lang = language or row.get("language") or "ro"
    if row.get("document"):
        return pdf.view_from_canonical(row["document"], document_type=row["document_type"], language=lang)
    if row.get("direction") == "incoming":
        seller = {"name": row.get("sender_name"), "cif": row.get("sender_cif")}
    else:
        seller = await _company(company_id)
    return pdf.view_from_rows({**row, "language": lang}, await service.lines(invoice_id), seller)


class InvoicePdfController(Controller):
    """``GET /api/v1/invoices/{id}/pdf``."""

    path = "/api/v1/invoices"
    tags = ["invoices"]

    @get("/{invoice_id:str}/pdf", media_type="application/pdf", summary="Render the invoice PDF")
    async def invoice_pdf(
        self,
        request: Request,
        ctx: Ctx,
        invoice_id: Annotated[str, PathParameter(description="Invoice id (UUID).")],
        language: Annotated[Language | None, QueryParameter(description="Override the document's language.")] = None,
    ) -> Response[bytes]:
        """The PDF in the document's language (or ``?language=``), as an attachment."""
        return await rendered_pdf(request, ctx.company_id, await invoice_view(request, ctx.company_id, invoice_id, language))


async def _document_pdf(request: Request, company_id: str, kind: str, service: Any, document_id: str, language: str | None) -> Response[bytes]:
    """The PDF of one ``kind`` document (``proforma``, ``delivery_note``) that ``service`` (its
    service: ``get``/``lines``) finds in ``company_id``; NotFound when it is not the company's."""
    from core.masterdata.tables import Client

    row = await service.get(company_id, document_id)
    client = await Client.select().where(Client.id == row["client"]).first().run() if row.get("client") else None
    view = pdf.view_of_document(kind, {**row, "language": language or row.get("language") or "ro"}, await service.lines(document_id), await _company(company_id), client)
    return await rendered_pdf(request, company_id, view)


class DeliveryNotePdfController(Controller):
    """``GET /api/v1/delivery-notes/{id}/pdf``."""

    path = "/api/v1/delivery-notes"
    tags = ["delivery-notes"]

    @get("/{note_id:str}/pdf", media_type="application/pdf", summary="Render the delivery-note PDF")
    async def delivery_note_pdf(
        self,
        request: Request,
        ctx: Ctx,
        note_id: Annotated[str, PathParameter(description="Delivery note id (UUID).")],
        language: Annotated[Language | None, QueryParameter(description="Language of the print (default ro).")] = None,
    ) -> Response[bytes]:
        """The note's PDF (company template, ``Aviz de însoțire a mărfii`` in Romanian), as an attachment; 404 when not the company's."""
        from core.delivery_notes.service import DeliveryNoteService

        return await _document_pdf(request, ctx.company_id, "delivery_note", DeliveryNoteService(request.app.state.invoices), note_id, language)


class ProformaPdfController(Controller):
    """``GET /api/v1/proforma-invoices/{id}/pdf``."""

    path = "/api/v1/proforma-invoices"
    tags = ["proforma-invoices"]

    @get("/{proforma_id:str}/pdf", media_type="application/pdf", summary="Render the proforma PDF")
    async def proforma_pdf(
        self,
        request: Request,
        ctx: Ctx,
        proforma_id: Annotated[str, PathParameter(description="Proforma id (UUID).")],
        language: Annotated[Language | None, QueryParameter(description="Override the proforma's language.")] = None,
    ) -> Response[bytes]:
        """The proforma's PDF in its language (or ``?language=``), as an attachment; 404 when not the company's."""
        from core.proformas.service import ProformaService

        return await _document_pdf(request, ctx.company_id, "proforma", ProformaService(request.app.state.invoices), proforma_id, language)


@dataclass
class AttachmentUpload:
    """``multipart/form-data`` of ``POST …/attachments``: the ``file`` part and an optional ``description``."""

    file: UploadFile | None = None
    description: str | None = None


class AttachmentController(Controller):
    """``/api/v1/invoices/{id}/attachments``: supporting documents of an invoice (BG-24)."""

    path = "/api/v1/invoices/{invoice_id:str}/attachments"
    tags = ["invoices"]

    @post("/", status_code=201, summary="Upload an attachment (multipart part 'file', optional 'description')")
    async def upload(
        self,
        request: Request,
        ctx: Ctx,
        invoice_id: Annotated[str, PathParameter(description="Invoice id (UUID).")],
        data: Annotated[AttachmentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> attachments.AttachmentCreated:
        """Store the file (PDF, PNG, JPEG, CSV, XLSX, ODS; at most 5 MB) and answer ``{"attachment"}``."""
        upload, content = await _uploaded(data.file)
        return await attachments.add(
            ctx, request.app.state.services.store, invoice_id, filename=upload.filename if upload else None,
            media_type=upload.content_type if upload else None, content=content, description=data.description,
        )

    @get("/{attachment_id:str}", media_type="application/octet-stream", summary="Download an attachment")
    async def download(
        self,
        request: Request,
        ctx: Ctx,
        invoice_id: Annotated[str, PathParameter(description="Invoice id (UUID).")],
        attachment_id: Annotated[str, PathParameter(description="Attachment id (UUID).")],
    ) -> Response[bytes]:
        """The file as uploaded, with its type and ``Content-Disposition: attachment; filename=…``."""
        meta, content = await attachments.read(ctx, request.app.state.services.store, invoice_id, attachment_id)
        quoted = quote(meta.filename, safe="")
        ascii_name = meta.filename.encode("ascii", "replace").decode().replace("?", "_")
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"
        return Response(content, media_type=meta.mime_type, headers={"Content-Disposition": disposition})


class PdfTemplateConfigController(Controller):
    """``/api/v1/pdf-template-config``: the company's PDF layout settings."""

    path = "/api/v1/pdf-template-config"
    tags = ["pdf-template-config"]

    @get("/", summary="Company PDF template settings")
    async def show(self, ctx: Ctx) -> r.PdfTemplateConfig:
        return view(r.PdfTemplateConfig, await pdf_config.config_json(ctx.company_id))

    @put("/", summary="Update PDF template settings (template slug, colours, font, flags, footer, logo)")
    async def update(self, ctx: Ctx, data: JSONBody[PdfTemplateConfigIn]) -> r.PdfTemplateConfig:
        return view(r.PdfTemplateConfig, await pdf_config.update(ctx.company_id, data))

    @get("/templates", summary="Available templates")
    async def templates(self, ctx: Ctx) -> list[r.PdfTemplate]:
        """Authenticated and company-checked like every other ``/api/v1`` route."""
        return [r.PdfTemplate(slug=slug, name=slug.capitalize(), description=text) for slug, text in pdf.TEMPLATES.items()]

    @post("/preview", media_type="application/pdf", status_code=200, summary="Render a preview PDF with the given settings (not saved)")
    async def preview(self, request: Request, ctx: Ctx, data: JSONBody[PdfTemplateConfigIn]) -> Response[bytes]:
        options = await pdf_config.merged(ctx.company_id, data, request.app.state.services.store)
        language = data.language if isinstance(data.language, str) and data.language in ("ro", "en", "de", "fr") else "ro"
        view = pdf.sample_view(await _company(ctx.company_id), language)
        content = await asyncio.to_thread(pdf.render_pdf, view, options, data_dir=_data_dir(request), company_id=ctx.company_id, preview=True)
        return _pdf_response(content, "preview.pdf", "inline")


@dataclass
class LogoUpload:
    """``multipart/form-data`` of ``POST /api/v1/companies/{id}/logo``: the ``file`` part."""

    file: UploadFile | None = None


class CompanyLogoController(Controller):
    """``/api/v1/companies/{id}/logo``: the logo on the company's PDFs (:mod:`core.documents.company_logo`)."""

    path = "/api/v1/companies/{company_id:str}/logo"
    tags = ["companies"]

    @post("/", status_code=201, summary="Upload the company logo used on its PDFs (multipart part 'file'; PNG or JPEG, at most 2 MB)")
    async def upload(
        self,
        request: Request,
        caller: NamedDependency[Caller],
        company_id: Annotated[str, PathParameter(description="Company id (UUID).")],
        data: Annotated[LogoUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> company_logo.Logo:
        upload, content = await _uploaded(data.file)
        return await company_logo.upload(
            caller, request.app.state.services.store, company_id, filename=upload.filename if upload else None, content=content
        )

    @delete("/", status_code=204, summary="Remove the company logo from its PDFs")
    async def remove(
        self, caller: NamedDependency[Caller], company_id: Annotated[str, PathParameter(description="Company id (UUID).")]
    ) -> None:
        await company_logo.remove(caller, company_id)


ROUTES = [
    InvoicePdfController,
    DeliveryNotePdfController,
    ProformaPdfController,
    AttachmentController,
    PdfTemplateConfigController,
    CompanyLogoController,
]
