"""The licence this appliance runs under, as the API and the services see it.

On a self-hosted appliance the SaaS "licence keys" of objects.md §3.17 (endpoints.tsv area
``licensing``) become the one offline licence (:mod:`license`) the appliance runs under:

* ``GET /api/v1/licensing/keys`` lists it (zero or one entry): masked token, plan, organisation,
  licensed providers, company limit, expiry, days left and the current violations;
* ``POST /api/v1/licensing/keys`` installs or replaces it: the token is verified first (the same
  :func:`license.verify.verify` as the gate, offline) and then written atomically to
  ``<data dir>/license.jwt``, which the gate of every process reads when neither
  ``STORNO_LICENSE`` nor ``STORNO_LICENSE_FILE`` is set (with either set, 409: the operator's
  configuration wins and the API cannot change it);
* ``DELETE /api/v1/licensing/keys/{id}`` removes the installed licence (production processes then
  refuse to start until another is installed or configured);
* ``POST /api/v1/licensing/validate`` (public) verifies a token offline and reports the plan,
  providers and the violations it would have on this appliance.

Installing and removing need ``org.manage_billing`` (owners) and are audited as
``license.changed``. A licence change applies to the company limit at once; the plugin set is
fixed at a process's start, so providers newly licensed load after a restart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine

from core.audit.log import record
from core.auth.context import Caller
from core.auth.permissions import require
from core.auth.tables import Company, Organisation, User
from core.db.engine import engine
from core.errors import BadRequest, Conflict, LicenseError, NotFound, PaymentRequired
from license.claims import LicenseStatus
from license.gate import INSTALLED_LICENSE_NAME, SOURCE_INSTALLED, data_dir_of, load_token, run_gate
from license.verify import verify

__all__ = [
    "LicenseKeyIn",
    "ValidateIn",
    "activate",
    "active",
    "company_limit",
    "delete_key",
    "ensure_company_slot",
    "install_key",
    "licence_environment",
    "list_keys",
    "mask",
    "validate",
]

#: Any fixed 64-bit key: PostgreSQL advisory lock serialising company creation against the limit.
_COMPANY_LIMIT_LOCK = 0x5354_4F52_4C49_4D54
_data_dir: Path | None = None
_environ: Mapping[str, str] = os.environ
_started: LicenseStatus | None = None


class LicenseKeyIn(msgspec.Struct, forbid_unknown_fields=False):
    """Body of ``POST /api/v1/licensing/keys``: ``licenseKey`` is the licence token (JWS compact)."""

    licenseKey: str


class ValidateIn(msgspec.Struct, forbid_unknown_fields=False):
    """Body of ``POST /api/v1/licensing/validate``: the licence token to check."""

    licenseKey: str


def activate(data_dir: Path, *, environ: Mapping[str, str] = os.environ, status: LicenseStatus | None = None) -> None:
    """Remember where this process's installed licence lives and the ``status`` it started with
    (called by the start sequence)."""
    global _data_dir, _environ, _started
    _data_dir, _environ, _started = data_dir, environ, status


def licence_environment() -> str:
    """``"development"`` when this process started under a development licence, else ``"production"``.

    The core hands it to every provider in its settings section (key ``licence``, set after the
    environment variables so it cannot be overridden): a development licence allows only
    simulators and the providers' test environments (../shared/ARCHITECTURE.md, Licence).
    """
    return "development" if _started is not None and _started.development else "production"


def _dir() -> Path:
    return _data_dir or data_dir_of(_environ)


def active() -> LicenseStatus:
    """The licence status now, read and verified again (cheap, offline), so an installed licence
    applies at once. Raises :class:`core.errors.LicenseError` when it is no longer acceptable."""
    return run_gate("api", environ=_environ, data_dir=_dir())


_limit_seen: tuple[object, int | None] | None = None


def company_limit() -> int | None:
    """The licence's ``max_companies`` now (None: no limit, or a licence that no longer verifies —
    that refusal belongs to the gate and to company creation). For checks on every write
    (:mod:`core.auth.read_only`): the answer is kept while the licence text, the UTC day and the
    environment stay the same, so the token is verified (and the gate logs) once per change."""
    global _limit_seen
    key = (_current_token(), dt.datetime.now(dt.timezone.utc).date(), _environment(), str(_dir()))
    if _limit_seen is not None and _limit_seen[0] == key:
        return _limit_seen[1]
    try:
        limit = active().claims.max_companies
    except LicenseError:
        limit = None
    _limit_seen = (key, limit)
    return limit


def mask(token: str) -> str:
    """The token as lists show it (objects.md §3.17): first 8 + ``...`` + last 8 characters."""
    return token if len(token) <= 16 else f"{token[:8]}...{token[-8:]}"


def key_id(token: str) -> str:
    """The stable id of a licence token: a UUID made from its SHA-256 (no table holds licences)."""
    return str(uuid.UUID(bytes=hashlib.sha256(token.encode("utf-8")).digest()[:16]))


async def _company_count() -> int:
    return await Company.count().where(Company.deleted_at.is_null())


def _violations(status: LicenseStatus, companies: int) -> list[str]:
    out: list[str] = []
    limit = status.claims.max_companies
    if limit is not None and companies > limit:
        out.append(f"{companies} companies exceed the licence's limit of {limit}.")
    if status.in_grace and status.warning:
        out.append(status.warning)
    return out


async def _metrics(companies: int) -> dict[str, int]:
    """``instanceMetrics`` of objects.md §3.17, for this appliance (invoices: created this UTC month, live)."""
    from core.invoicing.tables import Invoice

    month = dt.datetime.now(dt.timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return {
        "orgCount": await Organisation.count(),
        "userCount": await User.count(),
        "companyCount": companies,
        "invoicesThisMonth": await Invoice.count().where((Invoice.created_at >= month) & Invoice.deleted_at.is_null()),
    }


def _installed_at() -> str | None:
    try:
        stamp = (_dir() / INSTALLED_LICENSE_NAME).stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).isoformat()


def _describe(status: LicenseStatus, token: str, companies: int, metrics: dict[str, int]) -> dict[str, Any]:
    """The licence object: objects.md §3.17's fields (``instanceName``/``instanceUrl`` are null: no
    licence server knows this appliance) plus the offline licence's claims."""
    claims = status.claims
    return {
        "id": key_id(token),
        "licenseKey": mask(token),
        "active": True,
        "instanceName": None,
        "instanceUrl": None,
        "instanceMetrics": metrics,
        "activatedAt": _installed_at() if status.source == SOURCE_INSTALLED else None,
        "createdAt": claims.nbf.isoformat(),
        "organisation": claims.sub,
        "plan": claims.plan,
        "providers": list(claims.providers),
        "features": list(claims.providers),
        "maxCompanies": claims.max_companies,
        "companyCount": companies,
        "issuer": claims.iss,
        "keyId": claims.kid,
        "environment": claims.env,
        "validFrom": claims.nbf.isoformat(),
        "expiresAt": claims.exp.isoformat(),
        "daysLeft": status.days_left,
        "inGrace": status.in_grace,
        "warning": status.warning,
        "source": status.source,
        "lastValidatedAt": status.checked_at.isoformat(),
        "lastViolations": _violations(status, companies),
    }


