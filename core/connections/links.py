"""The browser consent flow (``GET /api/connect/anaf`` and its callback) and one-time
authorisation links (``POST /api/v1/anaf/token-links``, ``GET …/token-links/{linkToken}``).

A link token is 64 hex digits (256 random bits) shown once; only its SHA-256 is stored. The link
lives :data:`LINK_TTL` and opens the consent once (``used``); when the provider's callback stores
the token the link is ``completed``. Link states: ``pending``, ``used``, ``completed``, ``expired``.

Flow: ``GET /api/connect/{provider}`` — by a logged-in member for their company (bearer and
company context) or with ``?link=`` — answers 302 to the provider's consent page
(``storno_authorize_url``) with a signed ``state`` (:mod:`core.connections.state`). The provider
sends the browser to its registered redirect URI, which for this appliance is
``{STORNO_PUBLIC_URL}/api/connect/{provider}/callback``; the callback exchanges the code
(``storno_exchange_code``), stores the token sealed and answers ``{"status": "connected", ...}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from core import providers
from core.audit.log import record
from core.auth.context import Caller, CompanyContext
from core.auth.deps import company_for
from core.auth.permissions import require
from core.auth.tables import Company
from core.connections.state import read_state, sign_state
from core.db.engine import write_transaction
from core.errors import (
    AuthorizationRequired,
    BadRequest,
    ConfigurationError,
    Gone,
    NotFound,
    PermanentProviderError,
    ServiceUnavailable,
    TransientProviderError,
    Unprocessable,
)
from core.submissions.credentials import DbCredentialStore
from core.submissions.tables import AuthorizationLink, ProviderCredential

__all__ = ["LINK_TTL", "authorize_redirect", "complete_authorisation", "create_link", "link_state"]

#: How long a one-time authorisation link stays usable.
LINK_TTL = dt.timedelta(days=7)
LINK_NOT_FOUND = "Authorization link not found."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.timezone.utc) if value is not None and value.tzinfo is None else value


def _hash(link_token: str) -> str:
    return hashlib.sha256(link_token.strip().lower().encode("ascii", "replace")).hexdigest()


def _state_of(row: dict[str, Any]) -> str:
    if row["completed_at"] is not None:
        return "completed"
    if row["used_at"] is not None:
        return "used"
    if _aware(row["expires_at"]) <= _now():  # type: ignore[operator]
        return "expired"
    return "pending"


async def create_link(ctx: CompanyContext, provider: str, public_url: str) -> dict[str, Any]:
    """``POST /api/v1/anaf/token-links`` (201): ``{"linkToken", "url", "expiresAt", "status": "pending"}``
    for the request's company. Needs ``settings.manage``."""
    require(ctx.caller, "settings.manage")
    link_token = secrets.token_hex(32)
    now = _now()
    row = AuthorizationLink(token_hash=_hash(link_token), company=ctx.company_id, provider=provider,
                            created_by=ctx.caller.user_id, expires_at=now + LINK_TTL, created_at=now)
    await row.save().run()
    return {
        "linkToken": link_token,
        "url": f"{public_url}/api/connect/{provider}?link={link_token}",
        "expiresAt": row.expires_at.isoformat(),
        "status": "pending",
        "companyId": ctx.company_id,
    }


async def _link(provider: str, link_token: str) -> dict[str, Any]:
    token = (link_token or "").strip().lower()
    if len(token) != 64 or any(c not in "0123456789abcdef" for c in token):
        raise NotFound(LINK_NOT_FOUND)
    row = await AuthorizationLink.select().where(
        (AuthorizationLink.token_hash == _hash(token)) & (AuthorizationLink.provider == provider)
    ).first().run()
    if row is None:
        raise NotFound(LINK_NOT_FOUND)
    return row


async def link_state(provider: str, link_token: str) -> dict[str, Any]:
    """``GET /api/v1/anaf/token-links/{linkToken}`` (public): ``{"status", "expiresAt", "companyName"}``.
    Raises :class:`NotFound` for an unknown or malformed link token."""
    row = await _link(provider, link_token)
    company = await Company.select(Company.name).where(Company.id == row["company"]).first().run()
    return {"status": _state_of(row), "expiresAt": _aware(row["expires_at"]).isoformat(),  # type: ignore[union-attr]
            "companyName": company["name"] if company else None}


