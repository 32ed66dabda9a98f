"""Settings of the ANAF e-Factura plugin (the ``anaf`` section, env ``STORNO_ANAF_*``).

One typed struct, loaded at the edge: the core hands the plugin its section as a plain mapping of
strings (``STORNO_ANAF_API_BASE_URL`` → ``{"api_base_url": ...}``) and
:meth:`AnafSettings.from_mapping` converts it. Defaults point at ANAF's real hosts and the *test*
environment; the simulator is reached by changing only the base URLs.

Units: every duration is in **seconds**; days are calendar days. Times exchanged with ANAF are
Romanian local time (Europe/Bucharest); the plugin hands the core UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import msgspec

__all__ = ["AnafSettings", "DEFAULT_POLL_BACKOFF"]

#: Spacing of ``stareMesaj`` polls in seconds (1, 2, 5, 10, 30 min, then hourly; ../shared/providers/anaf.md §4).
DEFAULT_POLL_BACKOFF: tuple[float, ...] = (60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


class AnafSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Where and how to talk to ANAF e-Factura.

    ``oauth_base_url`` hosts ``/anaf-oauth2/v1/{authorize,token,revoke}``; ``api_base_url`` hosts
    ``/{environment}/FCTEL/rest/*`` and ``/api/validate/signature``. Both take no trailing slash.
    """

    oauth_base_url: str = "https://logincert.anaf.ro"
    """OAuth2 host (the same for test and production)."""
    api_base_url: str = "https://api.anaf.ro"
    """e-Factura REST host (OAuth bearer)."""
    environment: Literal["test", "prod"] = "test"
    """``test`` never delivers invoices to buyers; ``prod`` is the legal channel."""
    client_id: str = ""
    """OAuth client id issued by ANAF for the registered application."""
    client_secret: str = ""
    """OAuth client secret (sent with HTTP Basic)."""
    redirect_uri: str = ""
    """Callback URL registered at ANAF, exactly as registered."""
    token_content_type: str = "jwt"
    """Ask ANAF for JWT tokens (``jwt``); empty for opaque tokens."""
    registry_base_url: str = "https://webservicesp.anaf.ro"
    """Host of ANAF's public VAT-registry web service (PlatitorTvaRest v9, no authentication):
    ``{registry_base_url}/api/PlatitorTvaRest/v9/tva``. No trailing slash."""

    connect_timeout: float = 10.0
    """Seconds to establish the TCP/TLS connection (nothing sent yet: safe to retry)."""
    read_timeout: float = 30.0
    """Seconds to wait for a response of the read-only calls (lists, stareMesaj, descarcare)."""
    upload_read_timeout: float = 120.0
    """Seconds to wait for the ``upload`` response; ANAF routinely takes >10 s. Past it the
    outcome is unknown (``ProviderTimeout``) and the upload must be reconciled, not resent."""
    token_refresh_margin: float = 300.0
    """Refresh the access token this many seconds before it expires."""

    poll_backoff: tuple[float, ...] = DEFAULT_POLL_BACKOFF
    """Seconds to wait before poll number 1, 2, ...; the last value repeats."""
    message_list_days: int = 60
    """Look-back of the message list in days (ANAF allows 1..60)."""
    incoming_batch_size: int = 50
    """At most this many FACTURA PRIMITA messages downloaded per ``fetch_incoming`` call."""
    reconcile_settle_seconds: float = 3600.0
    """An upload shows up in the message list only once processed. ``reconcile`` answers "not
    found" only when the window since the lost upload is at least this old; before that it asks
    to be retried later."""
    quota_timezone: str = "Europe/Bucharest"
    """Daily quotas reset at midnight of this zone (ANAF: Romanian local time, assumed)."""
    licence: Literal["production", "development"] = "production"
    """Set by the core from the appliance's licence (not an environment variable): under a
    ``development`` licence only the ``test`` environment (or the simulator) may be used."""

    @property
    def rest_base_url(self) -> str:
        """``{api_base_url}/{environment}/FCTEL/rest`` (no trailing slash)."""
        return f"{self.api_base_url.rstrip('/')}/{self.environment}/FCTEL/rest"

    @property
    def oauth_url(self) -> str:
        """``{oauth_base_url}/anaf-oauth2/v1`` (no trailing slash)."""
        return f"{self.oauth_base_url.rstrip('/')}/anaf-oauth2/v1"

    def poll_delay(self, attempt: int) -> float:
        """Seconds to wait before poll ``attempt`` (0-based); the schedule's last value repeats."""
        schedule = self.poll_backoff or DEFAULT_POLL_BACKOFF
        return schedule[min(max(attempt, 0), len(schedule) - 1)]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> AnafSettings:
        """Build from the core's section (strings from the environment, or typed values).

        ``poll_backoff`` may be a comma-separated string (``"60,120,300"``). Unknown keys are
        ignored; a value of the wrong type raises ``msgspec.ValidationError``.
        """
        data = dict(values or {})
        backoff = data.get("poll_backoff")
        if isinstance(backoff, str):
            data["poll_backoff"] = tuple(float(part) for part in backoff.split(",") if part.strip())
        known = set(cls.__struct_fields__)
        return msgspec.convert({k: v for k, v in data.items() if k in known}, cls, strict=False)
