"""Stored provider tokens as the API shows them: list, store after validation, delete, validate a
CIF, connection status (endpoints.tsv area ``anaf``; token object below).

Token object (hand-serialised; the token itself is never returned)::

    {"id", "provider", "label", "companyId", "companyName", "cif", "expiresAt", "expired",
     "hasRefreshToken", "validatedCifs", "createdBy", "createdAt", "updatedAt"}

The tokens live in ``provider_credentials`` (one per company and provider), sealed at rest by
:class:`core.submissions.credentials.DbCredentialStore`. A token is visible to the members who may
see its company (objects.md §8.4). Reading needs ``efactura.view``; storing and deleting need
``settings.manage`` and are audited (``anaf_token.stored`` / ``anaf_token.deleted``, named after
the provider).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
import msgspec

from core import providers
from core.api import json as j
from core.audit.log import record
from core.auth.context import Caller, CompanyContext
from core.auth.permissions import require
from core.auth.tables import Company
from core.errors import (
    BadRequest,
    ConfigurationError,
    NotFound,
    PermanentProviderError,
    ServiceUnavailable,
    TransientProviderError,
    Unprocessable,
)
from core.submissions.credentials import DbCredentialStore, MemoryCredentialStore, open_row
from core.submissions.tables import ProviderCredential
from core.views import CompanyView, Credentials, ProviderContext

__all__ = ["TokenIn", "ValidateCifIn", "delete_token", "list_tokens", "status", "store_token", "validate_cif", "token_json"]

TOKEN_NOT_FOUND = "Token not found."


class TokenIn(msgspec.Struct, forbid_unknown_fields=False):
    """Body of ``POST /api/v1/anaf/tokens``: the access ``token`` (required), optional
    ``refreshToken``, ``label`` and ``expiresAt`` (RFC 3339; default the JWT ``exp`` claim)."""

    token: str = ""
    refreshToken: str | None = None
    label: str | None = None
    expiresAt: dt.datetime | None = None


class ValidateCifIn(msgspec.Struct, forbid_unknown_fields=False):
    """Body of ``POST /api/v1/anaf/tokens/{id}/validate-cif``: the CIF to check."""

    cif: str = ""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite hands back naive UTC
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def token_json(row: dict[str, Any], company: dict[str, Any]) -> dict[str, Any]:
    """The token object of a ``provider_credentials`` row and its company row."""
    expires = _aware(row["expires_at"])
    validated = row["validated_cifs"]
    if isinstance(validated, str):
        validated = msgspec.json.decode(validated)
    return {
        "id": row["id"],
        "provider": row["provider"],
        "label": row["label"],
        "companyId": company["id"],
        "companyName": company["name"],
        "cif": company["cif"],
        "expiresAt": j.stamp(expires),
        "expired": expires is not None and expires <= _now(),
        "hasRefreshToken": bool(row["refresh_token"]),
        "validatedCifs": list(validated or []),
        "createdBy": row["created_by"],
        "createdAt": j.stamp(row["created_at"] or row["updated_at"]),
        "updatedAt": j.stamp(row["updated_at"]),
    }


async def _visible_companies(caller: Caller) -> dict[str, dict[str, Any]]:
    where = (Company.organisation == caller.organisation_id) & Company.deleted_at.is_null()
    if caller.allowed_companies:
        where &= Company.id.is_in(list(caller.allowed_companies))
    return {row["id"]: row for row in await Company.select().where(where).run()}


async def list_tokens(caller: Caller, provider: str) -> dict[str, Any]:
    """``GET /api/v1/anaf/tokens``: ``{"data": [token]}`` of the companies the caller may see, newest first."""
    require(caller, "efactura.view")
    companies = await _visible_companies(caller)
    if not companies:
        return {"data": []}
    rows = await ProviderCredential.select().output(load_json=True).where(
        (ProviderCredential.provider == provider) & ProviderCredential.company.is_in(list(companies))
    ).order_by(ProviderCredential.updated_at, ascending=False).run()
    return {"data": [token_json(row, companies[row["company"]]) for row in rows]}


async def _token_row(caller: Caller, provider: str, token_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    companies = await _visible_companies(caller)
    row = await ProviderCredential.select().output(load_json=True).where(
        (ProviderCredential.id == token_id) & (ProviderCredential.provider == provider)
    ).first().run()
    if row is None or row["company"] not in companies:
        raise NotFound(TOKEN_NOT_FOUND)
    return row, companies[row["company"]]


def _company_view(company: dict[str, Any]) -> CompanyView:
    return CompanyView(id=company["id"], cif=company["cif"], name=company["name"], country=company["country"],
                       vat_payer=bool(company["vat_payer"]))


async def _check(provider: str, company: dict[str, Any], store: Any, cif: str) -> str | None:
    """The provider's verdict on ``store``'s token acting for ``cif`` (None: allowed)."""
    context = ProviderContext(company=_company_view(company), settings=providers.settings_section(provider) or {}, credentials=store)
    try:
        return await providers.check_access(provider, context, cif)
    except ConfigurationError as exc:
        raise BadRequest(str(exc)) from None
    except TransientProviderError as exc:
        raise ServiceUnavailable(f"The provider did not answer; try again later ({exc.message}).") from None
    except PermanentProviderError as exc:  # the provider cannot be asked at all (e.g. licence, settings)
        raise Unprocessable(exc.message) from None


def _jwt_expiry(token: str) -> dt.datetime | None:
    """``exp`` of a JWT-shaped token (RFC 7519), read without verification: only a lifetime hint."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
        return dt.datetime.fromtimestamp(int(claims["exp"]), dt.timezone.utc)
    except (jwt.InvalidTokenError, KeyError, TypeError, ValueError, OverflowError):
        return None


