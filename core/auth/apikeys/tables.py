"""The table of API keys (created by migration m0012 as raw SQL).

Owned by :mod:`core.auth.apikeys.service`; no other module writes it.
"""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Varchar
from piccolo.table import Table

from core.auth.tables import Organisation, User
from core.db.columns import IdColumn, Stamp
from core.ids import new_id

__all__ = ["ApiKey"]


class ApiKey(Table, tablename="api_keys"):
    """One API key of a user in an organisation (objects.md §3.16).

    The raw key (``af_`` + 64 hex) is never stored: ``token_hash`` is its SHA-256 hex digest (unique
    index), ``token_prefix`` its first 12 characters for recognition in lists. ``scopes`` is a JSON
    list of permission names (§8.5). ``revoked_at`` set means refused from that instant on;
    ``expires_at`` None means no expiry.
    """

    id = IdColumn(primary_key=True, default=new_id)
    user = ForeignKey(User)
    organisation = ForeignKey(Organisation)
    name = Varchar(length=255)
    token_prefix = Varchar(length=12)
    token_hash = Varchar(length=64)
    scopes = JSON(default=[])
    expires_at = Stamp(null=True, default=None)
    last_used_at = Stamp(null=True, default=None)
    revoked_at = Stamp(null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()
