"""The company's PDF template configuration (``/api/v1/pdf-template-config``).

The only writer of ``pdf_template_configs``. A company without a row gets the defaults of
:class:`core.documents.pdf.PdfOptions`. Colours are ``#rrggbb``; the logo a ``data:image/…;base64,``
URI (PNG, JPEG or SVG) of at most :data:`MAX_LOGO_CHARS` characters.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import msgspec

from core.documents.pdf import FONTS, TEMPLATES, PdfOptions
from core.documents.store import DocumentStore
from core.documents.tables import PdfTemplateConfig, StoredDocument
from core.errors import BadRequest, NotFound

__all__ = ["PdfTemplateConfigIn", "clear_logo", "get_options", "config_json", "update", "merged", "use_logo_document"]

MAX_LOGO_CHARS = 700_000
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOGO = re.compile(r"^data:image/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=\s]+$")
_UNSET: Any = msgspec.UNSET


class PdfTemplateConfigIn(msgspec.Struct, omit_defaults=True):
    """PUT / preview body; every field optional (absent = keep). ``logo: null`` removes the logo."""

    templateSlug: str | msgspec.UnsetType = _UNSET  # noqa: N815 - API field names
    primaryColor: str | msgspec.UnsetType = _UNSET  # noqa: N815
    accentColor: str | msgspec.UnsetType = _UNSET  # noqa: N815
    fontFamily: str | msgspec.UnsetType = _UNSET  # noqa: N815
    showLogo: bool | msgspec.UnsetType = _UNSET  # noqa: N815
    showBankDetails: bool | msgspec.UnsetType = _UNSET  # noqa: N815
    showNotes: bool | msgspec.UnsetType = _UNSET  # noqa: N815
    footerText: str | None | msgspec.UnsetType = _UNSET  # noqa: N815
    logo: str | None | msgspec.UnsetType = _UNSET
    logoDocumentId: str | None | msgspec.UnsetType = _UNSET  # noqa: N815 - a stored image of this company
    language: str | msgspec.UnsetType = _UNSET  # preview only: ro, en, de, fr


_FIELDS = {
    "templateSlug": "template", "primaryColor": "primary_color", "accentColor": "accent_color", "fontFamily": "font",
    "showLogo": "show_logo", "showBankDetails": "show_bank_details", "showNotes": "show_notes",
    "footerText": "footer_text", "logo": "logo", "logoDocumentId": "logo_document",
}
_LOGO_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


def _changes(data: PdfTemplateConfigIn) -> dict[str, Any]:
    """Validated column changes of ``data``; BadRequest (400) names the first bad field."""
    changes = {column: getattr(data, name) for name, column in _FIELDS.items() if getattr(data, name) is not msgspec.UNSET}
    if "template" in changes and changes["template"] not in TEMPLATES:
        raise BadRequest(f"templateSlug must be one of {', '.join(TEMPLATES)}.")
    for column, name in (("primary_color", "primaryColor"), ("accent_color", "accentColor")):
        if column in changes and not _COLOR.match(changes[column] or ""):
            raise BadRequest(f"{name} must be a colour like #1f3a93.")
    if "font" in changes and changes["font"] not in FONTS:
        raise BadRequest(f"fontFamily must be one of {', '.join(FONTS)}.")
    logo = changes.get("logo")
    if logo is not None and (len(logo) > MAX_LOGO_CHARS or not _LOGO.match(logo)):
        raise BadRequest("logo must be a data:image/png|jpeg|svg+xml;base64 URI of at most 500 kB.")
    if changes.get("footer_text") is not None and len(changes["footer_text"]) > 1000:
        raise BadRequest("footerText is at most 1000 characters.")
    return changes


async def _check_logo_document(company_id: str, document_id: str) -> None:
    row = await StoredDocument.select(StoredDocument.media_type).where(
        (StoredDocument.id == document_id) & (StoredDocument.company == company_id)
    ).first().run()
    if row is None:
        raise NotFound("Logo document not found.")
    if row["media_type"] not in _LOGO_TYPES:
        raise BadRequest("logoDocumentId must name a PNG, JPEG or SVG image.")


async def _row(company_id: str) -> dict[str, Any] | None:
    return await PdfTemplateConfig.select().where(PdfTemplateConfig.company == company_id).first().run()


def _options(row: dict[str, Any] | None) -> PdfOptions:
    if row is None:
        return PdfOptions()
    return PdfOptions(**{f: row[f] for f in PdfOptions.__struct_fields__})


async def _stored_logo(company_id: str, document_id: str, store: DocumentStore) -> str | None:
    """The stored image as a data URI, or None when its row or file is gone."""
    row = await StoredDocument.select().where((StoredDocument.id == document_id) & (StoredDocument.company == company_id)).first().run()
    if row is None or row["media_type"] not in _LOGO_TYPES:
        return None
    try:
        content = store._path(row["sha256"]).read_bytes()  # same package: the store's addressing
    except FileNotFoundError:
        return None
    return f"data:{row['media_type']};base64,{base64.b64encode(content).decode()}"


async def get_options(company_id: str, store: DocumentStore | None = None) -> PdfOptions:
    """The company's render options (defaults when never configured); with ``store``, a
    ``logoDocumentId`` logo is resolved to a data URI when no inline logo is set."""
    row = await _row(company_id)
    options = _options(row)
    if row and not options.logo and row.get("logo_document") and store is not None:
        options = msgspec.structs.replace(options, logo=await _stored_logo(company_id, row["logo_document"], store))
    return options


async def config_json(company_id: str) -> dict[str, Any]:
    """The configuration as the API returns it (camelCase; ``updatedAt`` null when never saved)."""
    row = await _row(company_id)
    options = _options(row)
    body = {name: getattr(options, column, None) for name, column in _FIELDS.items()}
    body["logoDocumentId"] = row["logo_document"] if row else None
    body["updatedAt"] = row["updated_at"].isoformat() if row else None
    body["templates"] = list(TEMPLATES)
    return body


async def update(company_id: str, data: PdfTemplateConfigIn) -> dict[str, Any]:
    """Apply ``data`` to the company's configuration (created on first write); returns the new JSON."""
    changes = _changes(data)
    if changes.get("logo_document"):
        await _check_logo_document(company_id, changes["logo_document"])
    await _save(company_id, changes)
    return await config_json(company_id)


