"""Provider credentials in the database, sealed at rest, handed to transports as a :class:`core.views.CredentialStore`.

The access and refresh tokens are sealed with the active :class:`core.crypto.Keyring`
(AES-256-GCM, associated data ``provider_credentials:<company>:<provider>:<column>``) on every
write and opened on every read; nothing else reads those columns. Values written before
encryption existed are read as stored and sealed by :func:`reseal_credentials` at the next start
(or on their next write).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from core import crypto
from core.db.engine import is_unique_violation
from core.submissions.tables import ProviderCredential
from core.views import Credentials

__all__ = ["DbCredentialStore", "MemoryCredentialStore", "open_row", "reseal_credentials"]

log = logging.getLogger("storno.credentials")
_SECRET_COLUMNS = ("access_token", "refresh_token")


def _context(company_id: str, provider: str, column: str) -> str:
    return f"provider_credentials:{company_id}:{provider}:{column}"


def open_row(row: dict[str, Any]) -> Credentials:
    """The credentials of a ``provider_credentials`` row (a dict with ``company``, ``provider``,
    the token columns and ``expires_at``), opened with the active keyring.

    Raises :class:`core.crypto.DecryptionError` when the row was sealed with a key that is not
    configured, or the key or value is wrong.
    """
    keyring = crypto.active()
    opened = {
        column: keyring.open(row[column], context=_context(row["company"], row["provider"], column)) if row[column] else row[column]
        for column in _SECRET_COLUMNS
    }
    return Credentials(access_token=opened["access_token"], refresh_token=opened["refresh_token"], expires_at=row["expires_at"])


class DbCredentialStore:
    """The credentials of one company at one provider; ``save`` replaces them atomically.

    ``created_by`` and ``label`` are recorded when ``save`` creates the row (a token stored
    through the API); rotations by the transport keep them.
    """

    def __init__(self, company_id: str, provider: str, *, created_by: str | None = None, label: str | None = None) -> None:
        self.company_id = company_id
        self.provider = provider
        self.created_by = created_by
        self.label = label

    def __eq__(self, other: object) -> bool:
        # One company's credentials at one provider are one thing, whichever store object reads
        # them: transports key their token-refresh lock by the store, so two stores of the same
        # company must share it (else two tasks could spend the same refresh token).
        if not isinstance(other, DbCredentialStore):
            return NotImplemented
        return (self.company_id, self.provider) == (other.company_id, other.provider)

    def __hash__(self) -> int:
        return hash((DbCredentialStore, self.company_id, self.provider))

    def _where(self):
        return (ProviderCredential.company == self.company_id) & (ProviderCredential.provider == self.provider)

    def _seal(self, column: str, value: str | None) -> str | None:
        if value is None:
            return None
        return crypto.active().seal(value, context=_context(self.company_id, self.provider, column))

    async def load(self) -> Credentials | None:
        """The stored credentials, or None when the company never authorised.

        Raises :class:`core.crypto.DecryptionError` (see :func:`open_row`).
        """
        row = await ProviderCredential.select(
            ProviderCredential.company, ProviderCredential.provider, ProviderCredential.access_token,
            ProviderCredential.refresh_token, ProviderCredential.expires_at,
        ).where(self._where()).first().run()
        return None if row is None else open_row(row)

    async def save(self, credentials: Credentials) -> str:
        """Insert or replace the credentials (ANAF rotates refresh tokens: the newest must win); returns the row id."""
        now = dt.datetime.now(dt.timezone.utc)
        values = {
            ProviderCredential.access_token: self._seal("access_token", credentials.access_token),
            ProviderCredential.refresh_token: self._seal("refresh_token", credentials.refresh_token),
            ProviderCredential.expires_at: credentials.expires_at,
            ProviderCredential.updated_at: now,
        }
        if self.label is not None:
            values[ProviderCredential.label] = self.label
        updated = await ProviderCredential.update(values).where(self._where()).returning(ProviderCredential.id).run()
        if updated:
            return updated[0]["id"]
        row = ProviderCredential(
            company=self.company_id,
            provider=self.provider,
            access_token=values[ProviderCredential.access_token],
            refresh_token=values[ProviderCredential.refresh_token],
            expires_at=credentials.expires_at,
            label=self.label,
            created_by=self.created_by,
            created_at=now,
            updated_at=now,
        )
        try:
            await ProviderCredential.insert(row).run()
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
            # Another worker stored credentials first; the newest must win, as with a rotation.
            updated = await ProviderCredential.update(values).where(self._where()).returning(ProviderCredential.id).run()
            return updated[0]["id"]
        return row.id


class MemoryCredentialStore:
    """Credentials held in memory only: for checking a token before it is stored."""

    def __init__(self, credentials: Credentials | None) -> None:
        self.credentials = credentials

    async def load(self) -> Credentials | None:
        """The held credentials."""
        return self.credentials

    async def save(self, credentials: Credentials) -> None:
        """Keep ``credentials`` (a refresh during the check) for the caller to store afterwards."""
        self.credentials = credentials


async def reseal_credentials() -> int:
    """Seal every token stored in clear or under a retired key with the active keyring's primary
    key; returns how many rows changed. Each row is compare-and-set on its old values, so
    processes starting together, or a rotation by a worker meanwhile, never lose a token.

    Raises :class:`core.crypto.DecryptionError` when a row was sealed with a key that is not configured.
    """
    keyring = crypto.active()
    changed = 0
    rows = await ProviderCredential.select(
        ProviderCredential.id, ProviderCredential.company, ProviderCredential.provider,
        ProviderCredential.access_token, ProviderCredential.refresh_token,
    ).run()
    for row in rows:
        if not any(keyring.needs_reseal(row[column]) for column in _SECRET_COLUMNS):
            continue
        store = DbCredentialStore(row["company"], row["provider"])
        opened = open_row({**row, "expires_at": None})
        done = await ProviderCredential.update({
            ProviderCredential.access_token: store._seal("access_token", opened.access_token),
            ProviderCredential.refresh_token: store._seal("refresh_token", opened.refresh_token),
        }).where(
            (ProviderCredential.id == row["id"])
            & (ProviderCredential.access_token == row["access_token"])
            & (ProviderCredential.refresh_token.is_null() if row["refresh_token"] is None else ProviderCredential.refresh_token == row["refresh_token"])
        ).returning(ProviderCredential.id).run()
        changed += len(done)
    if changed:
        log.info("sealed %d stored provider credential(s) with encryption key %s", changed, keyring.primary_id)
    return changed
