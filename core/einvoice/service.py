"""Per-company e-invoice provider configuration: the only writer of ``einvoice_configs``.

Routes (endpoints.tsv, area ``einvoice``): list, create/update, test and delete a company's
configuration of one provider. Credentials are a flat ``{name: value}`` object of strings; every
response masks them (:func:`mask`), and on update a blank or missing value keeps the stored one.
Each credential value is stored sealed with AES-256-GCM (:mod:`core.crypto`, associated data
``einvoice_configs:<company>:<provider>:<name>``); values stored in clear before encryption are
read as they are and sealed by :func:`reseal_configs` at the next start or on the next update.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from core import crypto, providers
from core.api import json as j
from core.auth.context import CompanyContext
from core.auth.permissions import require
from core.db.engine import write_transaction
from core.einvoice.tables import EInvoiceConfig
from core.errors import BadRequest, ConfigurationError, Forbidden, NotFound

__all__ = [
    "EInvoiceConfigIn",
    "provider_list",
    "mask",
    "list_configs",
    "save_config",
    "test_config",
    "delete_config",
    "stored_credentials",
    "reseal_configs",
]


class EInvoiceConfigIn(msgspec.Struct, forbid_unknown_fields=False):
    """Body of ``POST …/einvoice-config`` and ``…/test``: ``provider`` code, optional ``enabled``,
    ``credentials`` (strings; blank keeps the stored value)."""

    provider: str
    enabled: bool | None = None
    credentials: dict[str, str | None] = {}


def provider_list() -> list[dict[str, str]]:
    """``GET /api/v1/einvoice/providers``: ``[{"code","label","country"}]`` of the loaded plugins, by code."""
    try:
        loaded = providers.providers()
    except ConfigurationError:
        loaded = {}
    return [{"code": p.code, "label": p.label, "country": p.country} for _, p in sorted(loaded.items())]


def mask(value: str) -> str:
    """A credential as shown in responses: ``****`` plus the last 4 characters (all hidden when ≤ 8 long)."""
    if not value:
        return ""
    return "****" if len(value) <= 8 else "****" + value[-4:]


def _check_access(ctx: CompanyContext, company_id: str, permission: str) -> None:
    """403 unless the path's company is the request's company (``ctx``) and the role has ``permission``."""
    if company_id != ctx.company_id:
        raise Forbidden("Permission denied.")
    require(ctx.caller, permission)


def _known_provider(code: str) -> str:
    code = (code or "").strip().lower()
    if not code:
        raise BadRequest("provider is required.")
    if code not in {p["code"] for p in provider_list()}:
        raise BadRequest(f"Unknown e-invoice provider '{code}'.")
    return code


def _context(company_id: str, provider: str, name: str) -> str:
    return f"einvoice_configs:{company_id}:{provider}:{name}"


def _stored(row: dict[str, Any]) -> dict[str, str]:
    """The row's credentials as stored (sealed, or clear when written before encryption)."""
    credentials = row["credentials"] or {}
    if isinstance(credentials, str):
        credentials = msgspec.json.decode(credentials)
    return dict(credentials)


def _open(row: dict[str, Any]) -> dict[str, str]:
    """The row's credentials in clear. Raises :class:`core.crypto.DecryptionError` (key not configured or wrong)."""
    keyring = crypto.active()
    return {k: keyring.open(v, context=_context(row["company"], row["provider"], k)) if v else v for k, v in _stored(row).items()}


def _seal(company_id: str, provider: str, credentials: dict[str, str]) -> dict[str, str]:
    keyring = crypto.active()
    return {k: keyring.seal(v, context=_context(company_id, provider, k)) if v else v for k, v in credentials.items()}


async def stored_credentials(company_id: str, provider: str) -> dict[str, str] | None:
    """The company's credentials for ``provider`` in clear, or None when it has no configuration."""
    row = await _row(company_id, provider)
    return None if row is None else _open(row)


async def reseal_configs() -> int:
    """Seal every credential value stored in clear or under a retired key with the primary key;
    returns how many configurations changed (compare-and-set on the stored JSON)."""
    keyring = crypto.active()
    changed = 0
    for row in await EInvoiceConfig.select().output(load_json=True).run():
        stored = _stored(row)
        if not any(keyring.needs_reseal(v) for v in stored.values()):
            continue
        sealed = _seal(row["company"], row["provider"], _open(row))
        async with write_transaction():
            current = await EInvoiceConfig.select(EInvoiceConfig.credentials).output(load_json=True).where(EInvoiceConfig.id == row["id"]).first()
            if current is None or _stored(current) != stored:
                continue  # changed meanwhile: the writer sealed it
            await EInvoiceConfig.update({EInvoiceConfig.credentials: sealed}).where(EInvoiceConfig.id == row["id"]).run()
            changed += 1
    return changed


