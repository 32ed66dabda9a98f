"""Request bodies and JSON views of clients, products, VAT rates and suppliers (objects.md §3.3, §3.4, §3.13).

Bodies are camelCase msgspec Structs; types are checked by the framework (400), decimals here in
``__post_init__`` (400), business rules of a field by the service (shape B: clients 422,
products 400). Amounts leave as JSON numbers through :mod:`core.api.json`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from core.api import json as j

__all__ = [
    "CATEGORY_CODES",
    "USAGES",
    "ClientIn",
    "ClientPatch",
    "ProductIn",
    "ProductPatch",
    "VatRateIn",
    "VatRatePatch",
    "client_json",
    "product_json",
    "supplier_json",
    "vat_rate_json",
]

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
#: UNTDID 5305 VAT category codes used by EN 16931 (BT-151).
CATEGORY_CODES = ("S", "Z", "E", "AE", "K", "G", "O", "L", "M", "B")
#: Where a product is used (objects.md §3.4).
USAGES = ("sales", "purchases", "both", "internal")


def _decimal(
    name: str, value: Decimal | None | Unset, *, places: int, low: Decimal, high: Decimal | None = None
) -> None:
    if value is UNSET or value is None:
        return
    if not value.is_finite():
        raise msgspec.ValidationError(f"{name} must be a finite number")
    if value < low or (high is not None and value > high):
        bound = f"between {low:f} and {high:f}" if high is not None else f">= {low:f}"
        raise msgspec.ValidationError(f"{name} must be {bound}")
    if value.as_tuple().exponent < -places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise msgspec.ValidationError(f"{name} must have at most {places} decimals")


# --- clients -----------------------------------------------------------------------------------


class ClientIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/clients``. ``name`` may be left out for a Romanian company whose ``cui`` the
    public registry knows (the client is then filled from it). ``cui`` ``"-"`` means none."""

    type: str = "company"
    name: str | None = None
    cui: str | int | None = None
    cnp: str | None = None
    vat_code: str | None = None
    is_vat_payer: bool | None = None
    registration_number: str | None = None
    address: str | None = None
    city: str | None = None
    county: str | None = None
    postal_code: str | None = None
    country: str = "RO"
    email: str | None = None
    phone: str | None = None
    contact_person: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    default_payment_term_days: int | None = None
    currency: str | None = None
    notes: str | None = None


class ClientPatch(msgspec.Struct, rename="camel", kw_only=True):
    """``PATCH /api/v1/clients/{id}``: only the fields sent change."""

    type: str | Unset = UNSET
    name: str | Unset = UNSET
    cui: str | int | None | Unset = UNSET
    cnp: str | None | Unset = UNSET
    vat_code: str | None | Unset = UNSET
    is_vat_payer: bool | Unset = UNSET
    registration_number: str | None | Unset = UNSET
    address: str | None | Unset = UNSET
    city: str | None | Unset = UNSET
    county: str | None | Unset = UNSET
    postal_code: str | None | Unset = UNSET
    country: str | Unset = UNSET
    email: str | None | Unset = UNSET
    phone: str | None | Unset = UNSET
    contact_person: str | None | Unset = UNSET
    bank_name: str | None | Unset = UNSET
    bank_account: str | None | Unset = UNSET
    default_payment_term_days: int | None | Unset = UNSET
    currency: str | None | Unset = UNSET
    notes: str | None | Unset = UNSET


def client_json(row: dict[str, Any]) -> dict[str, Any]:
    """A client row as the API shows it (objects.md §3.3; fields the appliance does not keep are null)."""
    return {
        "id": row["id"],
        "type": row["type"],
        "name": row["name"],
        "cui": row["cui"],
        "cnp": row["cnp"],
        "vatCode": row["vat_code"],
        "isVatPayer": row["is_vat_payer"],
        "registrationNumber": row["registration_number"],
        "address": row["address"],
        "city": row["city"],
        "county": row["county"],
        "postalCode": row["postal_code"],
        "country": row["country"],
        "email": row["email"],
        "phone": row["phone"],
        "contactPerson": row["contact_person"],
        "bankName": row["bank_name"],
        "bankAccount": row["bank_account"],
        "defaultPaymentTermDays": row["default_payment_term_days"],
        "clientCode": None,
        "idNumber": None,
        "notes": row["notes"],
        "currency": row["currency"],
        "source": row["source"],
        "lastSyncedAt": None,
        "einvoiceIdentifiers": None,
        "viesValid": None,
        "viesValidatedAt": None,
        "viesName": None,
    }


# --- products ----------------------------------------------------------------------------------


class ProductIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/products``. ``defaultPrice`` (net unit price, up to 6 decimals) and
    ``vatRate`` (percent, 2 decimals) are JSON numbers or decimal strings."""

    name: str | None = None
    unit_of_measure: str | None = None
    default_price: Decimal | None = None
    vat_rate: Decimal | None = None
    code: str | None = None
    description: str | None = None
    currency: str = "RON"
    vat_category_code: str = "S"
    is_service: bool = False
    is_active: bool = True
    usage: str = "both"

    def __post_init__(self) -> None:
        _decimal("defaultPrice", self.default_price, places=6, low=Decimal(0), high=Decimal("1e12"))
        _decimal("vatRate", self.vat_rate, places=2, low=Decimal(0), high=Decimal(100))


class ProductPatch(msgspec.Struct, rename="camel", kw_only=True):
    """``PATCH /api/v1/products/{id}``: only the fields sent change."""

    name: str | Unset = UNSET
    unit_of_measure: str | Unset = UNSET
    default_price: Decimal | Unset = UNSET
    vat_rate: Decimal | Unset = UNSET
    code: str | None | Unset = UNSET
    description: str | None | Unset = UNSET
    currency: str | Unset = UNSET
    vat_category_code: str | Unset = UNSET
    is_service: bool | Unset = UNSET
    is_active: bool | Unset = UNSET
    usage: str | Unset = UNSET

    def __post_init__(self) -> None:
        _decimal("defaultPrice", self.default_price, places=6, low=Decimal(0), high=Decimal("1e12"))
        _decimal("vatRate", self.vat_rate, places=2, low=Decimal(0), high=Decimal(100))


def product_json(row: dict[str, Any], *, detail: bool = True) -> dict[str, Any]:
    """A product row (objects.md §3.4); the list view leaves out the detail-only fields."""
    out = {
        "id": row["id"],
        "name": row["name"],
        "code": row["code"],
        "unitOfMeasure": row["unit_of_measure"],
        "defaultPrice": j.scaled(row["default_price"], 2),
        "currency": row["currency"],
        "vatRate": j.amount(row["vat_rate"]),
        "isService": row["is_service"],
        "isActive": row["is_active"],
        "usage": row["usage"],
        "ncCode": None,
        "cpvCode": None,
        "color": None,
        "category": None,
        "sgrAmount": None,
    }
    if detail:
        out.update(
            description=row["description"],
            vatCategoryCode=row["vat_category_code"],
            source="manual",
            lastSyncedAt=None,
        )
    return out


# --- VAT rates ---------------------------------------------------------------------------------


class VatRateIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/vat-rates``: ``rate`` in percent (2 decimals)."""

    rate: Decimal
    label: str
    category_code: str = "S"
    is_default: bool = False
    is_active: bool = True
    position: int = 0

    def __post_init__(self) -> None:
        _decimal("rate", self.rate, places=2, low=Decimal(0), high=Decimal(100))
        if not self.label.strip() or len(self.label) > 100:
            raise msgspec.ValidationError("label is required (at most 100 characters)")
        if self.category_code not in CATEGORY_CODES:
            raise msgspec.ValidationError(f"categoryCode must be one of: {', '.join(CATEGORY_CODES)}")


class VatRatePatch(msgspec.Struct, rename="camel", kw_only=True):
    """``PATCH /api/v1/vat-rates/{id}``: only the fields sent change."""

    rate: Decimal | Unset = UNSET
    label: str | Unset = UNSET
    category_code: str | Unset = UNSET
    is_default: bool | Unset = UNSET
    is_active: bool | Unset = UNSET
    position: int | Unset = UNSET

    def __post_init__(self) -> None:
        _decimal("rate", self.rate, places=2, low=Decimal(0), high=Decimal(100))
        if isinstance(self.label, str) and (not self.label.strip() or len(self.label) > 100):
            raise msgspec.ValidationError("label must not be empty (at most 100 characters)")
        if isinstance(self.category_code, str) and self.category_code not in CATEGORY_CODES:
            raise msgspec.ValidationError(f"categoryCode must be one of: {', '.join(CATEGORY_CODES)}")


def vat_rate_json(row: dict[str, Any]) -> dict[str, Any]:
    """A VAT rate row (objects.md §3.13)."""
    return {
        "id": row["id"],
        "rate": j.amount(row["rate"]),
        "label": row["label"],
        "categoryCode": row["category_code"],
        "isDefault": row["is_default"],
        "isActive": row["is_active"],
        "position": row["position"],
    }


# --- suppliers ---------------------------------------------------------------------------------


def supplier_json(row: dict[str, Any]) -> dict[str, Any]:
    """A supplier row (the seller of incoming invoices, mostly created by the e-Factura sync)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "cif": row["cif"],
        "vatCode": row["vat_code"],
        "isVatPayer": row["is_vat_payer"],
        "registrationNumber": row["registration_number"],
        "address": row["address"],
        "city": row["city"],
        "county": row["county"],
        "country": row["country"],
        "email": row["email"],
        "bankAccount": row["bank_account"],
        "postalCode": row.get("postal_code"),
        "phone": row.get("phone"),
        "bankName": row.get("bank_name"),
        "notes": row.get("notes"),
        "source": row["source"],
        "createdAt": j.stamp(row["created_at"]),
    }
