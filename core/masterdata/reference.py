"""Read-only reference data for invoice forms: VAT category codes and new-invoice defaults.

``GET /api/v1/vat-category-codes`` lists the UNTDID 5305 codes EN 16931 allows (BT-118/BT-151)
with Romanian and English labels; ``GET /api/v1/invoice-defaults`` gathers what a form for a new
invoice offers (endpoints.tsv, rows ``vat-rates`` and ``defaults``). Neither writes anything.
"""

from __future__ import annotations

from typing import Any

from litestar import get

from core.api.json import view
from core.api.params import Ctx
from core.auth.context import CompanyContext
from core.masterdata import catalogue
from core.masterdata.responses import InvoiceDefaults, VatCategoryCodeList
from core.invoicing.service import DEFAULT_PAYMENT_DAYS

__all__ = ["VAT_CATEGORY_CODES", "vat_category_codes", "invoice_defaults", "ROUTES"]


#: UNTDID 5305 codes of the EN 16931 code list (``code``, Romanian label, English label).
VAT_CATEGORY_CODES: tuple[tuple[str, str, str], ...] = (
    ("S", "Cotă standard", "Standard rate"),
    ("Z", "Cotă zero", "Zero rated goods"),
    ("E", "Scutit de TVA", "Exempt from tax"),
    ("AE", "Taxare inversă", "VAT reverse charge"),
    ("K", "Livrare intracomunitară scutită de TVA", "VAT exempt for EEA intra-community supply of goods and services"),
    ("G", "Export în afara UE, scutit de TVA", "Free export item, tax not charged"),
    ("O", "Neinclus în sfera TVA", "Services outside scope of tax"),
    ("L", "Impozit general indirect al Insulelor Canare", "Canary Islands general indirect tax"),
    ("M", "Impozit pe producție, servicii și import din Ceuta și Melilla", "Tax for production, services and importation in Ceuta and Melilla"),
)

#: Currencies offered first on a new invoice (ISO 4217); any 3-letter code is accepted on input.
CURRENCIES: tuple[str, ...] = ("RON", "EUR", "USD", "GBP", "CHF", "HUF", "PLN", "BGN", "CZK", "SEK", "DKK", "NOK")

#: Payment methods of objects.md §3.6 (stored free-form; these are the named ones).
PAYMENT_METHODS: tuple[tuple[str, str, str], ...] = (
    ("bank_transfer", "Transfer bancar", "Bank transfer"),
    ("cash", "Numerar", "Cash"),
    ("card", "Card", "Card"),
    ("cheque", "Cec / Bilet la ordin", "Cheque"),
    ("other", "Altă metodă", "Other"),
)

#: Units of measure: the label stored on a line (``unitOfMeasure``) and its UN/ECE Rec. 20 code (BT-130).
UNITS_OF_MEASURE: tuple[tuple[str, str, str], ...] = (
    ("buc", "H87", "Piece"),
    ("ore", "HUR", "Hour"),
    ("zi", "DAY", "Day"),
    ("luna", "MON", "Month"),
    ("an", "ANN", "Year"),
    ("kg", "KGM", "Kilogram"),
    ("g", "GRM", "Gram"),
    ("t", "TNE", "Tonne"),
    ("l", "LTR", "Litre"),
    ("m", "MTR", "Metre"),
    ("mp", "MTK", "Square metre"),
    ("mc", "MTQ", "Cubic metre"),
    ("km", "KMT", "Kilometre"),
    ("kWh", "KWH", "Kilowatt hour"),
    ("set", "SET", "Set"),
    ("pachet", "PK", "Package"),
    ("serviciu", "C62", "Unit (one)"),
)

#: Payment terms offered on a new invoice, in days after the issue date.
PAYMENT_TERM_DAYS: tuple[int, ...] = (0, 7, 15, 30, 45, 60, 90)


def vat_category_codes() -> dict[str, Any]:
    """``{"data": [{"code", "label", "labelEn"}]}``: the UNTDID 5305 codes of EN 16931, ``label`` in Romanian."""
    return {"data": [{"code": c, "label": ro, "labelEn": en} for c, ro, en in VAT_CATEGORY_CODES]}


async def invoice_defaults(ctx: CompanyContext) -> dict[str, Any]:
    """What a new-invoice form offers for the request's company.

    Shape: ``{"vatRates": [VAT rate (objects.md §3.13)], "defaultVatRate": VAT rate|null,
    "currencies": [str], "defaultCurrency": "RON", "paymentMethods": [{"code","label","labelEn"}],
    "unitsOfMeasure": [{"label","unitCode","name"}], "paymentTerms": [{"days","label"}],
    "defaultDueDays": int, "exchangeRates": null}``.

    ``exchangeRates`` is always ``null``: the appliance does not fetch BNR rates (the hosted
    service does); a caller sends ``exchangeRate`` itself. The per-client VAT-rule hints of the
    hosted service are not computed either. Raises :class:`core.errors.Forbidden` without
    ``settings.view`` (the permission the VAT-rate list needs).
    """
    rates = (await catalogue.list_vat_rates(ctx))["data"]
    active = [r for r in rates if r.get("isActive", True)]
    default = next((r for r in active if r.get("isDefault")), active[0] if active else None)
    return {
        "vatRates": active,
        "defaultVatRate": default,
        "currencies": list(CURRENCIES),
        "defaultCurrency": "RON",
        "paymentMethods": [{"code": c, "label": ro, "labelEn": en} for c, ro, en in PAYMENT_METHODS],
        "unitsOfMeasure": [{"label": label, "unitCode": code, "name": name} for label, code, name in UNITS_OF_MEASURE],
        "paymentTerms": [{"days": d, "label": "La vedere" if d == 0 else f"{d} zile"} for d in PAYMENT_TERM_DAYS],
        "defaultDueDays": DEFAULT_PAYMENT_DAYS,
        "exchangeRates": None,
    }


@get("/api/v1/vat-category-codes", tags=["vat-rates"], summary="UNTDID 5305 VAT category codes with labels")
async def list_vat_category_codes(ctx: Ctx) -> VatCategoryCodeList:
    """See :func:`vat_category_codes` (authenticated like every company route)."""
    return view(VatCategoryCodeList, vat_category_codes())


@get("/api/v1/invoice-defaults", tags=["defaults"], summary="Defaults for a new invoice (no BNR rates)")
async def get_invoice_defaults(ctx: Ctx) -> InvoiceDefaults:
    """See :func:`invoice_defaults`."""
    return view(InvoiceDefaults, await invoice_defaults(ctx))


#: Mounted by the app factory.
ROUTES: list[Any] = [list_vat_category_codes, get_invoice_defaults]