def _consent_url(provider: str, state: str) -> str:
    try:
        url = providers.authorize_url(provider, state)
    except ConfigurationError as exc:
        raise BadRequest(str(exc)) from None
    if not url:
        raise BadRequest(f"Provider '{provider}' is not loaded or offers no browser authorisation.")
    return url


async def authorize_redirect(provider: str, secret_key: str, *, caller: Caller | None = None,
                             company_id: str | None = None, link_token: str | None = None) -> str:
    """The consent URL to redirect to, for ``caller`` acting on ``company_id`` (``settings.manage``)
    or for the holder of ``link_token`` (the link becomes ``used``).

    Raises :class:`NotFound` (unknown link or company), :class:`Gone` (link used, completed or
    expired), :class:`BadRequest` (provider not loaded or not configured),
    :class:`core.errors.Forbidden`.
    """
    if link_token:
        async with write_transaction():
            row = await _link(provider, link_token)
            state = _state_of(row)
            if state != "pending":
                raise Gone(f"This authorization link is {state}; ask for a new one.")
            await AuthorizationLink.update({AuthorizationLink.used_at: _now()}).where(AuthorizationLink.id == row["id"]).run()
        return _consent_url(provider, sign_state(secret_key, company=row["company"], provider=provider, link=row["id"]))
    if caller is None or not company_id:
        raise NotFound("Company not found.")
    require(caller, "settings.manage")
    company = await company_for(caller, company_id)
    return _consent_url(provider, sign_state(secret_key, company=company["id"], provider=provider, user=caller.user_id))


async def complete_authorisation(provider: str, secret_key: str, *, code: str | None, state: str | None,
                                 error: str | None = None, ip: str | None = None) -> dict[str, Any]:
    """The redirect URI's work: verify ``state``, exchange ``code``, store the token sealed for the
    state's company. Returns ``{"status": "connected", "companyId", "tokenId", "expiresAt"}``.

    Raises :class:`BadRequest` (bad or expired state, missing code, consent refused),
    :class:`Unprocessable` (the provider refused the code), :class:`ServiceUnavailable`.
    """
    payload = read_state(secret_key, state or "")
    if payload.provider != provider:
        raise BadRequest("The authorisation state is invalid; start the connection again.")
    if error:
        raise BadRequest(f"The authorisation was not granted ({error}).")
    if not code:
        raise BadRequest("code is required.")
    company = await Company.select().where((Company.id == payload.company) & Company.deleted_at.is_null()).first().run()
    if company is None:
        raise NotFound("Company not found.")
    try:
        credentials = await providers.exchange_code(provider, code)
    except ConfigurationError as exc:
        raise BadRequest(str(exc)) from None
    except TransientProviderError as exc:
        raise ServiceUnavailable(f"The provider did not answer; try again later ({exc.message}).") from None
    except (AuthorizationRequired, PermanentProviderError) as exc:
        raise Unprocessable(f"The provider refused the authorisation: {exc.messages[0]}") from None
    store = DbCredentialStore(payload.company, provider, created_by=payload.user, label="Authorised in the browser")
    token_id = await store.save(credentials)  # atomic replace, safe against a concurrent rotation
    await ProviderCredential.update({ProviderCredential.validated_cifs: []}).where(ProviderCredential.id == token_id).run()
    if payload.link:
        await AuthorizationLink.update({AuthorizationLink.completed_at: _now()}).where(AuthorizationLink.id == payload.link).run()
    await record(f"{provider}_token.stored", actor=payload.user, organisation=company["organisation"], target=token_id, ip=ip,
                 details={"company": payload.company, "via": "link" if payload.link else "consent"})
    return {"status": "connected", "companyId": payload.company, "tokenId": token_id,
            "expiresAt": credentials.expires_at.isoformat() if credentials.expires_at else None}