def _json(row: dict[str, Any]) -> dict[str, Any]:
    credentials = _open(row)
    return {
        "id": row["id"],
        "provider": row["provider"],
        "enabled": bool(row["enabled"]),
        "credentials": {k: mask(v) for k, v in sorted(credentials.items())},
        "hasCredentials": any(credentials.values()),
        "createdAt": j.stamp(row["created_at"]),
        "updatedAt": j.stamp(row["updated_at"]),
    }


async def _row(company_id: str, provider: str) -> dict[str, Any] | None:
    return await EInvoiceConfig.select().output(load_json=True).where(
        (EInvoiceConfig.company == company_id) & (EInvoiceConfig.provider == provider)
    ).first().run()


def _merge(stored: dict[str, str], given: dict[str, str | None]) -> dict[str, str]:
    merged = dict(stored)
    for key, value in given.items():
        if value is not None and str(value).strip():
            merged[key] = str(value).strip()
    return merged


async def list_configs(ctx: CompanyContext, company_id: str) -> list[dict[str, Any]]:
    """``GET /api/v1/companies/{uuid}/einvoice-config``: a bare array of configs, by provider, credentials masked.

    Raises :class:`Forbidden` for another company or without ``settings.view``.
    """
    _check_access(ctx, company_id, "settings.view")
    rows = await EInvoiceConfig.select().output(load_json=True).where(EInvoiceConfig.company == company_id).order_by(EInvoiceConfig.provider).run()
    return [_json(r) for r in rows]


async def save_config(ctx: CompanyContext, company_id: str, data: EInvoiceConfigIn) -> tuple[dict[str, Any], bool]:
    """``POST /api/v1/companies/{uuid}/einvoice-config``: create or update; returns (config, created).

    Raises :class:`Forbidden` (another company, no ``settings.manage``), :class:`BadRequest`
    (unknown provider).
    """
    _check_access(ctx, company_id, "settings.manage")
    provider = _known_provider(data.provider)
    now = dt.datetime.now(dt.timezone.utc)
    async with write_transaction():
        existing = await _row(company_id, provider)
        if existing is None:
            row = EInvoiceConfig(
                company=company_id,
                provider=provider,
                enabled=True if data.enabled is None else data.enabled,
                credentials=_seal(company_id, provider, _merge({}, data.credentials)),
                created_at=now,
                updated_at=now,
            )
            await row.save().run()
            created = True
        else:
            merged = _merge(_open(existing), data.credentials)
            values: dict[Any, Any] = {EInvoiceConfig.credentials: _seal(company_id, provider, merged), EInvoiceConfig.updated_at: now}
            if data.enabled is not None:
                values[EInvoiceConfig.enabled] = data.enabled
            await EInvoiceConfig.update(values).where(EInvoiceConfig.id == existing["id"]).run()
            created = False
    return _json(await _row(company_id, provider)), created


async def test_config(ctx: CompanyContext, company_id: str, data: EInvoiceConfigIn) -> dict[str, Any]:
    """``POST …/einvoice-config/test``: ``{"success", "provider", "message"}`` for the supplied
    credentials merged over the stored ones.

    The hook specification has no connection-test hook yet, so this checks what the appliance can
    without one: the provider is loaded and at least one credential is present. Nothing is stored.
    Raises :class:`Forbidden` / :class:`BadRequest` as :func:`save_config`.
    """
    _check_access(ctx, company_id, "settings.manage")
    provider = _known_provider(data.provider)
    stored = await _row(company_id, provider)
    merged = _merge(_open(stored) if stored else {}, data.credentials)
    if not any(merged.values()):
        return {"success": False, "provider": provider, "message": "No credentials given or stored for this provider."}
    return {"success": True, "provider": provider, "message": "Provider is loaded and credentials are present; no live connection test is available."}


async def delete_config(ctx: CompanyContext, company_id: str, provider: str) -> None:
    """``DELETE …/einvoice-config/{provider}``. Raises :class:`Forbidden`, or :class:`NotFound` when none is stored."""
    _check_access(ctx, company_id, "settings.manage")
    code = provider.strip().lower()
    async with write_transaction():
        existing = await _row(company_id, code)
        if existing is None:
            raise NotFound("E-invoice configuration not found.")
        await EInvoiceConfig.delete().where(EInvoiceConfig.id == existing["id"]).run()
