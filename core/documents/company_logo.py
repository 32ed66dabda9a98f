"""The company logo printed on its PDFs (``POST|DELETE /api/v1/companies/{id}/logo``, endpoints.tsv
area ``companies``).

An upload is one ``multipart/form-data`` file (part ``file``) of at most :data:`MAX_LOGO_BYTES`,
PNG or JPEG, recognised by its first bytes (the declared content type is not trusted; SVG is
refused, since a script-carrying SVG would need sanitising). The bytes go to the content-addressed
:class:`core.documents.store.DocumentStore` (kind ``logo``) and the company's PDF template
configuration points at them (:func:`core.documents.pdf_config.use_logo_document`, the same
``logoDocumentId`` ``PUT /api/v1/pdf-template-config`` sets), so every PDF of the company then
carries it (when ``showLogo`` is on). DELETE clears the configuration's logo (inline or stored).

Permission ``company.edit``; the company must be one the caller may act on (403 another
organisation's or not allowed, 404 unknown or deleted). Errors: 400 no or empty file,
413 ``FILE_TOO_LARGE``, 415 ``INVALID_TYPE``.
"""

from __future__ import annotations

import re

import msgspec

from core.auth.context import Caller
from core.auth.deps import company_for
from core.auth.permissions import require
from core.db.engine import write_transaction
from core.documents import pdf_config
from core.documents.store import DocumentStore
from core.documents.uploads import SIGNATURES, InvalidType, checked_content

__all__ = ["MAX_LOGO_BYTES", "Logo", "remove", "upload"]

#: Largest logo accepted (bytes).
MAX_LOGO_BYTES = 2 * 1024 * 1024
#: The logo types (recognised by their leading bytes, :data:`core.documents.uploads.SIGNATURES`) and their file extensions.
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


class Logo(msgspec.Struct, rename="camel", kw_only=True):
    """``POST …/logo`` (201): the stored logo; ``id`` is the ``logoDocumentId`` of the PDF
    template configuration, ``size`` in bytes."""

    id: str
    filename: str
    mime_type: str
    size: int


def _media_type(content: bytes) -> str | None:
    return next((media_type for media_type in _EXTENSIONS if content.startswith(SIGNATURES[media_type])), None)


def _name(filename: str | None, media_type: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", re.split(r"[\\/]", filename or "")[-1]).strip("._")[:100]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return f"{stem or 'logo'}.{_EXTENSIONS[media_type]}"


async def upload(
    caller: Caller, store: DocumentStore, company_id: str, *, filename: str | None, content: bytes | None
) -> Logo:
    """Store ``content`` as the company's logo and use it on its PDFs. Raises :class:`core.errors.BadRequest`,
    :class:`core.documents.uploads.FileTooLarge`, :class:`core.documents.uploads.InvalidType`, :class:`core.errors.Forbidden`,
    :class:`core.errors.NotFound` (module docstring)."""
    require(caller, "company.edit")
    await company_for(caller, company_id)
    content = checked_content(content, MAX_LOGO_BYTES, "logo")
    media_type = _media_type(content)
    if media_type is None:
        raise InvalidType("The logo must be a PNG or JPEG image.")
    name = _name(filename, media_type)
    async with write_transaction():
        document_id = await store.save(
            company_id=company_id, invoice_id=None, kind="logo", filename=name, media_type=media_type, content=content
        )
        await pdf_config.use_logo_document(company_id, document_id)
    return Logo(id=document_id, filename=name, mime_type=media_type, size=len(content))


async def remove(caller: Caller, company_id: str) -> None:
    """Stop printing a logo on the company's PDFs (204 whether or not one was set; the stored file
    stays, as stored documents do). Raises :class:`core.errors.Forbidden`, :class:`core.errors.NotFound`."""
    require(caller, "company.edit")
    await company_for(caller, company_id)
    async with write_transaction():
        await pdf_config.clear_logo(company_id)
