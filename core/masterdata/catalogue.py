"""Products and VAT rates of a company (objects.md §3.4, §3.13).

Only writer of ``products`` and ``vat_rates``. Prices are stored at 6 decimals and VAT rates in
hundredths of a percent (:mod:`core.money`); they leave as JSON numbers. Product field errors are
shape B with 400, VAT-rate errors shape A with 400 (as the reference API).

EN 16931 ties rate and category (BR-S-5, BR-Z-5, BR-E-5, BR-AE-5, BR-IC-5, BR-G-5, BR-O-5):
category ``S`` needs a rate above 0, ``Z``/``E``/``AE``/``K``/``G``/``O`` a rate of 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.api import json as j
from core.auth.context import CompanyContext
from core.auth.permissions import require
from core.db.engine import write_transaction
from core.errors import BadRequest, FieldErrors
from core.masterdata.rows import live_row
from core.masterdata.schemas import (
    CATEGORY_CODES,
    USAGES,
    ProductIn,
    ProductPatch,
    VatRateIn,
    VatRatePatch,
    product_json,
    vat_rate_json,
)
from core.masterdata.tables import Product, VatRate
from core.money import from_minor, to_minor

__all__ = [
    "DEFAULT_VAT_RATES",
    "create_default_vat_rates",
    "create_product",
    "create_vat_rate",
    "delete_product",
    "delete_vat_rate",
    "get_product",
    "list_products",
    "list_vat_rates",
    "update_product",
    "update_vat_rate",
]

#: Romania's rates from 1 August 2025 (Law 141/2025): (rate, category, label, default).
DEFAULT_VAT_RATES = (
    (Decimal("21.00"), "S", "21%", True),
    (Decimal("11.00"), "S", "11%", False),
    (Decimal("0.00"), "Z", "0%", False),
    (Decimal("0.00"), "E", "Scutit", False),
)
_ZERO_RATED = frozenset({"Z", "E", "AE", "K", "G", "O"})


def _rate_problem(rate: Decimal, category: str) -> str | None:
    if category == "S" and rate <= 0:
        return "Category S (standard) needs a rate above 0."
    if category in _ZERO_RATED and rate != 0:
        return f"Category {category} needs a rate of 0."
    return None


# --- products ----------------------------------------------------------------------------------


def _check_product(v: dict[str, Any]) -> dict[str, Any]:
    """Clean a product's merged fields (snake_case); raises :class:`FieldErrors` (400)."""
    errors: list[tuple[str, str]] = []
    for key in ("name", "unit_of_measure", "code", "description", "currency"):
        if isinstance(v.get(key), str):
            v[key] = v[key].strip() or None
    if not v.get("name"):
        errors.append(("name", "The product name is required."))
    elif len(v["name"]) > 255:
        errors.append(("name", "At most 255 characters."))
    if not v.get("unit_of_measure") or len(v["unit_of_measure"]) > 20:
        errors.append(("unitOfMeasure", "Choose a unit of measure (at most 20 characters)."))
    if v.get("default_price") is None:
        errors.append(("defaultPrice", "The price is required."))
    if v.get("vat_rate") is None:
        errors.append(("vatRate", "Choose a VAT rate."))
    if v.get("code") and len(v["code"]) > 50:
        errors.append(("code", "At most 50 characters."))
    currency = (v.get("currency") or "RON").upper()
    v["currency"] = currency
    if len(currency) != 3 or not currency.isalpha():
        errors.append(("currency", "Use a three-letter ISO 4217 currency code."))
    if v.get("usage") not in USAGES:
        errors.append(("usage", f"Usage must be one of: {', '.join(USAGES)}."))
    if v.get("vat_category_code") not in CATEGORY_CODES:
        errors.append(("vatCategoryCode", f"Category must be one of: {', '.join(CATEGORY_CODES)}."))
    elif v.get("vat_rate") is not None and (problem := _rate_problem(v["vat_rate"], v["vat_category_code"])):
        errors.append(("vatRate", problem))
    if errors:
        raise FieldErrors(errors, status=400)
    return v


