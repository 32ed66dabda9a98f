"""Clients and suppliers of a company (objects.md §3.3); products and VAT rates live in
:mod:`core.masterdata.catalogue`.

Only writer of ``clients`` and ``suppliers``. Every function takes the caller's
:class:`CompanyContext` and touches rows of that company only: another company's id is a 404.
Client field errors are shape B with 422 (:class:`core.errors.FieldErrors`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count, Sum

from core.api import json as j
from core.auth.context import CompanyContext
from core.auth.permissions import require
from core.db.engine import write_transaction
from core.errors import FieldErrors
from core.geo import county_code
from core.invoicing.tables import Invoice
from core.masterdata import registry
from core.masterdata.fields import EMAIL, length_errors, trimmed, vat_prefix
from core.masterdata.rows import live_row
from core.masterdata.schemas import ClientIn, ClientPatch, client_json, supplier_json
from core.masterdata.tables import Client, Supplier
from core.model import Party

__all__ = [
    "create_client",
    "delete_client",
    "get_client",
    "get_supplier",
    "list_clients",
    "list_suppliers",
    "normalise_tax_id",
    "update_client",
]

_MAX = {
    "name": 255,
    "address": 255,
    "email": 255,
    "city": 100,
    "county": 100,
    "contact_person": 100,
    "bank_name": 100,
    "registration_number": 50,
    "phone": 50,
    "bank_account": 50,
    "postal_code": 20,
    "vat_code": 20,
    "notes": 5000,
}
_NOT_NULL_TEXT = ("address", "city", "county")
HISTORY = 20
_CLIENT_FIELDS = tuple(f.name for f in msgspec.structs.fields(ClientIn))


def normalise_tax_id(value: str | int | None, country: str) -> str | None:
    """A tax id without spaces and without its country prefix (``"RO 123"`` → ``"123"``); None for ``""``/``"-"``."""
    if value is None:
        return None
    text = re.sub(r"[\s.]", "", str(value)).upper()
    if text in ("", "-"):
        return None
    prefix = vat_prefix(country)
    return text[len(prefix) :] if text.startswith(prefix) and len(text) > len(prefix) else text


def _tax_id_error(cui: str, country: str) -> str | None:
    if country == "RO":
        return (
            None
            if cui.isdigit() and 2 <= len(cui) <= 10
            else "A Romanian CUI has 2 to 10 digits (the RO prefix is optional)."
        )
    return None if cui.isalnum() and len(cui) <= 20 else "The tax id may hold only letters and digits (at most 20)."


def _normalise_client(values: dict[str, Any]) -> dict[str, Any]:
    """Clean and check a client's merged fields (snake_case); raises :class:`FieldErrors` (422)."""
    v = trimmed(values)
    errors: list[tuple[str, str]] = []
    for key in _NOT_NULL_TEXT:
        v[key] = v.get(key) or ""
    country = (v.get("country") or "RO").upper()
    v["country"] = country
    if len(country) != 2 or not country.isalpha():
        errors.append(("country", "Use a two-letter ISO country code."))
    if v.get("type") not in ("company", "individual"):
        errors.append(("type", "The type must be 'company' or 'individual'."))
    v["cui"] = normalise_tax_id(v.get("cui"), country)
    if v["cui"] and (problem := _tax_id_error(v["cui"], country)):
        errors.append(("cui", problem))
    if v.get("cnp") and not (v["cnp"].isdigit() and len(v["cnp"]) == 13):
        errors.append(("cnp", "A CNP has 13 digits."))
    if not v.get("name"):
        errors.append(("name", "The client's name is required."))
    if country == "RO" and county_code(v["county"]) is None:
        errors.append(("county", "Choose a Romanian county (e.g. 'Cluj' or 'CJ'; 'Bucuresti' for Bucharest)."))
    if v.get("email") and not EMAIL.match(v["email"]):
        errors.append(("email", "The e-mail address is not valid."))
    if v.get("currency"):
        v["currency"] = v["currency"].upper()
        if len(v["currency"]) != 3 or not v["currency"].isalpha():
            errors.append(("currency", "Use a three-letter ISO 4217 currency code."))
    days = v.get("default_payment_term_days")
    if days is not None and not 0 <= days <= 3650:
        errors.append(("defaultPaymentTermDays", "The payment term is 0 to 3650 days."))
    errors += length_errors(v, _MAX)
    if v.get("is_vat_payer") is None:
        v["is_vat_payer"] = bool(v.get("vat_code"))
    if v.get("vat_code"):
        v["vat_code"] = re.sub(r"\s", "", v["vat_code"]).upper()
    elif v["is_vat_payer"] and v["cui"]:
        v["vat_code"] = vat_prefix(country) + v["cui"]
    if errors:
        raise FieldErrors(errors, status=422)
    return v


async def _client(ctx: CompanyContext, client_id: str) -> dict[str, Any]:
    return await live_row(Client, ctx.company_id, client_id, "Client not found.")


