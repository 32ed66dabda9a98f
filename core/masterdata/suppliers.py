"""Writing suppliers: create, update, soft delete, bulk delete (endpoints.tsv area ``suppliers``).

A supplier is the seller (BG-4) of incoming invoices, mostly created by the e-Factura sync
(:func:`core.masterdata.service.supplier_for_seller`); these are the manual edits. Only writer
of ``suppliers`` besides that sync hook. Rules as the contract states them:

* create: ``name`` required; an existing CIF in the company answers 200 with the existing supplier
  (``{"supplier", "existing": true}``), a new one 201 ``{"supplier"}``;
* update: the registry identity (``name``, ``cif``, ``vatCode``) is read-only, contact, address and
  bank fields change;
* delete: soft (``deleted_at``); incoming invoices keep their supplier link, and a later sync of an
  invoice from the same CIF brings the supplier back.

Field errors are shape B with 422 (objects.md §1, as for clients).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec

from core.api import json as j
from core.auth.context import CompanyContext
from core.auth.permissions import require
from core.db.engine import write_transaction
from core.errors import FieldErrors
from core.masterdata.fields import EMAIL, length_errors, trimmed, vat_prefix
from core.masterdata.bulk import BulkIds, BulkResult, each
from core.masterdata.rows import live_row
from core.masterdata.tables import Supplier

__all__ = [
    "SupplierCreated",
    "SupplierEnvelope",
    "SupplierIn",
    "SupplierOut",
    "SupplierPatch",
    "bulk_delete_suppliers",
    "create_supplier",
    "delete_supplier",
    "update_supplier",
]

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
_MAX = {
    "name": 255, "address": 255, "email": 255, "city": 100, "county": 100, "bank_name": 100, "registration_number": 50,
    "phone": 50, "bank_account": 50, "postal_code": 20, "cif": 30, "vat_code": 30, "notes": 5000,
}


class SupplierIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/suppliers``: ``name`` is required; ``cif`` without or with its country prefix."""

    name: str | None = None
    cif: str | int | None = None
    vat_code: str | None = None
    is_vat_payer: bool | None = None
    registration_number: str | None = None
    address: str | None = None
    city: str | None = None
    county: str | None = None
    country: str = "RO"
    postal_code: str | None = None
    email: str | None = None
    phone: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    notes: str | None = None


class SupplierPatch(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True):
    """``PATCH /api/v1/suppliers/{id}``: only the fields sent change. The registry identity (name,
    CIF, VAT code) is not among them: sending it is a 400."""

    address: str | None | Unset = UNSET
    city: str | None | Unset = UNSET
    county: str | None | Unset = UNSET
    country: str | Unset = UNSET
    postal_code: str | None | Unset = UNSET
    email: str | None | Unset = UNSET
    phone: str | None | Unset = UNSET
    bank_name: str | None | Unset = UNSET
    bank_account: str | None | Unset = UNSET
    registration_number: str | None | Unset = UNSET
    is_vat_payer: bool | Unset = UNSET
    notes: str | None | Unset = UNSET


class SupplierOut(msgspec.Struct, rename="camel", kw_only=True):
    """A supplier as the API shows it (seller of incoming invoices; ``source`` ``efactura`` or ``manual``)."""

    id: str
    name: str
    cif: str | None
    vat_code: str | None
    is_vat_payer: bool
    registration_number: str | None
    address: str
    city: str
    county: str
    country: str
    postal_code: str | None
    email: str | None
    phone: str | None
    bank_name: str | None
    bank_account: str | None
    notes: str | None
    source: str
    created_at: str | None


class SupplierEnvelope(msgspec.Struct, kw_only=True):
    """``{"supplier": …}`` (create of a new supplier, update)."""

    supplier: SupplierOut


class SupplierCreated(msgspec.Struct, kw_only=True):
    """``POST /api/v1/suppliers``: ``existing`` is true when the CIF was already known (HTTP 200)."""

    supplier: SupplierOut
    existing: bool = False


