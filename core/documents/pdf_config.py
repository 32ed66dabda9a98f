"""The company's PDF template configuration (``/api/v1/pdf-template-config``).

The only writer of ``pdf_template_configs``. A company without a row gets the defaults of
:class:`core.documents.pdf.PdfOptions`. Colours are ``#rrggbb``; the logo a ``data:image/…;base64,``
URI (PNG, JPEG or SVG) of at most :data:`MAX_LOGO_CHARS` characters.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec

from core.documents.pdf import FONTS, TEMPLATES, PdfOptions
from core.documents.tables import PdfTemplateConfig
from core.errors import BadRequest

__all__ = ["PdfTemplateConfigIn", "get_options", "config_json", "update", "merged"]

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
    language: str | msgspec.UnsetType = _UNSET  # preview only: ro, en, de, fr


_FIELDS = {
    "templateSlug": "template", "primaryColor": "primary_color", "accentColor": "accent_color", "fontFamily": "font",
    "showLogo": "show_logo", "showBankDetails": "show_bank_details", "showNotes": "show_notes",
    "footerText": "footer_text", "logo": "logo",
}


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


async def _row(company_id: str) -> dict[str, Any] | None:
    return await PdfTemplateConfig.select().where(PdfTemplateConfig.company == company_id).first().run()


def _options(row: dict[str, Any] | None) -> PdfOptions:
    if row is None:
        return PdfOptions()
    return PdfOptions(**{f: row[f] for f in PdfOptions.__struct_fields__})


async def get_options(company_id: str) -> PdfOptions:
    """The company's render options (defaults when never configured)."""
    return _options(await _row(company_id))


async def config_json(company_id: str) -> dict[str, Any]:
    """The configuration as the API returns it (camelCase; ``updatedAt`` null when never saved)."""
    row = await _row(company_id)
    options = _options(row)
    body = {name: getattr(options, column) for name, column in _FIELDS.items()}
    body["updatedAt"] = row["updated_at"].isoformat() if row else None
    body["templates"] = list(TEMPLATES)
    return body


async def update(company_id: str, data: PdfTemplateConfigIn) -> dict[str, Any]:
    """Apply ``data`` to the company's configuration (created on first write); returns the new JSON."""
    changes = _changes(data)
    now = dt.datetime.now(dt.timezone.utc)
    row = await _row(company_id)
    if row is None:
        await PdfTemplateConfig.insert(PdfTemplateConfig(company=company_id, updated_at=now, **changes)).run()
    else:
        await PdfTemplateConfig.update({**changes, "updated_at": now}, use_auto_update=False).where(PdfTemplateConfig.id == row["id"]).run()
    return await config_json(company_id)


async def merged(company_id: str, data: PdfTemplateConfigIn) -> PdfOptions:
    """The stored options with ``data`` applied on top, not saved (for previews)."""
    return msgspec.structs.replace(await get_options(company_id), **_changes(data))
