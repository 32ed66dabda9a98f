"""Companies of an organisation: list, create (from the public registry), detail, update (objects.md §3.12).

Only writer of ``companies``. A company is created with its default numbering series
(:func:`core.invoicing.series.create_defaults`) and VAT rates
(:func:`core.masterdata.catalogue.create_default_vat_rates`) in one transaction. A CIF may exist
once per organisation among companies not deleted (409 ``DUPLICATE_CIF``; a partial unique index
backs this up). Access: the caller's organisation, restricted to the membership's allowed
companies; another organisation's company is 403, an unknown or deleted one 404.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Any

import msgspec

from core.api import json as j
from core.audit.log import record
from core.auth.context import Caller
from core.auth.deps import company_for
from core.auth.permissions import require
from core.auth.read_only import read_only_ids
from core.auth.schemas import CompanyIn, CompanyPatch
from core.auth.tables import Company
from core.db.engine import is_unique_violation, write_transaction
from core.errors import BadRequest, Conflict, NotFound
from core.geo import county_code
from core.licensing.service import ensure_company_slot
from core.invoicing import series
from core.masterdata import catalogue, registry
from core.masterdata.service import normalise_tax_id
from core.submissions.tables import ProviderCredential, SyncState

__all__ = [
    "company_json",
    "create_company",
    "delete_company",
    "get_company",
    "list_companies",
    "set_active",
    "toggle_sync",
    "update_company",
]

log = logging.getLogger("storno.companies")
DUPLICATE = "This company is already added to your organization."
_MAX = {
    "name": 255,
    "address": 255,
    "email": 255,
    "website": 255,
    "city": 100,
    "state": 100,
    "bank_name": 100,
    "registration_number": 50,
    "phone": 50,
    "bank_account": 50,
    "postal_code": 20,
    "vat_code": 20,
    "bank_bic": 20,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _cif_json(cif: str) -> int | str:
    # objects.md §3.12 has the CIF as a number; non-numeric foreign tax ids stay strings.
    return int(cif) if cif.isdigit() and not cif.startswith("0") else cif


def company_json(
    row: dict[str, Any],
    *,
    last_synced_at: dt.datetime | None = None,
    has_valid_token: bool | None = None,
    read_only: bool = False,
) -> dict[str, Any]:
    """A company row as the API shows it (objects.md §3.12); ``hasValidToken`` only on create/detail;
    ``isReadOnly`` is ``read_only`` (over the licence's company limit, :mod:`core.auth.read_only`)."""
    out = {
        "id": row["id"],
        "name": row["name"],
        "cif": _cif_json(row["cif"]),
        "registrationNumber": row["registration_number"],
        "vatPayer": row["vat_payer"],
        "vatCode": row["vat_code"],
        "address": row["address"],
        "city": row["city"],
        "state": row["state"],
        "postalCode": row["postal_code"],
        "country": row["country"],
        "phone": row["phone"],
        "email": row["email"],
        "website": row["website"],
        "capitalSocial": None,
        "vatOnCollection": row["vat_on_collection"],
        "oss": False,
        "vatIn": None,
        "eoriCode": None,
        "representative": None,
        "representativeRole": None,
        "bankName": row["bank_name"],
        "bankAccount": row["bank_account"],
        "bankBic": row["bank_bic"],
        "defaultCurrency": row["default_currency"],
        "syncEnabled": row["sync_enabled"],
        "lastSyncedAt": j.stamp(last_synced_at),
        "syncDaysBack": row["sync_days_back"],
        "archiveEnabled": False,
        "archiveRetentionYears": None,
        "efacturaDelayHours": row["efactura_delay_hours"],
        "isReadOnly": read_only,
        "enabledModules": None,
        "deletedAt": j.stamp(row["deleted_at"]),
        "hardDeleteAt": j.stamp(row["deleted_at"] + dt.timedelta(days=5)) if row["deleted_at"] else None,
        "stripeConnect": None,
        "createdAt": j.stamp(row["created_at"]),
    }
    if has_valid_token is not None:
        out["hasValidToken"] = has_valid_token
    return out


async def _last_synced(company_ids: list[str]) -> dict[str, dt.datetime]:
    out: dict[str, dt.datetime] = {}
    if company_ids:
        for row in await SyncState.select(SyncState.company, SyncState.last_synced_at).where(
            SyncState.company.is_in(company_ids) & SyncState.last_synced_at.is_not_null()
        ):
            if row["company"] not in out or row["last_synced_at"] > out[row["company"]]:
                out[row["company"]] = row["last_synced_at"]
    return out


async def _has_valid_token(company_id: str) -> bool:
    now = dt.datetime.now(dt.timezone.utc)
    for row in await ProviderCredential.select(ProviderCredential.expires_at, ProviderCredential.refresh_token).where(
        ProviderCredential.company == company_id
    ):
        if row["refresh_token"] or row["expires_at"] is None or row["expires_at"] > now:
            return True
    return False


async def _detail(row: dict[str, Any]) -> dict[str, Any]:
    synced = await _last_synced([row["id"]])
    return company_json(
        row,
        last_synced_at=synced.get(row["id"]),
        has_valid_token=await _has_valid_token(row["id"]),
        read_only=row["id"] in await read_only_ids(),
    )


async def list_companies(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/companies``: ``{"data": [...]}``, the organisation's companies the member may see, by name."""
    require(caller, "company.view")
    where = (Company.organisation == caller.organisation_id) & Company.deleted_at.is_null()
    if caller.allowed_companies:
        where &= Company.id.is_in(list(caller.allowed_companies))
    rows = await Company.select().where(where).order_by(Company.name)
    synced = await _last_synced([r["id"] for r in rows])
    read_only = await read_only_ids()
    return {"data": [company_json(r, last_synced_at=synced.get(r["id"]), read_only=r["id"] in read_only) for r in rows]}


def _check_fields(values: dict[str, Any], country: str) -> None:
    """Lengths the columns hold, the e-mail, and for Romania a county CIUS-RO can code (BT-39)."""
    for key, limit in _MAX.items():
        if isinstance(values.get(key), str) and len(values[key]) > limit:
            raise BadRequest(f"{key} must have at most {limit} characters.")
    if values.get("email") and not _EMAIL.match(values["email"]):
        raise BadRequest("The company e-mail address is not valid.")
    if country == "RO" and values.get("state") and county_code(values["state"]) is None:
        raise BadRequest("state must be a Romanian county (e.g. 'Cluj' or 'CJ'; 'Bucuresti' for Bucharest).")


def _normalise_cif(raw: str | int, country: str) -> str:
    cif = normalise_tax_id(raw, country)
    if cif is None:
        raise BadRequest("CIF is required.")
    if country == "RO" and not (cif.isdigit() and 2 <= len(cif) <= 10):
        raise BadRequest("A Romanian CIF has 2 to 10 digits (the RO prefix is optional).")
    if country != "RO" and not (cif.isalnum() and len(cif) <= 20):
        raise BadRequest("The tax id may hold only letters and digits (at most 20).")
    return cif


async def _duplicate(organisation_id: str, cif: str) -> bool:
    return await Company.exists().where(
        (Company.organisation == organisation_id) & (Company.cif == cif) & Company.deleted_at.is_null()
    )


async def create_company(
    caller: Caller, data: CompanyIn, *, provider_settings: Callable[[str], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``POST /api/v1/companies``: the new company (with ``hasValidToken``), 201.

    With only ``cif``, the company is filled from the public registry of ``country`` (hook
    ``storno_lookup_company``, handed ``provider_settings(code)`` of the provider serving the
    country — ``Services.provider_settings``); with ``name`` the data sent is used as is. Raises
    :class:`BadRequest` (malformed CIF or fields), :class:`NotFound` (registry does not know the
    CIF, or no registry serves the country), :class:`Conflict` ``DUPLICATE_CIF``,
    :class:`core.errors.ServiceUnavailable` (registry down), :class:`Forbidden` (role) and
    :class:`core.errors.PaymentRequired` ``PLAN_LIMIT`` (the licence's company limit is reached).
    """
    require(caller, "company.create")
    country = data.country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise BadRequest("country must be an ISO 3166-1 alpha-2 code.")
    cif = _normalise_cif(data.cif, country)
    if await _duplicate(caller.organisation_id, cif):
        raise Conflict(DUPLICATE, code="DUPLICATE_CIF")
    given = {
        f: getattr(data, f)
        for f in (
            "name",
            "registration_number",
            "vat_code",
            "address",
            "city",
            "state",
            "postal_code",
            "phone",
            "email",
            "website",
            "bank_name",
            "bank_account",
            "bank_bic",
        )
    }
    given = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in given.items()}
    vat_payer = data.vat_payer
    if not given["name"]:
        record = await registry.lookup(country, cif, provider_settings)
        if record is None:
            raise NotFound(
                f"CIF {cif} was not found in the public registry; send the company's name and address to add it without a lookup."
            )
        found = {
            "name": record.name,
            "registration_number": record.registration_number,
            "address": record.address,
            "city": record.city,
            "state": record.county,
            "postal_code": record.postal_code,
            "phone": record.phone,
        }
        given = {k: given.get(k) or found.get(k) for k in given}
        vat_payer = record.vat_payer if vat_payer is None else vat_payer
    if vat_payer is None:
        vat_payer = bool(given["vat_code"])
    if vat_payer and not given["vat_code"]:
        given["vat_code"] = ("EL" if country == "GR" else country) + cif
    _check_fields(given, country)
    currency = (data.default_currency or ("RON" if country == "RO" else "EUR")).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise BadRequest("defaultCurrency must be an ISO 4217 code.")
    row = Company(
        organisation=caller.organisation_id,
        cif=cif,
        country=country,
        vat_payer=vat_payer,
        default_currency=currency,
        **{k: (v or "") if k in ("address", "city", "state") else v for k, v in given.items()},
    )
    try:
        async with write_transaction():
            await ensure_company_slot()  # the licence's company limit: 402 PLAN_LIMIT (objects.md §10)
            if await _duplicate(caller.organisation_id, cif):  # a concurrent create may have won
                raise Conflict(DUPLICATE, code="DUPLICATE_CIF")
            await row.save()
            await series.create_defaults(row.id)
            await catalogue.create_default_vat_rates(row.id)
    except Exception as exc:
        if is_unique_violation(exc):  # lost the race past the check (companies_org_cif_uq)
            raise Conflict(DUPLICATE, code="DUPLICATE_CIF") from None
        raise
    log.info("company %s (CIF %s) added to organisation %s", row.id, cif, caller.organisation_id)
    return await _detail(await Company.select().where(Company.id == row.id).first())


async def get_company(caller: Caller, company_id: str) -> dict[str, Any]:
    """``GET /api/v1/companies/{id}``: the company with ``hasValidToken``. Raises :class:`NotFound`, :class:`Forbidden`."""
    require(caller, "company.view")
    return await _detail(await company_for(caller, company_id))


async def update_company(caller: Caller, company_id: str, data: CompanyPatch) -> dict[str, Any]:
    """``PATCH /api/v1/companies/{id}``: the updated company. The CIF never changes.

    Raises :class:`NotFound`, :class:`Forbidden` (access or role) and :class:`BadRequest`.
    """
    require(caller, "company.edit")
    row = await company_for(caller, company_id)
    sent = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    for key, value in list(sent.items()):
        if isinstance(value, str):
            sent[key] = value.strip()
    for key in ("country", "default_currency"):
        if key in sent:
            sent[key] = sent[key].upper()
    country = sent.get("country", row["country"])
    _check_fields(sent, country)
    if sent.get("vat_payer") and not sent.get("vat_code") and not row["vat_code"]:
        sent["vat_code"] = ("EL" if country == "GR" else country) + row["cif"]  # BT-31 of a VAT payer
    if sent:
        await Company.update({getattr(Company, k): v for k, v in sent.items()}).where(Company.id == company_id)
    return await _detail(await company_for(caller, company_id))


async def delete_company(caller: Caller, company_id: str, *, ip: str | None = None) -> None:
    """``DELETE /api/v1/companies/{id}``: soft delete (``deletedAt`` now; ``hardDeleteAt`` 5 days later,
    objects.md §3.12). The company disappears from lists and contexts at once; its CIF may be added again.

    Raises :class:`NotFound` (unknown or already deleted) and :class:`Forbidden` (access or role).
    """
    require(caller, "company.delete")
    row = await company_for(caller, company_id)
    async with write_transaction():
        await Company.update({Company.deleted_at: dt.datetime.now(dt.timezone.utc)}).where(
            (Company.id == company_id) & Company.deleted_at.is_null()
        )
        await record(
            "company.deleted", actor=caller.user_id, organisation=caller.organisation_id, target=company_id, ip=ip,
            details={"cif": row["cif"], "name": row["name"]},
        )
    log.info("company %s (CIF %s) soft-deleted from organisation %s", company_id, row["cif"], caller.organisation_id)


async def toggle_sync(caller: Caller, company_id: str) -> dict[str, Any]:
    """``POST /api/v1/companies/{id}/toggle-sync``: flips automatic e-Factura sync (``syncEnabled``);
    returns the company detail. Raises :class:`NotFound` and :class:`Forbidden` (access or role)."""
    require(caller, "company.edit")
    row = await company_for(caller, company_id)
    await Company.update({Company.sync_enabled: not row["sync_enabled"]}).where(Company.id == company_id)
    return await _detail(await company_for(caller, company_id))


async def set_active(caller: Caller, company_id: str, *, ip: str | None = None) -> dict[str, Any]:
    """``PUT /api/v1/companies/{id}/set-active``: keep this company writable when the appliance holds
    more companies than the licence allows (objects.md §8.4); returns the company detail (200).

    The choice is stamped (``kept_writable_at`` = now): the most recently chosen companies stay
    writable, up to the licence's limit, and the others become read-only
    (:mod:`core.auth.read_only`); choosing a company that is writable already only records the
    choice. Allowed on a read-only company. Needs ``org.manage_billing`` (owners: the licence is
    theirs). Audited as ``company.set_active``. Raises :class:`NotFound` and :class:`Forbidden`.
    """
    require(caller, "org.manage_billing")
    await company_for(caller, company_id)
    async with write_transaction():
        await Company.update({Company.kept_writable_at: dt.datetime.now(dt.timezone.utc)}).where(Company.id == company_id)
        await record(
            "company.set_active", actor=caller.user_id, organisation=caller.organisation_id, target=company_id, ip=ip
        )
    log.info("company %s chosen to stay writable in organisation %s", company_id, caller.organisation_id)
    return await _detail(await company_for(caller, company_id))
