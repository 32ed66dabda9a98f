"""Supporting documents of an invoice (EN 16931 BG-24 "Additional supporting documents").

``POST /api/v1/invoices/{id}/attachments`` takes one ``multipart/form-data`` file (part ``file``,
optional text part ``description``), at most :data:`MAX_ATTACHMENT_BYTES`, of a type EN 16931
allows for BT-125 (:data:`MIME_TYPES`: PDF, PNG, JPEG, CSV, XLSX, ODS). The bytes go to the
content-addressed :class:`core.documents.store.DocumentStore` (kind ``attachment``); the row of
:class:`core.documents.tables.InvoiceAttachment` names it. ``GET …/attachments/{attachmentId}``
answers the bytes with ``Content-Disposition: attachment``; the invoice detail lists them
(objects.md §3.1 ``attachments``: ``{id, filename, mimeType, description, size}``).

Attachments are kept beside the invoice and are not embedded in the rendered e-invoice XML.
Errors: 404 unknown invoice/attachment, 400 no file, 413 ``FILE_TOO_LARGE``, 415 ``INVALID_TYPE``,
410 when the stored file disappeared.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from core.auth.context import CompanyContext
from core.auth.permissions import require
from core.db.engine import write_transaction
from core.documents.store import DocumentStore
from core.documents.tables import InvoiceAttachment
from core.documents.uploads import SIGNATURES, InvalidType, checked_content
from core.errors import BadRequest, NotFound
from core.invoicing.tables import Invoice

__all__ = ["MAX_ATTACHMENT_BYTES", "MIME_TYPES", "Attachment", "AttachmentCreated", "add", "list_for", "read"]

#: Largest attachment accepted (bytes); ANAF takes e-invoices up to 10 MB in all.
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
#: MIME codes EN 16931 allows for an attached binary object (BT-125 ``mimeCode``).
MIME_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)
class Attachment(msgspec.Struct, rename="camel", kw_only=True):
    """An attachment as the API shows it; ``size`` in bytes."""

    id: str
    filename: str
    mime_type: str
    description: str | None
    size: int


class AttachmentCreated(msgspec.Struct, kw_only=True):
    """``POST …/attachments`` (201): the new attachment."""

    attachment: Attachment


def _json(row: dict[str, Any]) -> Attachment:
    return Attachment(id=row["id"], filename=row["filename"], mime_type=row["mime_type"], description=row["description"], size=row["size"])


def _safe_name(name: str | None) -> str:
    """The base name, without path parts or characters that would break a header."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c if c.isprintable() and c not in '"' else "_" for c in base).strip(" .")
    return base[:200] or "attachment"


async def _invoice(company_id: str, invoice_id: str) -> dict[str, Any]:
    row = await Invoice.select(Invoice.id).where(
        (Invoice.id == invoice_id) & (Invoice.company == company_id) & Invoice.deleted_at.is_null()
    ).first().run()
    if row is None:
        raise NotFound("Invoice not found.")
    return row


async def add(
    ctx: CompanyContext, store: DocumentStore, invoice_id: str, *, filename: str | None, media_type: str | None,
    content: bytes | None, description: str | None,
) -> AttachmentCreated:
    """Store one uploaded file for the invoice; raises NotFound, BadRequest (no or empty file),
    :class:`core.documents.uploads.FileTooLarge`, :class:`core.documents.uploads.InvalidType`, Forbidden (``invoice.edit``)."""
    require(ctx.caller, "invoice.edit")
    await _invoice(ctx.company_id, invoice_id)
    content = checked_content(content, MAX_ATTACHMENT_BYTES, "file")
    mime = (media_type or "").split(";")[0].strip().lower()
    if mime not in MIME_TYPES:
        raise InvalidType(f"Files of type '{mime or 'unknown'}' cannot be attached; allowed: {', '.join(sorted(MIME_TYPES))}.")
    if mime in SIGNATURES and not content.startswith(SIGNATURES[mime]):
        raise InvalidType(f"The file's content is not {mime}.")
    text = (description or "").strip() or None
    if text and len(text) > 1000:
        raise BadRequest("description: at most 1000 characters.", field="description")
    name = _safe_name(filename)
    async with write_transaction():
        document_id = await store.save(company_id=ctx.company_id, invoice_id=invoice_id, kind="attachment", filename=name, media_type=mime, content=content)
        row = InvoiceAttachment(company=ctx.company_id, invoice=invoice_id, document=document_id, filename=name, mime_type=mime, description=text, size=len(content))
        await InvoiceAttachment.insert(row).run()
    return AttachmentCreated(attachment=Attachment(id=row.id, filename=name, mime_type=mime, description=text, size=len(content)))


async def list_for(invoice_id: str) -> list[dict[str, Any]]:
    """The invoice's attachments, oldest first, as the detail's ``attachments`` entries (camelCase dicts)."""
    rows = await InvoiceAttachment.select().where(InvoiceAttachment.invoice == invoice_id).order_by(InvoiceAttachment.created_at).order_by(InvoiceAttachment.id).run()
    return [msgspec.to_builtins(_json(r)) for r in rows]


async def read(ctx: CompanyContext, store: DocumentStore, invoice_id: str, attachment_id: str) -> tuple[Attachment, bytes]:
    """One attachment of the company's invoice and its bytes; NotFound, or Gone when the file disappeared."""
    require(ctx.caller, "invoice.view")
    await _invoice(ctx.company_id, invoice_id)
    row = await InvoiceAttachment.select().where(
        (InvoiceAttachment.id == attachment_id) & (InvoiceAttachment.invoice == invoice_id) & (InvoiceAttachment.company == ctx.company_id)
    ).first().run()
    if row is None:
        raise NotFound("Attachment not found.")
    return _json(row), await store.read_id(row["document"])