async def _save(company_id: str, changes: dict[str, Any]) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    row = await _row(company_id)
    if row is None:
        await PdfTemplateConfig.insert(PdfTemplateConfig(company=company_id, updated_at=now, **changes)).run()
    else:
        await PdfTemplateConfig.update({**changes, "updated_at": now}, use_auto_update=False).where(PdfTemplateConfig.id == row["id"]).run()


async def use_logo_document(company_id: str, document_id: str) -> None:
    """Make the stored image ``document_id`` (PNG/JPEG/SVG of this company) the logo of the
    company's PDFs, replacing an inline ``logo``; call it in the storing transaction
    (``POST /api/v1/companies/{id}/logo``, :mod:`core.documents.company_logo`)."""
    await _check_logo_document(company_id, document_id)
    await _save(company_id, {"logo": None, "logo_document": document_id})


async def clear_logo(company_id: str) -> bool:
    """Remove the company's PDF logo (inline and stored); False when it had none."""
    row = await _row(company_id)
    if row is None or not (row["logo"] or row["logo_document"]):
        return False
    await _save(company_id, {"logo": None, "logo_document": None})
    return True


async def merged(company_id: str, data: PdfTemplateConfigIn, store: DocumentStore | None = None) -> PdfOptions:
    """The stored options with ``data`` applied on top, not saved (for previews)."""
    changes = {k: v for k, v in _changes(data).items() if k in PdfOptions.__struct_fields__}
    return msgspec.structs.replace(await get_options(company_id, store), **changes)
