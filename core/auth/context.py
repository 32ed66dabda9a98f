"""Who is calling and for which company: the values controllers receive as dependencies.

``caller`` (:class:`Caller`) is resolved from the bearer token; ``ctx`` (:class:`CompanyContext`)
additionally from ``X-Company`` (or ``?company=``), checked against the caller's memberships:
a company the caller may not access is 403, an unknown one 404.
"""

from __future__ import annotations

import msgspec

__all__ = ["Caller", "CompanyContext"]


class Caller(msgspec.Struct, frozen=True):
    """An authenticated user and the organisation selected for this request."""

    user_id: str
    email: str
    organisation_id: str
    role: str
    allowed_companies: tuple[str, ...] = ()
    #: The membership's explicit permission list, replacing the role defaults (objects.md §8.5);
    #: None when the member has the defaults of ``role``.
    permissions: frozenset[str] | None = None
    #: The scopes of the API key that authenticated the request (objects.md §8.3): the caller may
    #: use only permissions both the membership and the key hold; None for a browser/JWT session.
    scopes: frozenset[str] | None = None
    #: The id of that API key (None for a JWT session); key management refuses such callers.
    api_key_id: str | None = None


class CompanyContext(msgspec.Struct, frozen=True):
    """A caller acting on one company they may access."""

    caller: Caller
    company_id: str
    company_cif: str
    company_name: str
    company_country: str