async def store_token(ctx: CompanyContext, provider: str, data: TokenIn, *, ip: str | None = None) -> dict[str, Any]:
    """``POST /api/v1/anaf/tokens``: check the token against the provider for the company's CIF,
    then store it sealed (replacing the company's previous one); returns the token object (201).

    Raises :class:`BadRequest` (no token, provider not loaded), :class:`Unprocessable`
    ``TOKEN_INVALID_FOR_CIF`` (the provider refuses the token for the company's CIF; nothing is
    stored), :class:`ServiceUnavailable` (provider unreachable), :class:`core.errors.Forbidden`.
    """
    require(ctx.caller, "settings.manage")
    token = (data.token or "").strip()
    if not token:
        raise BadRequest("token is required.")
    label = (data.label or "").strip()[:255] or None
    expires = _aware(data.expiresAt) or _jwt_expiry(token)
    company = await Company.select().where(Company.id == ctx.company_id).first().run()
    held = MemoryCredentialStore(Credentials(access_token=token, refresh_token=(data.refreshToken or "").strip() or None, expires_at=expires))
    refusal = await _check(provider, company, held, company["cif"])
    if refusal is not None:
        raise Unprocessable(f"The token has no access to CIF {company['cif']}: {refusal}", code="TOKEN_INVALID_FOR_CIF")
    store = DbCredentialStore(ctx.company_id, provider, created_by=ctx.caller.user_id, label=label)
    token_id = await store.save(held.credentials)  # type: ignore[arg-type]
    await ProviderCredential.update({ProviderCredential.validated_cifs: [company["cif"]]}).where(ProviderCredential.id == token_id).run()
    await record(f"{provider}_token.stored", actor=ctx.caller.user_id, organisation=ctx.caller.organisation_id,
                 target=token_id, ip=ip, details={"company": ctx.company_id, "label": label})
    row, company = await _token_row(ctx.caller, provider, token_id)
    return token_json(row, company)


async def delete_token(caller: Caller, provider: str, token_id: str, *, ip: str | None = None) -> None:
    """``DELETE /api/v1/anaf/tokens/{id}`` (204). The token is forgotten here; it stays valid at the
    provider until it expires (revoke it there too if it leaked). Raises :class:`NotFound`,
    :class:`core.errors.Forbidden`."""
    require(caller, "settings.manage")
    row, _ = await _token_row(caller, provider, token_id)
    await ProviderCredential.delete().where(ProviderCredential.id == row["id"]).run()
    await record(f"{provider}_token.deleted", actor=caller.user_id, organisation=caller.organisation_id,
                 target=row["id"], ip=ip, details={"company": row["company"]})


async def validate_cif(caller: Caller, provider: str, token_id: str, data: ValidateCifIn) -> dict[str, Any]:
    """``POST /api/v1/anaf/tokens/{id}/validate-cif``: ``{"valid": true, "cif", "validatedCifs"}``
    when the provider confirms the token's access to ``cif`` (remembered in ``validatedCifs``),
    else ``{"valid": false, "cif", "error", "code": "TOKEN_INVALID_FOR_CIF"}``.

    Raises :class:`BadRequest` (no CIF), :class:`NotFound`, :class:`ServiceUnavailable`,
    :class:`core.crypto.DecryptionError` (the stored token cannot be opened with the configured key).
    """
    require(caller, "efactura.view")
    cif = "".join((data.cif or "").split()).upper()
    if not cif:
        raise BadRequest("cif is required.")
    row, company = await _token_row(caller, provider, token_id)
    open_row(row)  # fail clearly, before calling the provider, when the key cannot open the token
    refusal = await _check(provider, company, DbCredentialStore(row["company"], provider), cif)
    if refusal is not None:
        return {"valid": False, "cif": cif, "error": refusal, "code": "TOKEN_INVALID_FOR_CIF"}
    bare = cif[2:] if cif.startswith("RO") else cif
    validated = sorted(set(row["validated_cifs"] or []) | {bare})
    await ProviderCredential.update({ProviderCredential.validated_cifs: validated}).where(ProviderCredential.id == row["id"]).run()
    return {"valid": True, "cif": bare, "validatedCifs": validated}


async def status(ctx: CompanyContext, provider: str) -> dict[str, Any]:
    """``GET /api/v1/anaf/status``: ``{"connected", "hasToken", "tokenCount", "expiresAt",
    "validatedCifs"}`` for the request's company. ``connected``: a token that is unexpired or
    can be refreshed."""
    require(ctx.caller, "efactura.view")
    rows = await ProviderCredential.select().output(load_json=True).where(
        (ProviderCredential.company == ctx.company_id) & (ProviderCredential.provider == provider)
    ).run()
    now = _now()
    connected = any(r["refresh_token"] or r["expires_at"] is None or _aware(r["expires_at"]) > now for r in rows)
    first = rows[0] if rows else None
    return {
        "connected": connected,
        "hasToken": bool(rows),
        "tokenCount": len(rows),
        "expiresAt": j.stamp(_aware(first["expires_at"])) if first else None,
        "validatedCifs": list(first["validated_cifs"] or []) if first else [],
    }
