"""Provider credentials in the database, handed to transports as a :class:`core.views.CredentialStore`."""

from __future__ import annotations

import datetime as dt

from core.db.engine import is_unique_violation
from core.submissions.tables import ProviderCredential
from core.views import Credentials

__all__ = ["DbCredentialStore"]


class DbCredentialStore:
    """The credentials of one company at one provider; ``save`` replaces them atomically."""

    def __init__(self, company_id: str, provider: str) -> None:
        self.company_id = company_id
        self.provider = provider

    def _where(self):
        return (ProviderCredential.company == self.company_id) & (ProviderCredential.provider == self.provider)

    async def load(self) -> Credentials | None:
        """The stored credentials, or None when the company never authorised."""
        row = await ProviderCredential.select().where(self._where()).first().run()
        if row is None:
            return None
        return Credentials(access_token=row["access_token"], refresh_token=row["refresh_token"], expires_at=row["expires_at"])

    async def save(self, credentials: Credentials) -> None:
        """Insert or replace the credentials (ANAF rotates refresh tokens: the newest must win)."""
        now = dt.datetime.now(dt.timezone.utc)
        values = {
            ProviderCredential.access_token: credentials.access_token,
            ProviderCredential.refresh_token: credentials.refresh_token,
            ProviderCredential.expires_at: credentials.expires_at,
            ProviderCredential.updated_at: now,
        }
        updated = await ProviderCredential.update(values).where(self._where()).returning(ProviderCredential.id).run()
        if updated:
            return
        try:
            await ProviderCredential.insert(
                ProviderCredential(
                    company=self.company_id,
                    provider=self.provider,
                    access_token=credentials.access_token,
                    refresh_token=credentials.refresh_token,
                    expires_at=credentials.expires_at,
                )
            ).run()
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
            # Another worker stored credentials first; the newest must win, as with a rotation.
            await ProviderCredential.update(values).where(self._where()).run()