def _current_token() -> tuple[str, str] | None:
    return load_token(_environ, data_dir=_dir())


async def list_keys(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/licensing/keys``: ``{"data": [licence]}`` — the active licence, or an empty list
    when the appliance runs on the in-memory development licence. Needs ``org.manage_billing``.

    An installed or configured licence that no longer verifies is listed with ``active: false``
    and its refusal in ``lastViolations``.
    """
    require(caller, "org.manage_billing")
    found = _current_token()
    if found is None:
        return {"data": []}
    token, source = found
    companies = await _company_count()
    try:
        status = active()
    except LicenseError as exc:
        return {"data": [{"id": key_id(token), "licenseKey": mask(token), "active": False, "source": source,
                          "companyCount": companies, "lastViolations": [str(exc)]}]}
    return {"data": [_describe(status, token, companies, await _metrics(companies))]}


def _refuse_when_configured() -> None:
    for name in ("STORNO_LICENSE", "STORNO_LICENSE_FILE"):
        if _environ.get(name, "").strip():
            raise Conflict(f"The licence is configured by {name}; change it there, not through the API.")


def _environment() -> str:
    return "development" if _environ.get("STORNO_ENV", "").strip() == "development" else "production"


def _verify(token: str) -> LicenseStatus:
    try:
        return verify(token, now=dt.datetime.now(dt.timezone.utc), environment=_environment())
    except LicenseError as exc:
        raise BadRequest(str(exc), code="LICENSE_INVALID") from None


async def install_key(caller: Caller, data: LicenseKeyIn, *, ip: str | None = None) -> dict[str, Any]:
    """``POST /api/v1/licensing/keys``: verify ``licenseKey`` and install it as this appliance's licence (201).

    Raises :class:`core.errors.Forbidden` (no ``org.manage_billing``), :class:`BadRequest`
    ``LICENSE_INVALID`` (the sentence of the refusal), :class:`Conflict` (licence fixed by the
    environment). Audited as ``license.changed`` (details: action, key id, plan, organisation).
    """
    require(caller, "org.manage_billing")
    _refuse_when_configured()
    token = (data.licenseKey or "").strip()
    if not token:
        raise BadRequest("licenseKey is required.")
    status = _verify(token)
    path = _dir() / INSTALLED_LICENSE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".license-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    await record("license.changed", actor=caller.user_id, organisation=caller.organisation_id, target=key_id(token), ip=ip,
                 details={"action": "installed", "plan": status.claims.plan, "licensee": status.claims.sub, "kid": status.claims.kid})
    companies = await _company_count()
    return _describe(msgspec.structs.replace(status, source=SOURCE_INSTALLED), token, companies, await _metrics(companies))


async def delete_key(caller: Caller, licence_id: str, *, ip: str | None = None) -> None:
    """``DELETE /api/v1/licensing/keys/{id}``: remove the installed licence whose id is ``licence_id`` (204).

    Raises :class:`core.errors.Forbidden`, :class:`Conflict` (licence fixed by the environment),
    :class:`NotFound` (no installed licence has that id). Audited as ``license.changed``.
    """
    require(caller, "org.manage_billing")
    _refuse_when_configured()
    found = _current_token()
    if found is None or found[1] != SOURCE_INSTALLED or key_id(found[0]) != licence_id:
        raise NotFound("License key not found.")
    (_dir() / INSTALLED_LICENSE_NAME).unlink(missing_ok=True)
    await record("license.changed", actor=caller.user_id, organisation=caller.organisation_id, target=licence_id, ip=ip,
                 details={"action": "removed"})


async def validate(data: ValidateIn) -> dict[str, Any]:
    """``POST /api/v1/licensing/validate`` (public): check a licence token offline.

    Returns ``{"valid": true, "plan", "organisation", "providers", "features", "maxCompanies",
    "expiresAt", "daysLeft", "inGrace", "violations"}`` — violations against this appliance's
    company count — or ``{"valid": false, "error": sentence}``. Nothing is stored.
    """
    token = (data.licenseKey or "").strip()
    if not token:
        raise BadRequest("licenseKey is required.")
    try:
        status = verify(token, now=dt.datetime.now(dt.timezone.utc), environment=_environment())
    except LicenseError as exc:
        return {"valid": False, "error": str(exc)}
    claims = status.claims
    return {
        "valid": True,
        "plan": claims.plan,
        "organisation": claims.sub,
        "providers": list(claims.providers),
        "features": list(claims.providers),
        "maxCompanies": claims.max_companies,
        "expiresAt": claims.exp.isoformat(),
        "daysLeft": status.days_left,
        "inGrace": status.in_grace,
        "violations": _violations(status, await _company_count()),
    }


async def ensure_company_slot() -> None:
    """Refuse a new company beyond the licence's company limit (objects.md §10): 402 ``PLAN_LIMIT``
    with ``limit``. Counts the live companies of every organisation of the appliance. Call it
    inside the creating transaction; on PostgreSQL it takes an advisory lock so concurrent creates
    cannot both pass. A licence that no longer verifies also answers 402, with its sentence.
    """
    try:
        status = active()
    except LicenseError as exc:
        raise PaymentRequired(str(exc)) from None
    limit = status.claims.max_companies
    if limit is None:
        return
    if isinstance(engine(), PostgresEngine):
        await engine().run_ddl(f"SELECT pg_advisory_xact_lock({_COMPANY_LIMIT_LOCK})")
    if await _company_count() >= limit:
        raise PaymentRequired(
            f"The licence allows {limit} companies; remove one or install a licence with a higher limit.", limit=limit
        )
