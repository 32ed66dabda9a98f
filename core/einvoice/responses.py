"""Response bodies of the e-invoice provider catalogue and per-company provider configuration.
Each Struct mirrors its serialiser in :mod:`core.einvoice.service` field for field and in order;
handlers return them through :func:`core.api.json.view`, so OpenAPI documents the bytes sent."""

from __future__ import annotations

import msgspec

from core.api.json import Stamp

__all__ = ["EInvoiceConfig", "EInvoiceConfigTest", "Provider"]


class Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of every response Struct here: camelCase keys, no undeclared key."""


class Provider(Body):
    """A loaded e-invoice provider: code (e.g. ``anaf``), label, ISO 3166 country."""

    code: str
    label: str
    country: str


class EInvoiceConfig(Body):
    """A company's configuration of one provider; credential values are masked (last 4 shown)."""

    id: str
    provider: str
    enabled: bool
    credentials: dict[str, str]
    has_credentials: bool
    created_at: Stamp
    updated_at: Stamp


class EInvoiceConfigTest(Body):
    """Result of checking a provider configuration."""

    success: bool
    provider: str
    message: str
