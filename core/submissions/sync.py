"""Incoming sync: bring a company's provider inbox (ANAF SPV) into its records.

Each message is stored once (unique per company and provider message id, so duplicates are
skipped); an incoming invoice is parsed into the canonical model and imported with its supplier,
lines and the provider's signed original. The cursor is saved only after the whole batch was
stored, and never advances past an error.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from core import providers
from core.auth.tables import Company
from core.db.engine import write_transaction
from core.documents.store import DocumentStore
from core.errors import ProviderError, UnsafeXmlError
from core.invoicing.incoming import import_incoming
from core.submissions.credentials import DbCredentialStore
from core.submissions.tables import EfacturaMessage, SyncState
from core.views import CompanyView, IncomingMessage, ProviderContext

__all__ = ["SyncService"]

log = logging.getLogger("storno.sync")
MAX_BATCHES = 50
#: A failed sync is retried automatically after this long (or at once when triggered again).
RETRY_AFTER_ERROR = dt.timedelta(minutes=5)
#: How long one sync run may hold the company's sync before another worker may take over.
SYNC_LEASE = dt.timedelta(minutes=10)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SyncService:
    """Runs the incoming sync of one company at one provider (``sync.company`` job)."""

    def __init__(self, store: DocumentStore, *, provider_settings: Callable[[str], dict[str, Any]]) -> None:
        self.store = store
        self.provider_settings = provider_settings

    async def state(self, company_id: str, provider: str) -> dict[str, Any]:
        """The sync state row, created on first use."""
        row = await SyncState.select().output(load_json=True).where((SyncState.company == company_id) & (SyncState.provider == provider)).first().run()
        if row is None:
            await SyncState.insert(SyncState(company=company_id, provider=provider, due_at=_now())).run()
            row = await SyncState.select().output(load_json=True).where((SyncState.company == company_id) & (SyncState.provider == provider)).first().run()
        return row

    async def request(self, company_id: str, provider: str) -> None:
        """Mark the company's sync as due now (the job runs it)."""
        await self.state(company_id, provider)
        await SyncState.update({SyncState.due_at: _now(), SyncState.status: "queued"}).where(
            (SyncState.company == company_id) & (SyncState.provider == provider)
        ).run()

    async def run(self, company_id: str, provider: str) -> dict[str, int]:
        """Fetch and import every new message; returns counts ``{fetched, imported, skipped, errors}``.

        On a provider or parse error the counts so far are kept, the error is recorded in the
        state, and the cursor stays at the last fully stored batch.
        """
        state = await self.state(company_id, provider)
        where = (SyncState.company == company_id) & (SyncState.provider == provider)
        now = _now()
        claimed = await SyncState.update({SyncState.status: "running", SyncState.lease_until: now + SYNC_LEASE}).where(
            where & ((SyncState.status != "running") | SyncState.lease_until.is_null() | (SyncState.lease_until < now))
        ).returning(SyncState.id).run()
        if not claimed:  # another worker is syncing this company right now
            return {"fetched": 0, "imported": 0, "skipped": 0, "errors": 0}
        company = await Company.select().where(Company.id == company_id).first().run()
        context = ProviderContext(
            company=CompanyView(id=company["id"], cif=company["cif"], name=company["name"], country=company["country"], vat_payer=company["vat_payer"]),
            settings=self.provider_settings(provider),
            credentials=DbCredentialStore(company_id, provider),
        )
        stats = {"fetched": 0, "imported": 0, "skipped": 0, "errors": 0}
        cursor = state.get("cursor")
        try:
            for _ in range(MAX_BATCHES):
                batch = await providers.fetch_incoming(provider, context, cursor)
                for message in batch.messages:
                    stats["fetched"] += 1
                    stats[await self._store(company_id, message)] += 1
                cursor = batch.next_cursor
                await SyncState.update({SyncState.cursor: cursor}).where(where).run()
                if not batch.messages:
                    break
        except (ProviderError, UnsafeXmlError, ValueError) as exc:
            stats["errors"] += 1
            message = getattr(exc, "message", None) or str(exc)
            retry = _now() + RETRY_AFTER_ERROR
            await SyncState.update(
                {SyncState.status: "error", SyncState.last_error: message, SyncState.stats: stats, SyncState.due_at: retry, SyncState.lease_until: None}
            ).where(where).run()
            log.warning("sync of company %s at %s stopped: %s", company_id, provider, message)
            return stats
        await SyncState.update(
            {SyncState.status: "idle", SyncState.last_error: None, SyncState.last_synced_at: _now(), SyncState.stats: stats, SyncState.due_at: None, SyncState.lease_until: None}
        ).where(where).run()
        return stats

    async def _store(self, company_id: str, message: IncomingMessage) -> str:
        """Store one message; returns which counter it adds to (imported/skipped)."""
        seen = await EfacturaMessage.select(EfacturaMessage.id).where(
            (EfacturaMessage.company == company_id) & (EfacturaMessage.anaf_message_id == message.message_id)
        ).first().run()
        if seen:
            return "skipped"
        cif = (await Company.select(Company.cif).where(Company.id == company_id).first().run())["cif"]
        async with write_transaction():
            invoice_id = None
            status, error = "processed", None
            if message.kind == "invoice_received" and message.payload:
                try:
                    parsed = providers.parse(message.payload)
                except (ValueError, UnsafeXmlError) as exc:
                    status, error = "error", str(exc)
                else:
                    invoice_id = await import_incoming(
                        self.store, company_id, parsed, xml=message.payload, archive=message.archive,
                        message_id=message.message_id, upload_id=message.upload_id,
                    )
            await EfacturaMessage.insert(
                EfacturaMessage(
                    company=company_id, anaf_message_id=message.message_id, message_type=message.provider_type, cif=cif,
                    details=message.details, upload_id=message.upload_id, status=status, error_message=error, invoice=invoice_id,
                    created_at=message.created_at,
                )
            ).run()
        return "imported" if invoice_id else "skipped"
