"""Request bodies of the auth and company endpoints (objects.md §8.1, §3.12), camelCase on the wire.

Unknown fields are ignored (clients send ``turnstileToken`` and the like); wrong types are a 400
from the framework before any service runs.
"""

from __future__ import annotations

import msgspec

__all__ = ["CompanyIn", "CompanyPatch", "LoginIn", "RefreshIn", "RegisterIn", "EFACTURA_DELAYS"]

#: Allowed values of ``efacturaDelayHours`` besides null (objects.md §3.12).
EFACTURA_DELAYS = (2, 24, 48, 72, 96)

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class RegisterIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/auth/register``: a new user with their own organisation (they become its owner)."""

    email: str
    password: str
    first_name: str | None = None
    last_name: str | None = None
    organization_name: str | None = None
    locale: str | None = None


class LoginIn(msgspec.Struct, kw_only=True):
    """``POST /api/auth``: e-mail and password."""

    email: str
    password: str


class RefreshIn(msgspec.Struct, kw_only=True):
    """``POST /api/auth/refresh`` and ``/api/auth/token/refresh``: the refresh token (or the cookie)."""

    refresh_token: str | None = None
    refresh_token_camel: str | None = msgspec.field(default=None, name="refreshToken")

    @property
    def token(self) -> str | None:
        """Whichever spelling the client sent."""
        return self.refresh_token or self.refresh_token_camel


class CompanyIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/companies``.

    Only ``cif`` is required: with nothing else, the company is filled from the national public
    registry (ANAF for ``RO``). Sending ``name`` (and the address) adds it without a lookup.
    ``cif`` may be a number or a string, with or without the ``RO`` prefix.
    """

    cif: str | int
    name: str | None = None
    country: str = "RO"
    registration_number: str | None = None
    vat_payer: bool | None = None
    vat_code: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    bank_bic: str | None = None
    default_currency: str | None = None


class CompanyPatch(msgspec.Struct, rename="camel", kw_only=True):
    """``PATCH /api/v1/companies/{uuid}``: only the fields sent change; ``null`` clears nullable ones."""

    name: str | Unset = UNSET
    registration_number: str | None | Unset = UNSET
    vat_payer: bool | Unset = UNSET
    vat_code: str | None | Unset = UNSET
    vat_on_collection: bool | Unset = UNSET
    address: str | Unset = UNSET
    city: str | Unset = UNSET
    state: str | Unset = UNSET
    postal_code: str | None | Unset = UNSET
    country: str | Unset = UNSET
    phone: str | None | Unset = UNSET
    email: str | None | Unset = UNSET
    website: str | None | Unset = UNSET
    bank_name: str | None | Unset = UNSET
    bank_account: str | None | Unset = UNSET
    bank_bic: str | None | Unset = UNSET
    default_currency: str | Unset = UNSET
    sync_enabled: bool | Unset = UNSET
    sync_days_back: int | Unset = UNSET
    efactura_delay_hours: int | None | Unset = UNSET

    def __post_init__(self) -> None:
        if isinstance(self.name, str) and not self.name.strip():
            raise msgspec.ValidationError("name must not be empty")
        if self.efactura_delay_hours not in (UNSET, None, *EFACTURA_DELAYS):
            raise msgspec.ValidationError("efacturaDelayHours must be null or one of: 2, 24, 48, 72, 96")
        if isinstance(self.sync_days_back, int) and not 1 <= self.sync_days_back <= 365:
            raise msgspec.ValidationError("syncDaysBack must be between 1 and 365")
        if isinstance(self.country, str) and not (len(self.country) == 2 and self.country.isalpha()):
            raise msgspec.ValidationError("country must be an ISO 3166-1 alpha-2 code")
        if isinstance(self.default_currency, str) and not (
            len(self.default_currency) == 3 and self.default_currency.isalpha()
        ):
            raise msgspec.ValidationError("defaultCurrency must be an ISO 4217 code")