def _product_values(v: dict[str, Any]) -> dict[Any, Any]:
    return {
        Product.name: v["name"],
        Product.unit_of_measure: v["unit_of_measure"],
        Product.default_price: to_minor(v["default_price"], 6),
        Product.vat_rate: to_minor(v["vat_rate"], 2),
        Product.code: v["code"],
        Product.description: v["description"],
        Product.currency: v["currency"],
        Product.vat_category_code: v["vat_category_code"],
        Product.is_service: v["is_service"],
        Product.is_active: v["is_active"],
        Product.usage: v["usage"],
    }


async def _product(ctx: CompanyContext, product_id: str) -> dict[str, Any]:
    return await live_row(Product, ctx.company_id, product_id, "Product not found.")


async def list_products(
    ctx: CompanyContext, *, page: int, limit: int, search: str | None = None, active: bool | None = None
) -> dict[str, Any]:
    """``GET /api/v1/products``: a page of products (list view) ordered by name; ``search`` matches name or code."""
    require(ctx.caller, "product.view")
    where = (Product.company == ctx.company_id) & Product.deleted_at.is_null()
    if search and search.strip():
        term = f"%{search.strip()}%"
        where &= Product.name.ilike(term) | Product.code.ilike(term)
    if active is not None:
        where &= Product.is_active == active
    total = await Product.count().where(where)
    rows = (
        await Product.select()
        .where(where)
        .order_by(Product.name)
        .order_by(Product.id)
        .limit(limit)
        .offset((page - 1) * limit)
    )
    return j.page([product_json(r, detail=False) for r in rows], total, page, limit)


async def create_product(ctx: CompanyContext, data: ProductIn) -> dict[str, Any]:
    """``POST /api/v1/products``: the new product (detail view). Raises :class:`FieldErrors` (400)."""
    require(ctx.caller, "product.create")
    v = _check_product(msgspec.structs.asdict(data))
    row = Product(company=ctx.company_id)
    for column, value in _product_values(v).items():
        setattr(row, column._meta.name, value)
    await row.save()
    return product_json(await _product(ctx, row.id))


async def get_product(ctx: CompanyContext, product_id: str) -> dict[str, Any]:
    """``GET /api/v1/products/{id}``: the product (detail view). Raises :class:`core.errors.NotFound`."""
    require(ctx.caller, "product.view")
    return product_json(await _product(ctx, product_id))


async def update_product(ctx: CompanyContext, product_id: str, data: ProductPatch) -> dict[str, Any]:
    """``PATCH /api/v1/products/{id}``: the updated product. Raises :class:`core.errors.NotFound`, :class:`FieldErrors`."""
    require(ctx.caller, "product.edit")
    row = await _product(ctx, product_id)
    current = {
        k: row[k]
        for k in (
            "name",
            "unit_of_measure",
            "code",
            "description",
            "currency",
            "vat_category_code",
            "is_service",
            "is_active",
            "usage",
        )
    }
    current["default_price"] = from_minor(row["default_price"], 6)
    current["vat_rate"] = from_minor(row["vat_rate"], 2)
    sent = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    v = _check_product(current | sent)
    await Product.update(_product_values(v)).where(Product.id == product_id)
    return product_json(await _product(ctx, product_id))


async def delete_product(ctx: CompanyContext, product_id: str) -> None:
    """``DELETE /api/v1/products/{id}``: soft delete (lines keep their own copy of the data)."""
    require(ctx.caller, "product.delete")
    await _product(ctx, product_id)
    await Product.update({Product.deleted_at: dt.datetime.now(dt.timezone.utc)}).where(Product.id == product_id)


# --- VAT rates ---------------------------------------------------------------------------------


