"""What a licence says (:class:`LicenseClaims`) and what the gate concluded (:class:`LicenseStatus`).

A licence is a JWT (RFC 7519) signed with EdDSA/Ed25519 (RFC 8037 JWS). The registered claims
``iss``, ``sub``, ``aud``, ``nbf`` and ``exp`` keep their RFC 7519 meaning; ``plan``,
``providers`` and ``max_companies`` are private claims of this product. Unknown claims are
ignored, so later licences may add claims (features, seats, ...) without breaking older
appliances.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

import msgspec

__all__ = ["ALL_PROVIDERS", "LicenseClaims", "LicenseStatus"]

#: The provider code that stands for every provider.
ALL_PROVIDERS = "*"

_SECONDS_PER_DAY = 86_400

ProviderCode = Annotated[str, msgspec.Meta(pattern=r"^(\*|[a-z][a-z0-9_]*)$")]


class LicenseClaims(msgspec.Struct, frozen=True, kw_only=True):
    """The verified claims of one licence.

    ``nbf`` and ``exp`` are timezone-aware UTC datetimes (RFC 7519 NumericDate, seconds).
    ``kid`` comes from the JWS header; ``env`` comes from the bundled key that verified the
    signature (never from the payload): ``"development"`` for the development key, else
    ``"production"``.
    """

    iss: str
    sub: str  # the licensed organisation
    aud: str | list[str]
    plan: str
    providers: Annotated[list[ProviderCode], msgspec.Meta(min_length=1)]
    max_companies: Annotated[int, msgspec.Meta(ge=1)] | None = None
    nbf: dt.datetime
    exp: dt.datetime
    kid: str
    env: Literal["production", "development"] = "production"

    def days_left(self, now: dt.datetime) -> int:
        """Whole days from ``now`` (aware, UTC) until ``exp``, rounded down.

        Negative once the licence has expired (``-1`` from the first second after ``exp``).
        """
        return math.floor((self.exp - now).total_seconds() / _SECONDS_PER_DAY)

    def covers_provider(self, code: str) -> bool:
        """True when provider ``code`` (e.g. ``"anaf"``) is licensed, directly or through ``"*"``."""
        return ALL_PROVIDERS in self.providers or code in self.providers


class LicenseStatus(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of a successful check: the claims plus what the operator should know.

    ``checked_at`` is the UTC instant of the check; ``days_left`` is
    :meth:`LicenseClaims.days_left` at that instant (negative within the grace period);
    ``warning`` is one sentence for the operator or None; ``source`` says where the licence came
    from (``"token"`` from :func:`license.verify.verify`; the gate sets ``"STORNO_LICENSE"``,
    ``"STORNO_LICENSE_FILE"`` or ``"development default"``).
    """

    claims: LicenseClaims
    checked_at: dt.datetime
    days_left: int
    in_grace: bool = False
    warning: str | None = None
    source: str = "token"

    @property
    def development(self) -> bool:
        """True for a licence signed by the development key (simulator/test endpoints only)."""
        return self.claims.env == "development"

    def covers_provider(self, code: str) -> bool:
        """True when provider ``code`` is licensed (see :meth:`LicenseClaims.covers_provider`)."""
        return self.claims.covers_provider(code)

    def allows_companies(self, count: int) -> bool:
        """True when ``count`` companies fit the licence's ``max_companies`` (None: no limit)."""
        limit = self.claims.max_companies
        return limit is None or count <= limit