def _history_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "number": row["number"],
        "documentType": row["document_type"],
        "direction": row["direction"],
        "status": row["status"],
        "issueDate": j.date(row["issue_date"]),
        "dueDate": j.date(row["due_date"]),
        "currency": row["currency"],
        "total": j.amount(row["total"]),
    }


async def _history(where: Any) -> list[dict[str, Any]]:
    rows = (
        await Invoice.select(
            Invoice.id,
            Invoice.number,
            Invoice.document_type,
            Invoice.direction,
            Invoice.status,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.currency,
            Invoice.total,
        )
        .where(where & Invoice.deleted_at.is_null())
        .order_by(Invoice.issue_date, ascending=False)
        .limit(HISTORY)
    )
    return [_history_json(r) for r in rows]


# --- clients -----------------------------------------------------------------------------------


async def list_clients(
    ctx: CompanyContext,
    *,
    page: int,
    limit: int,
    search: str | None = None,
    country: str | None = None,
    vat_payer: bool | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """``GET /api/v1/clients``: a page ``{data,total,page,limit,pages}`` ordered by name.

    ``search`` matches name, CUI, CNP, VAT code or e-mail. Rows add ``invoiceCount`` and
    ``invoiceTotal`` (outgoing, not cancelled, any currency).
    """
    require(ctx.caller, "client.view")
    where = (Client.company == ctx.company_id) & Client.deleted_at.is_null()
    if search and search.strip():
        term = f"%{search.strip()}%"
        where &= (
            Client.name.ilike(term)
            | Client.cui.ilike(term)
            | Client.cnp.ilike(term)
            | Client.vat_code.ilike(term)
            | Client.email.ilike(term)
        )
    if country:
        where &= Client.country == country.upper()
    if vat_payer is not None:
        where &= Client.is_vat_payer == vat_payer
    if source:
        where &= Client.source == source
    total = await Client.count().where(where)
    rows = (
        await Client.select()
        .where(where)
        .order_by(Client.name)
        .order_by(Client.id)
        .limit(limit)
        .offset((page - 1) * limit)
    )
    stats: dict[str, tuple[int, int]] = {}
    if rows:
        for s in (
            await Invoice.select(Invoice.client, Count(Invoice.id, alias="n"), Sum(Invoice.total, alias="amount"))
            .where(
                Invoice.client.is_in([r["id"] for r in rows])
                & (Invoice.direction == "outgoing")
                & (Invoice.status != "cancelled")
                & Invoice.deleted_at.is_null()
            )
            .group_by(Invoice.client)
        ):
            stats[s["client"]] = (int(s["n"]), int(s["amount"] or 0))
    data = []
    for row in rows:
        count, amount = stats.get(row["id"], (0, 0))
        data.append({**client_json(row), "invoiceCount": count, "invoiceTotal": j.amount(amount)})
    return j.page(data, total, page, limit)


async def create_client(ctx: CompanyContext, data: ClientIn) -> tuple[dict[str, Any], int]:
    """``POST /api/v1/clients``: returns ``(body, status)``.

    201 ``{"client", "anafValidated"}`` for a new client; 200 ``{"client", "existing": true}``
    when a client with this CUI exists. A Romanian company sent without ``name`` is filled from
    the public registry (``anafValidated`` true, source ``anaf``). Raises :class:`FieldErrors` (422)
    and :class:`core.errors.ServiceUnavailable` (registry down).
    """
    require(ctx.caller, "client.create")
    values = msgspec.structs.asdict(data)
    country = (values["country"] or "RO").strip().upper()
    cui = normalise_tax_id(values["cui"], country)
    existing = await _existing(ctx, cui)
    if existing is not None:
        return {"client": client_json(existing), "existing": True}, 200
    validated = False
    if not (values["name"] or "").strip() and cui and country == "RO" and values["type"] == "company":
        record = await registry.lookup("RO", cui) if cui.isdigit() else None
        if record is not None:
            validated = True
            values.update(
                {
                    k: v
                    for k, v in {
                        "name": record.name,
                        "registration_number": record.registration_number,
                        "address": record.address,
                        "city": record.city,
                        "county": record.county,
                        "postal_code": record.postal_code,
                        "phone": record.phone,
                    }.items()
                    if not values.get(k)
                }
            )
            if values["is_vat_payer"] is None:
                values["is_vat_payer"] = record.vat_payer
    clean = _normalise_client(values)
    clean["source"] = "anaf" if validated else "api"
    async with write_transaction():
        existing = await _existing(ctx, clean["cui"])  # a concurrent create of the same CUI may have won
        if existing is not None:
            return {"client": client_json(existing), "existing": True}, 200
        row = Client(company=ctx.company_id, **clean)
        await row.save()
    return {"client": client_json(await _client(ctx, row.id)), "anafValidated": validated}, 201


async def _existing(ctx: CompanyContext, cui: str | None) -> dict[str, Any] | None:
    if not cui:
        return None
    return (
        await Client.select()
        .where((Client.company == ctx.company_id) & (Client.cui == cui) & Client.deleted_at.is_null())
        .first()
    )


async def get_client(ctx: CompanyContext, client_id: str) -> dict[str, Any]:
    """``GET /api/v1/clients/{id}``: ``{"client", "invoiceHistory"}`` (latest 20 documents)."""
    require(ctx.caller, "client.view")
    row = await _client(ctx, client_id)
    return {"client": client_json(row), "invoiceHistory": await _history(Invoice.client == client_id)}


async def update_client(ctx: CompanyContext, client_id: str, data: ClientPatch) -> dict[str, Any]:
    """``PATCH /api/v1/clients/{id}``: ``{"client"}``. Raises :class:`core.errors.NotFound`, :class:`FieldErrors`."""
    require(ctx.caller, "client.edit")
    row = await _client(ctx, client_id)
    sent = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    merged = {k: row[k] for k in _CLIENT_FIELDS} | sent
    if "vat_code" not in sent and ("cui" in sent or "is_vat_payer" in sent or "country" in sent):
        merged["vat_code"] = None  # derived again from the new CUI / VAT status
    clean = _normalise_client(merged)
    await Client.update({getattr(Client, k): clean[k] for k in _CLIENT_FIELDS}).where(Client.id == client_id)
    return {"client": client_json(await _client(ctx, client_id))}


async def delete_client(ctx: CompanyContext, client_id: str) -> None:
    """``DELETE /api/v1/clients/{id}``: soft delete (documents keep their buyer snapshot)."""
    require(ctx.caller, "client.delete")
    await _client(ctx, client_id)
    await Client.update({Client.deleted_at: dt.datetime.now(dt.timezone.utc)}).where(Client.id == client_id)


# --- suppliers ---------------------------------------------------------------------------------


async def list_suppliers(ctx: CompanyContext, *, page: int, limit: int, search: str | None = None) -> dict[str, Any]:
    """``GET /api/v1/suppliers``: a page of suppliers ordered by name; ``search`` matches name or CIF."""
    require(ctx.caller, "client.view")
    where = (Supplier.company == ctx.company_id) & Supplier.deleted_at.is_null()
    if search and search.strip():
        term = f"%{search.strip()}%"
        where &= Supplier.name.ilike(term) | Supplier.cif.ilike(term) | Supplier.vat_code.ilike(term)
    total = await Supplier.count().where(where)
    rows = (
        await Supplier.select()
        .where(where)
        .order_by(Supplier.name)
        .order_by(Supplier.id)
        .limit(limit)
        .offset((page - 1) * limit)
    )
    return j.page([supplier_json(r) for r in rows], total, page, limit)


async def get_supplier(ctx: CompanyContext, supplier_id: str) -> dict[str, Any]:
    """``GET /api/v1/suppliers/{id}``: ``{"supplier", "invoiceHistory", "invoiceCount"}`` (incoming documents)."""
    require(ctx.caller, "client.view")
    row = await live_row(Supplier, ctx.company_id, supplier_id, "Supplier not found.")
    where = (Invoice.supplier == supplier_id) & (Invoice.company == ctx.company_id)
    count = await Invoice.count().where(where & Invoice.deleted_at.is_null())
    return {"supplier": supplier_json(row), "invoiceHistory": await _history(where), "invoiceCount": count}


def tax_id_of(vat_or_id: str | None) -> str | None:
    """The tax id without a two-letter country prefix (``RO123`` -> ``123``); other ids unchanged."""
    if not vat_or_id:
        return None
    text = vat_or_id.strip().upper()
    return text[2:] if text[:2].isalpha() and text[2:].isdigit() else text


async def supplier_for_seller(company_id: str, seller: Party) -> str:
    """The id of the supplier matching an incoming document's seller (BG-4) by tax id, created
    from the seller's data when the company has none yet (objects.md §3.3-style supplier, source
    ``efactura``). Runs in the caller's transaction."""
    cif = tax_id_of(seller.vat_identifier or seller.tax_registration_id or (seller.legal_registration_id.value if seller.legal_registration_id else None))
    if cif:
        found = await Supplier.select(Supplier.id, Supplier.deleted_at).where((Supplier.company == company_id) & (Supplier.cif == cif)).first().run()
        if found:
            if found["deleted_at"] is not None:  # a supplier deleted by hand comes back with its next invoice
                await Supplier.update({Supplier.deleted_at: None}).where(Supplier.id == found["id"]).run()
            return found["id"]
    row = Supplier(
        company=company_id,
        name=seller.name,
        cif=cif,
        vat_code=seller.vat_identifier,
        is_vat_payer=bool(seller.vat_identifier),
        registration_number=seller.legal_registration_id.value if seller.legal_registration_id else None,
        address=seller.address.line1 or "",
        city=seller.address.city or "",
        county=seller.address.subdivision or "",
        country=seller.address.country_code,
        email=seller.contact.email if seller.contact else None,
    )
    await Supplier.insert(row).run()
    return row.id
