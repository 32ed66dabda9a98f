"""ANAF OAuth2 client (authorization-code grant) and the keeper of a company's access token.

Source: ANAF's OAuth registration procedure and ../shared/providers/anaf.md §2. Endpoints under
``{oauth_base_url}/anaf-oauth2/v1``: ``authorize`` (browser), ``token`` (code exchange and
refresh, client auth by HTTP Basic), ``revoke``. ANAF rotates refresh tokens: the newest one must
be persisted atomically, and refreshes of one credential must not run concurrently, or one worker
is left holding an invalidated refresh token.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import weakref
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx

from core.errors import AuthorizationRequired, PermanentProviderError, TransientProviderError
from core.views import Credentials, CredentialStore
from plugins.anaf.answers import error_texts_of_json
from plugins.anaf.settings import AnafSettings

__all__ = ["AnafOAuth", "TokenKeeper"]


def _jwt_exp(token: str) -> dt.datetime | None:
    """The ``exp`` claim of a JWT-looking token (unverified: only used as a lifetime hint)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return dt.datetime.fromtimestamp(int(payload["exp"]), dt.timezone.utc)
    except (ValueError, KeyError, TypeError):
        return None


class AnafOAuth:
    """Calls of the ANAF OAuth2 endpoints. Times UTC; ``now`` returns aware UTC time."""

    def __init__(self, settings: AnafSettings, http: httpx.AsyncClient, *, now: Callable[[], dt.datetime]) -> None:
        self.settings = settings
        self.http = http
        self.now = now

    def authorize_url(self, state: str) -> str:
        """The browser URL of ANAF's consent page (``token_content_type=jwt``); ANAF redirects to
        ``redirect_uri?code=…&state=…`` (or ``error=access_denied``)."""
        params = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": self.settings.redirect_uri,
            "state": state,
        }
        if self.settings.token_content_type:
            params["token_content_type"] = self.settings.token_content_type
        return f"{self.settings.oauth_url}/authorize?{urlencode(params)}"

    async def _token_call(self, form: dict[str, str], *, keep_refresh: str | None = None) -> Credentials:
        if self.settings.token_content_type:
            form["token_content_type"] = self.settings.token_content_type
        timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout)
        try:
            response = await self.http.post(
                f"{self.settings.oauth_url}/token",
                data=form,
                auth=(self.settings.client_id, self.settings.client_secret),
                timeout=timeout,
            )
        except httpx.TransportError as exc:
            raise TransientProviderError(f"ANAF OAuth token endpoint unreachable: {exc!r}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientProviderError(f"ANAF OAuth token endpoint answered HTTP {response.status_code}")
        try:
            data: dict[str, Any] = response.json()
        except ValueError:
            data = {}
        if response.status_code != 200 or not data.get("access_token"):
            texts = error_texts_of_json(response.content) if data else [f"HTTP {response.status_code}"]
            if data.get("error") == "invalid_client" or response.status_code == 401:
                raise PermanentProviderError(
                    f"ANAF OAuth refused the client credentials: {texts[0]}", messages=tuple(texts)
                )
            raise AuthorizationRequired(
                f"ANAF OAuth refused the grant; re-authorise: {texts[0]}", messages=tuple(texts)
            )
        access = str(data["access_token"])
        expires_at = _jwt_exp(access)
        if data.get("expires_in") is not None:
            expires_at = self.now() + dt.timedelta(seconds=float(data["expires_in"]))
        return Credentials(
            access_token=access,
            refresh_token=str(data.get("refresh_token") or keep_refresh or "") or None,
            expires_at=expires_at,
        )

    async def exchange_code(self, code: str) -> Credentials:
        """Trade the ``code`` of the authorize redirect for tokens (do it at once: codes live ~60 s).

        Raises :class:`AuthorizationRequired` (bad/expired code), :class:`PermanentProviderError`
        (client id/secret refused), :class:`TransientProviderError` (network, 5xx).
        """
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.settings.redirect_uri}
        return await self._token_call(form)

    async def refresh(self, credentials: Credentials) -> Credentials:
        """New access token (and the rotated refresh token, or the old one if ANAF sent none)."""
        if not credentials.refresh_token:
            raise AuthorizationRequired("ANAF credentials carry no refresh token; re-authorise.")
        form = {"grant_type": "refresh_token", "refresh_token": credentials.refresh_token}
        return await self._token_call(form, keep_refresh=credentials.refresh_token)

    async def revoke(self, token: str) -> None:
        """Invalidate an access or refresh token at ANAF (``POST /revoke``, Basic client auth)."""
        try:
            response = await self.http.post(
                f"{self.settings.oauth_url}/revoke",
                data={"token": token},
                auth=(self.settings.client_id, self.settings.client_secret),
                timeout=httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout),
            )
        except httpx.TransportError as exc:
            raise TransientProviderError(f"ANAF OAuth revoke unreachable: {exc!r}") from None
        if response.status_code >= 400:
            raise PermanentProviderError(f"ANAF OAuth revoke answered HTTP {response.status_code}")


