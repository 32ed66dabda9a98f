"""Response bodies of clients, products, VAT rates, suppliers (read side) and the reference
lists (objects.md §2, §3.3, §3.4, §3.13). Each Struct mirrors its serialiser in
:mod:`core.masterdata.schemas` / :mod:`core.masterdata.reference` field for field and in order;
handlers return them through :func:`core.api.json.view`, so OpenAPI documents the bytes sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from core.api.json import NullableNumber, Number, Stamp, page_of

__all__ = [
    "Client", "ClientCreated", "ClientDetail", "ClientEnvelope", "ClientPage", "ClientRow", "InvoiceDefaults",
    "InvoiceHistoryItem", "Product", "ProductPage", "ProductRow", "Supplier", "SupplierDetail", "SupplierPage",
    "VatCategoryCode", "VatCategoryCodeList", "VatRate", "VatRateList",
]

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of every response Struct here: camelCase keys, no undeclared key."""


class Client(Body):
    """A client (objects.md §3.3); fields the appliance does not keep are null."""

    id: str
    type: str  # company | individual
    name: str
    cui: str | None
    cnp: str | None
    vat_code: str | None
    is_vat_payer: bool | None
    registration_number: str | None
    address: str | None
    city: str | None
    county: str | None
    postal_code: str | None
    country: str | None
    email: str | None
    phone: str | None
    contact_person: str | None
    bank_name: str | None
    bank_account: str | None
    default_payment_term_days: int | None
    client_code: str | None
    id_number: str | None
    notes: str | None
    currency: str | None
    source: str | None  # manual | anaf | import | api
    last_synced_at: Stamp | None
    einvoice_identifiers: dict[str, Any] | None
    vies_valid: bool | None
    vies_validated_at: Stamp | None
    vies_name: str | None


class ClientRow(Client):
    """A client list row: the client plus its outgoing, non-cancelled invoice count and total."""

    invoice_count: int
    invoice_total: Number


ClientPage = page_of(ClientRow, "ClientPage", "A page of clients (objects.md §2 envelope).")


class ClientCreated(Body):
    """``POST /api/v1/clients``: 201 ``{"client", "anafValidated"}``, or 200 ``{"client",
    "existing": true}`` when the CUI is already a client of the company."""

    client: Client
    anaf_validated: bool | Unset = UNSET
    existing: bool | Unset = UNSET


class InvoiceHistoryItem(Body):
    """One of the latest documents of a client or supplier."""

    id: str
    number: str
    document_type: str
    direction: str | None
    status: str
    issue_date: dt.date
    due_date: dt.date | None
    currency: str
    total: Number


class ClientDetail(Body):
    """``GET /api/v1/clients/{id}``: the client and its latest documents."""

    client: Client
    invoice_history: list[InvoiceHistoryItem]


class ClientEnvelope(Body):
    """``PATCH /api/v1/clients/{id}``: ``{"client"}``."""

    client: Client


class ProductRow(Body):
    """A product, list view (objects.md §3.4)."""

    id: str
    name: str
    code: str | None
    unit_of_measure: str
    default_price: Number  # net unit price
    currency: str
    vat_rate: Number  # percent
    is_service: bool
    is_active: bool
    usage: str  # sales | purchases | both | internal
    nc_code: str | None
    cpv_code: str | None
    color: str | None
    category: dict[str, Any] | None
    sgr_amount: NullableNumber


class Product(ProductRow):
    """A product, detail view: the list fields plus the detail-only ones."""

    description: str | None
    vat_category_code: str
    source: str
    last_synced_at: Stamp | None


ProductPage = page_of(ProductRow, "ProductPage", "A page of products (objects.md §2 envelope).")


class VatRate(Body):
    """A VAT rate of the company (objects.md §3.13); ``rate`` in percent."""

    id: str
    rate: Number
    label: str
    category_code: str
    is_default: bool
    is_active: bool
    position: int


class VatRateList(Body):
    """``GET /api/v1/vat-rates``: ``{"data": [...]}`` (not paginated, objects.md §2)."""

    data: list[VatRate]


class VatCategoryCode(Body):
    """A UNTDID 5305 VAT category code (BT-151) with its Romanian and English labels."""

    code: str
    label: str
    label_en: str


class VatCategoryCodeList(Body):
    """``GET /api/v1/vat-category-codes``: ``{"data": [...]}``."""

    data: list[VatCategoryCode]


class PaymentMethod(Body):
    """A payment method offered on a new invoice."""

    code: str
    label: str
    label_en: str


class UnitOfMeasure(Body):
    """A unit of measure: the label shown, its UN/ECE Rec 20 code (BT-130) and English name."""

    label: str
    unit_code: str
    name: str


class PaymentTerm(Body):
    """A payment term in days after the issue date."""

    days: int
    label: str


class InvoiceDefaults(Body):
    """``GET /api/v1/invoice-defaults``; ``exchangeRates`` is always null (no BNR rates fetched)."""

    vat_rates: list[VatRate]
    default_vat_rate: VatRate | None
    currencies: list[str]
    default_currency: str
    payment_methods: list[PaymentMethod]
    units_of_measure: list[UnitOfMeasure]
    payment_terms: list[PaymentTerm]
    default_due_days: int
    exchange_rates: dict[str, Any] | None


class Supplier(Body):
    """A supplier: the seller (BG-4) of incoming invoices, list and detail view."""

    id: str
    name: str
    cif: str | None
    vat_code: str | None
    is_vat_payer: bool | None
    registration_number: str | None
    address: str | None
    city: str | None
    county: str | None
    country: str | None
    email: str | None
    bank_account: str | None
    postal_code: str | None
    phone: str | None
    bank_name: str | None
    notes: str | None
    source: str | None
    created_at: Stamp | None


SupplierPage = page_of(Supplier, "SupplierPage", "A page of suppliers (objects.md §2 envelope).")


class SupplierDetail(Body):
    """``GET /api/v1/suppliers/{id}``: the supplier, its latest incoming documents and their count."""

    supplier: Supplier
    invoice_history: list[InvoiceHistoryItem]
    invoice_count: int