def supplier_out(row: dict[str, Any]) -> SupplierOut:
    """A ``suppliers`` row as :class:`SupplierOut`."""
    return SupplierOut(
        id=row["id"], name=row["name"], cif=row["cif"], vat_code=row["vat_code"], is_vat_payer=row["is_vat_payer"],
        registration_number=row["registration_number"], address=row["address"], city=row["city"], county=row["county"],
        country=row["country"], postal_code=row.get("postal_code"), email=row["email"], phone=row.get("phone"),
        bank_name=row.get("bank_name"), bank_account=row["bank_account"], notes=row.get("notes"), source=row["source"],
        created_at=j.stamp(row["created_at"]),
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Trim and check a supplier's fields (snake_case); raises :class:`FieldErrors` (422)."""
    from core.masterdata.service import normalise_tax_id

    v = trimmed(values)
    errors: list[tuple[str, str]] = []
    for key in ("address", "city", "county"):
        if key in v:
            v[key] = v[key] or ""
    if "country" in v:
        v["country"] = (v["country"] or "RO").upper()
        if len(v["country"]) != 2 or not v["country"].isalpha():
            errors.append(("country", "Use a two-letter ISO country code."))
    if "cif" in v:
        v["cif"] = normalise_tax_id(v["cif"], v.get("country") or "RO")
        if v["cif"] and not (v["cif"].isalnum() and len(v["cif"]) <= 30):
            errors.append(("cif", "The CIF may hold only letters and digits."))
    if "name" in v and not v["name"]:
        errors.append(("name", "The supplier's name is required."))
    if v.get("email") and not EMAIL.match(v["email"]):
        errors.append(("email", "The e-mail address is not valid."))
    if v.get("vat_code"):
        v["vat_code"] = re.sub(r"\s", "", v["vat_code"]).upper()
    errors += length_errors(v, _MAX)
    if errors:
        raise FieldErrors(errors, status=422)
    return v


async def _row(ctx: CompanyContext, supplier_id: str) -> dict[str, Any]:
    return await live_row(Supplier, ctx.company_id, supplier_id, "Supplier not found.")


async def _by_cif(ctx: CompanyContext, cif: str | None) -> dict[str, Any] | None:
    if not cif:
        return None
    return (
        await Supplier.select()
        .where((Supplier.company == ctx.company_id) & (Supplier.cif == cif) & Supplier.deleted_at.is_null())
        .first()
    )


async def create_supplier(ctx: CompanyContext, data: SupplierIn) -> tuple[SupplierCreated, int]:
    """``POST /api/v1/suppliers``: ``(body, status)`` — 201 new, 200 ``existing`` for a known CIF.

    Raises :class:`FieldErrors` (422) and :class:`core.errors.Forbidden` without ``client.create``.
    """
    require(ctx.caller, "client.create")
    clean = _clean(msgspec.structs.asdict(data))
    if clean.get("is_vat_payer") is None:
        clean["is_vat_payer"] = bool(clean.get("vat_code"))
    if not clean.get("vat_code") and clean["is_vat_payer"] and clean.get("cif") and clean["cif"].isdigit():
        clean["vat_code"] = vat_prefix(clean["country"]) + clean["cif"]
    async with write_transaction():
        existing = await _by_cif(ctx, clean.get("cif"))
        if existing is not None:
            return SupplierCreated(supplier=supplier_out(existing), existing=True), 200
        row = Supplier(company=ctx.company_id, source="manual", **clean)
        await row.save()
    return SupplierCreated(supplier=supplier_out(await _row(ctx, row.id))), 201


async def update_supplier(ctx: CompanyContext, supplier_id: str, data: SupplierPatch) -> SupplierEnvelope:
    """``PATCH /api/v1/suppliers/{id}``: the changed supplier. Raises :class:`core.errors.NotFound`, :class:`FieldErrors`."""
    require(ctx.caller, "client.edit")
    await _row(ctx, supplier_id)
    sent = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not UNSET}
    if sent:
        clean = _clean(sent)
        await Supplier.update({getattr(Supplier, k): value for k, value in clean.items()}).where(Supplier.id == supplier_id)
    return SupplierEnvelope(supplier=supplier_out(await _row(ctx, supplier_id)))


async def delete_supplier(ctx: CompanyContext, supplier_id: str) -> None:
    """``DELETE /api/v1/suppliers/{id}``: soft delete; incoming invoices keep their link. NotFound otherwise."""
    require(ctx.caller, "client.delete")
    await _row(ctx, supplier_id)
    await Supplier.update({Supplier.deleted_at: dt.datetime.now(dt.timezone.utc)}).where(Supplier.id == supplier_id)


async def bulk_delete_suppliers(ctx: CompanyContext, data: BulkIds) -> BulkResult:
    """``POST /api/v1/suppliers/bulk-delete``: shape D ``{"deleted": n, "errors": [{"id", "error"}]}``."""
    require(ctx.caller, "client.delete")
    return await each(data, "supplier", lambda supplier_id: delete_supplier(ctx, supplier_id))
