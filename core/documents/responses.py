"""Response bodies of the PDF template configuration endpoints. Each Struct mirrors its
serialiser in :mod:`core.documents.pdf_config` field for field and in order; handlers return
them through :func:`core.api.json.view`, so OpenAPI documents exactly the bytes sent."""

from __future__ import annotations

import msgspec

from core.api.json import Stamp

__all__ = ["PdfTemplate", "PdfTemplateConfig"]


class Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of every response Struct here: camelCase keys, no undeclared key."""


class PdfTemplateConfig(Body):
    """The company's PDF layout: template slug, colours (``#rrggbb``), font, what is shown,
    footer, logo (a ``data:image/…`` URI or a stored image id); ``updatedAt`` null when never
    saved; ``templates`` lists the slugs that may be chosen."""

    template_slug: str
    primary_color: str
    accent_color: str
    font_family: str
    show_logo: bool
    show_bank_details: bool
    show_notes: bool
    footer_text: str | None
    logo: str | None
    logo_document_id: str | None
    updated_at: Stamp | None
    templates: list[str]


class PdfTemplate(Body):
    """One PDF template that may be chosen."""

    slug: str
    name: str
    description: str