# One lock per credential store (and event loop): every transport of a company shares it.
_LOCKS: weakref.WeakKeyDictionary[Any, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = weakref.WeakKeyDictionary()
_LOCKS_BY_ID: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}


def _lock_for(store: CredentialStore) -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    try:
        entry = _LOCKS.get(store)
        table: Any = _LOCKS
        key: Any = store
    except TypeError:  # not weak-referenceable / unhashable: fall back on identity
        entry, table, key = _LOCKS_BY_ID.get(id(store)), _LOCKS_BY_ID, id(store)
    if entry is None or entry[0] is not loop:
        entry = (loop, asyncio.Lock())
        table[key] = entry
    return entry[1]


class TokenKeeper:
    """Hands out a valid access token for one :class:`CredentialStore`.

    Refreshes ``settings.token_refresh_margin`` seconds before ``expires_at`` and, once, after a
    401. Refreshes are serialised per store with an :class:`asyncio.Lock`; inside it the store is
    re-read, so a task that waited finds the token another task already refreshed instead of
    spending the (rotated, now dead) refresh token again. Raises :class:`AuthorizationRequired`
    when nothing is stored or the refresh is refused.
    """

    def __init__(self, oauth: AnafOAuth, store: CredentialStore | None) -> None:
        self.oauth = oauth
        self.store = store

    def _expiring(self, credentials: Credentials) -> bool:
        if credentials.expires_at is None:
            return False
        margin = dt.timedelta(seconds=self.oauth.settings.token_refresh_margin)
        return credentials.expires_at - margin <= self.oauth.now()

    async def _load(self) -> Credentials:
        if self.store is None:
            raise AuthorizationRequired("No ANAF credentials are configured for this company; authorise first.")
        credentials = await self.store.load()
        if credentials is None:
            raise AuthorizationRequired("This company never authorised ANAF e-Factura access; authorise first.")
        return credentials

    async def access_token(self) -> str:
        """A token good for at least the refresh margin."""
        credentials = await self._load()
        if self._expiring(credentials):
            credentials = await self.refresh(stale=credentials.access_token)
        return credentials.access_token

    async def after_unauthorized(self, rejected: str) -> str:
        """ANAF answered 401 to ``rejected``: refresh (unless another task already did)."""
        return (await self.refresh(stale=rejected)).access_token

    async def refresh(self, *, stale: str) -> Credentials:
        """Refresh under the store's lock and persist the result; skipped (the stored credentials
        returned) when the store no longer holds the ``stale`` access token."""
        async with _lock_for(self.store):  # type: ignore[arg-type]
            current = await self._load()
            if current.access_token != stale:
                return current  # another task refreshed while this one waited for the lock
            fresh = await self.oauth.refresh(current)
            await self.store.save(fresh)  # type: ignore[union-attr]
            return fresh
