"""Authorising a company at ANAF and checking a token's SPV rights for a CIF.

Source: ../shared/providers/anaf.md §2 (OAuth2 authorization-code grant against
``{oauth_base_url}/anaf-oauth2/v1``) and §2.5/§3.3: which CIFs a token may act for is decided per
call from the person's SPV rights, and a missing right is not an HTTP error but a 200 body
(*Nu aveti drept in SPV pentru CIF=…*, *Nu exista niciun CIF pentru care sa aveti drept in SPV*).
The check therefore asks the cheapest read of the CIF's mailbox — ``listaMesajeFactura`` over
one day — and reads the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import AuthorizationRequired, ConfigurationError, PermanentProviderError
from core.views import Credentials, CredentialStore
from plugins.anaf.settings import AnafSettings
from plugins.anaf.transport import AnafTransport

__all__ = ["authorize_url", "check_access", "exchange_code"]


def _settings(section: Mapping[str, Any] | None) -> AnafSettings:
    settings = AnafSettings.from_mapping(section)
    if not settings.client_id or not settings.redirect_uri:
        raise ConfigurationError(
            "ANAF authorisation needs STORNO_ANAF_CLIENT_ID, STORNO_ANAF_CLIENT_SECRET and STORNO_ANAF_REDIRECT_URI "
            "(the application registered at ANAF)."
        )
    return settings


def authorize_url(section: Mapping[str, Any] | None, state: str) -> str:
    """ANAF's consent page for ``state`` (``token_content_type=jwt``). Raises ConfigurationError
    when no OAuth client is configured."""
    return AnafTransport(_settings(section)).authorize_url(state)


async def exchange_code(section: Mapping[str, Any] | None, code: str) -> Credentials:
    """The tokens for an authorize ``code`` (not stored here: the core stores them sealed)."""
    async with AnafTransport(_settings(section)) as transport:
        return await transport.oauth.exchange_code(code)


async def check_access(section: Mapping[str, Any] | None, store: CredentialStore, cif: str) -> str | None:
    """None when the credentials in ``store`` may read ``cif``'s SPV mailbox, else ANAF's refusal
    as one sentence. A refresh during the check is saved to ``store``. Raises
    :class:`core.errors.TransientProviderError` when ANAF does not answer."""
    async with AnafTransport(AnafSettings.from_mapping(section), store) as transport:
        try:
            await transport.list_messages(cif, days=1)
        except AuthorizationRequired as exc:
            return f"ANAF refused the token: {exc.messages[0]}"
        except PermanentProviderError as exc:
            return exc.messages[0]
    return None