async def create_default_vat_rates(company_id: str) -> None:
    """Give a new company Romania's rates (21 % default, 11 %, 0 % Z, exempt E); call in its creating transaction."""
    for position, (rate, category, label, default) in enumerate(DEFAULT_VAT_RATES):
        await VatRate(
            company=company_id,
            rate=to_minor(rate),
            label=label,
            category_code=category,
            is_default=default,
            is_active=True,
            position=position,
        ).save()


async def _vat_rate(ctx: CompanyContext, rate_id: str) -> dict[str, Any]:
    return await live_row(VatRate, ctx.company_id, rate_id, "VAT rate not found.")


async def _clear_default(company_id: str, keep: str | None) -> None:
    where = (VatRate.company == company_id) & (VatRate.is_default == True)  # noqa: E712 - piccolo
    if keep:
        where &= VatRate.id != keep
    await VatRate.update({VatRate.is_default: False}).where(where)


async def list_vat_rates(ctx: CompanyContext) -> dict[str, Any]:
    """``GET /api/v1/vat-rates``: ``{"data": [rates...]}`` by position, then rate (highest first)."""
    require(ctx.caller, "settings.view")
    rows = (
        await VatRate.select()
        .where((VatRate.company == ctx.company_id) & VatRate.deleted_at.is_null())
        .order_by(VatRate.position)
        .order_by(VatRate.rate, ascending=False)
    )
    return {"data": [vat_rate_json(r) for r in rows]}


async def create_vat_rate(ctx: CompanyContext, data: VatRateIn) -> dict[str, Any]:
    """``POST /api/v1/vat-rates``: the new rate; a new default takes the flag from the others.

    Raises :class:`BadRequest` when rate and category disagree (EN 16931).
    """
    require(ctx.caller, "settings.manage")
    if problem := _rate_problem(data.rate, data.category_code):
        raise BadRequest(problem)
    async with write_transaction():
        row = VatRate(
            company=ctx.company_id,
            rate=to_minor(data.rate),
            label=data.label.strip(),
            category_code=data.category_code,
            is_default=data.is_default,
            is_active=data.is_active,
            position=data.position,
        )
        await row.save()
        if data.is_default:
            await _clear_default(ctx.company_id, keep=row.id)
    return vat_rate_json(await _vat_rate(ctx, row.id))


async def update_vat_rate(ctx: CompanyContext, rate_id: str, data: VatRatePatch) -> dict[str, Any]:
    """``PATCH /api/v1/vat-rates/{id}``: the updated rate. Raises :class:`core.errors.NotFound`, :class:`BadRequest`."""
    require(ctx.caller, "settings.manage")
    async with write_transaction():
        row = await _vat_rate(ctx, rate_id)
        rate = from_minor(row["rate"]) if data.rate is msgspec.UNSET else data.rate
        category = row["category_code"] if data.category_code is msgspec.UNSET else data.category_code
        if problem := _rate_problem(rate, category):
            raise BadRequest(problem)
        values: dict[Any, Any] = {VatRate.rate: to_minor(rate), VatRate.category_code: category}
        for name in ("is_default", "is_active", "position"):
            if (value := getattr(data, name)) is not msgspec.UNSET:
                values[getattr(VatRate, name)] = value
        if data.label is not msgspec.UNSET:
            values[VatRate.label] = data.label.strip()
        await VatRate.update(values).where(VatRate.id == rate_id)
        if data.is_default is True:
            await _clear_default(ctx.company_id, keep=rate_id)
    return vat_rate_json(await _vat_rate(ctx, rate_id))


async def delete_vat_rate(ctx: CompanyContext, rate_id: str) -> None:
    """``DELETE /api/v1/vat-rates/{id}``: soft delete. Raises :class:`core.errors.NotFound`."""
    require(ctx.caller, "settings.manage")
    await _vat_rate(ctx, rate_id)
    await VatRate.update({VatRate.deleted_at: dt.datetime.now(dt.timezone.utc), VatRate.is_default: False}).where(
        VatRate.id == rate_id
    )
