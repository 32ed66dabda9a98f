"""Submissions: sending issued documents to national systems and following them to a verdict.

The database is the source of truth: a submission row carries its state and ``due_at``; jobs only
ring the doorbell (:func:`step` takes an id). Each step claims the row with a lease, so two
workers never run the same step. Before calling the provider the submission is marked
``in_flight`` and committed; the receipt is recorded right after. A crash or timeout in flight
leaves ``unknown``, which is reconciled against the provider's records before any resend.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import msgspec

from core import providers
from core.auth.tables import Company
from core.documents.store import DocumentStore
from core.events import emit, invoice_event_data
from core.errors import (
    NotFound,
    PermanentProviderError,
    ProviderTimeout,
    TransientProviderError,
    Unprocessable,
)
from core.invoicing import states as doc_states
from core.invoicing.issuing import dialect_for_country
from core.invoicing.service import InvoiceService
from core.invoicing.tables import Invoice
from core.model import Invoice as CanonicalInvoice
from core.submissions import states
from core.submissions.credentials import DbCredentialStore
from core.submissions.tables import Submission
from core.views import CompanyView, ProviderContext, SubmissionView

__all__ = ["SubmissionService", "submission_json"]

log = logging.getLogger("storno.submissions")
LEASE = dt.timedelta(seconds=120)
RETRY_BACKOFF = (5, 30, 120, 600, 1800, 3600)  # seconds between transient failures
POLL_BACKOFF = (2, 5, 10, 30, 60, 300, 600, 1800, 3600)  # fallback when the provider gives no hint


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _after(seconds: float) -> dt.datetime:
    return _now() + dt.timedelta(seconds=seconds)


def submission_json(row: dict[str, Any]) -> dict[str, Any]:
    """A submission as the API's EInvoiceSubmission (objects.md §3.19); transport states are
    mapped onto the contract's enum (``in_flight``/``unknown`` read as ``pending``, ``failed`` as ``error``)."""
    public = {"in_flight": "pending", "unknown": "pending", "failed": "error"}.get(row["status"], row["status"])
    return {
        "id": row["id"],
        "provider": row["provider"],
        "externalId": row.get("external_id"),
        "status": public,
        "transportStatus": row["status"],
        "errorMessage": row.get("last_error"),
        "messages": row.get("messages") or [],
        "metadata": {"downloadId": row.get("download_id"), "providerState": row.get("provider_state"), "submittedAt": row["submitted_at"].isoformat() if row.get("submitted_at") else None},
        "createdAt": row["created_at"].isoformat(),
        "updatedAt": row["updated_at"].isoformat(),
    }


class SubmissionService:
    """Creates submissions and runs their steps. ``enqueue(actor_name, submission_id)`` rings the
    job doorbell after commit; ``provider_settings(code)`` gives each transport its settings."""

    def __init__(
        self,
        invoices: InvoiceService,
        store: DocumentStore,
        *,
        enqueue: Callable[[str, str], None],
        provider_settings: Callable[[str], dict[str, Any]],
    ) -> None:
        self.invoices = invoices
        self.store = store
        self.enqueue = enqueue
        self.provider_settings = provider_settings

    # --- API side -----------------------------------------------------------------------------

    async def submit(self, company_id: str, invoice_id: str, *, actor: str | None, provider_code: str | None = None) -> dict[str, Any]:
        """Queue an issued (or rejected) document for its country's provider, or for
        ``provider_code`` when given (``POST …/submit-einvoice``); invoice becomes
        ``sent_to_provider``. Raises InvalidTransition / Unprocessable per objects.md §5.1, and
        Unprocessable when the named provider is not loaded, cannot submit, or does not take the
        dialect the invoice was issued in."""
        invoice = await self.invoices.get(company_id, invoice_id)
        if invoice["direction"] != "outgoing":
            raise Unprocessable("Only outgoing documents can be submitted.")
        if invoice["status"] in doc_states.SUBMIT_BLOCKED:
            doc_states.check("submit", invoice["status"])
        company = await Company.select().where(Company.id == company_id).first().run()
        dialect = dialect_for_country(company["country"])
        provider = providers.registry().provider_for_dialect(dialect)
        if provider_code is not None:
            provider, dialect = await self._named_provider(invoice_id, provider_code, dialect)
        assert provider is not None
        row = Submission(invoice=invoice_id, company=company_id, provider=provider.code, dialect=dialect, status="pending", due_at=_now())
        from core.db.engine import write_transaction

        async with write_transaction():
            await self.invoices.transition(invoice_id, "submit", actor=actor, anaf_status="uploaded" if provider.code == "anaf" else None, anaf_error_message=None)
            await Submission.insert(row).run()
        self.enqueue("submission.step", row.id)
        return await Submission.select().output(load_json=True).where(Submission.id == row.id).first().run()

    async def _named_provider(self, invoice_id: str, code: str, default_dialect: str) -> tuple[Any, str]:
        """The loaded provider ``code`` and the dialect of the invoice's stored XML it will send."""
        info = providers.providers().get(code)
        if info is None:
            raise Unprocessable(f"The e-invoice provider '{code}' is not installed or not licensed on this appliance.", code="PROVIDER_UNAVAILABLE")
        if "submit" not in info.capabilities:
            raise Unprocessable(f"The e-invoice provider '{code}' does not accept submissions.", code="PROVIDER_UNAVAILABLE")
        stored = await self.store.latest(invoice_id, "xml")
        dialect = (stored or {}).get("dialect") or default_dialect
        if dialect not in info.dialects:
            raise Unprocessable(
                f"The invoice was issued as {dialect}, which the provider '{code}' does not take ({', '.join(info.dialects)}).",
                code="DIALECT_MISMATCH",
            )
        return info, dialect

    async def for_invoice(self, company_id: str, invoice_id: str) -> list[dict[str, Any]]:
        """Submissions of one invoice, oldest first."""
        await self.invoices.get(company_id, invoice_id)
        return await Submission.select().output(load_json=True).where(Submission.invoice == invoice_id).order_by(Submission.created_at).run()

    # --- job side -----------------------------------------------------------------------------

    async def claim(self, submission_id: str) -> dict[str, Any] | None:
        """Take the lease on a due, non-terminal submission; None when another worker holds it,
        it is not due yet, or it is finished."""
        now = _now()
        claimed = (
            await Submission.update({Submission.lease_until: now + LEASE})
            .where(
                (Submission.id == submission_id)
                & Submission.status.not_in(list(states.TERMINAL))
                & (Submission.lease_until.is_null() | (Submission.lease_until < now))
                & (Submission.due_at.is_null() | (Submission.due_at <= now))
            )
            .returning(Submission.id)
            .run()
        )
        if not claimed:
            return None
        return await Submission.select().output(load_json=True).where(Submission.id == submission_id).first().run()

    async def _update(self, row: dict[str, Any], status: str, **values: Any) -> None:
        if status != row["status"] and not states.allowed(row["status"], status):
            raise RuntimeError(f"submission {row['id']}: {row['status']} -> {status} is not a transport transition")
        update = {getattr(Submission, k): v for k, v in values.items()}
        update[Submission.status] = status
        update[Submission.updated_at] = _now()
        update.setdefault(Submission.lease_until, None)
        await Submission.update(update).where(Submission.id == row["id"]).run()
        row.update(values, status=status)

    async def _view(self, row: dict[str, Any]) -> SubmissionView:
        invoice = await Invoice.select().output(load_json=True).where(Invoice.id == row["invoice"]).first().run()
        company = await Company.select().where(Company.id == row["company"]).first().run()
        context = ProviderContext(
            company=CompanyView(id=company["id"], cif=company["cif"], name=company["name"], country=company["country"], vat_payer=company["vat_payer"]),
            settings=self.provider_settings(row["provider"]),
            credentials=DbCredentialStore(company["id"], row["provider"]),
        )
        document = msgspec.convert(invoice["document"], CanonicalInvoice) if invoice.get("document") else None
        return SubmissionView(
            id=row["id"], provider=row["provider"], dialect=row["dialect"], document_type=invoice["document_type"],
            invoice_number=invoice["number"], issue_date=invoice["issue_date"], external_id=row.get("external_id"),
            attempts=row["attempts"], context=context, document=document, polls=row["polls"], last_attempt_at=row["updated_at"],
        )

    async def step(self, submission_id: str) -> str | None:
        """Run the next step of one submission; returns its new status (None when not claimed)."""
        row = await self.claim(submission_id)
        if row is None:
            return None
        try:
            if row["status"] == "in_flight":  # a previous worker died mid-call: outcome unknown
                await self._update(row, "unknown", due_at=_now())
            if row["status"] == "pending":
                await self._send(row)
            elif row["status"] == "unknown":
                await self._reconcile(row)
            elif row["status"] == "submitted":
                await self._poll(row)
        except TransientProviderError as exc:
            delay = RETRY_BACKOFF[min(row["attempts"], len(RETRY_BACKOFF) - 1)]
            due = exc.retry_at or _after(delay)
            status = row["status"] if row["status"] != "in_flight" else "pending"
            await self._update(row, status, due_at=due, last_error=exc.message)
            log.info("submission %s: transient error, retry at %s: %s", row["id"], due.isoformat(), exc.message)
        return row["status"]

    async def _send(self, row: dict[str, Any]) -> None:
        view = await self._view(row)
        _, xml = await self.store.read(row["invoice"], "xml")  # only the upload sends the file
        await self._update(row, "in_flight", attempts=row["attempts"] + 1, lease_until=_now() + LEASE)
        try:
            receipt = await providers.submit(view, xml)
        except ProviderTimeout as exc:
            await self._update(row, "unknown", due_at=_after(5), last_error=exc.message)
            return
        except PermanentProviderError as exc:
            await self._finish(row, "failed", list(exc.messages), exc.message)
            return
        except TransientProviderError:
            await self._update(row, "pending", lease_until=_now())
            raise
        await self._update(row, "submitted", external_id=receipt.external_id, submitted_at=receipt.accepted_at, due_at=_after(POLL_BACKOFF[0]), last_error=None)
        await Invoice.update({Invoice.anaf_upload_id: receipt.external_id}).where(Invoice.id == row["invoice"]).run()

    async def _reconcile(self, row: dict[str, Any]) -> None:
        view = await self._view(row)
        receipt = await providers.reconcile(view)
        if receipt is None:
            await self._update(row, "pending", due_at=_now(), last_error="not found at the provider; will resend")
        else:
            await self._update(row, "submitted", external_id=receipt.external_id, submitted_at=receipt.accepted_at, due_at=_now())
            await Invoice.update({Invoice.anaf_upload_id: receipt.external_id}).where(Invoice.id == row["invoice"]).run()

    async def _poll(self, row: dict[str, Any]) -> None:
        view = await self._view(row)
        report = await providers.poll(view)
        polls = row["polls"] + 1
        if report.state == "pending":
            delay = report.next_poll_after or POLL_BACKOFF[min(polls, len(POLL_BACKOFF) - 1)]
            await self._update(row, "submitted", polls=polls, provider_state=report.provider_state, due_at=_after(delay))
            return
        for name, content in report.documents.items():
            kind = "signed_zip" if name.endswith(".zip") else "provider_file"
            await self.store.save(company_id=row["company"], invoice_id=row["invoice"], kind=kind, filename=name, media_type="application/zip" if kind == "signed_zip" else "application/xml", content=content)
        row["polls"] = polls
        row["provider_state"] = report.provider_state
        row["download_id"] = report.download_id
        await self._finish(row, report.state, list(report.messages), None)

    async def _finish(self, row: dict[str, Any], status: str, messages: list[str], error: str | None) -> None:
        from core.db.engine import write_transaction

        accepted = status == "accepted"
        async with write_transaction():
            await self._update(
                row, status, messages=messages, last_error=error or ("; ".join(messages) if messages else None),
                finished_at=_now(), due_at=None, polls=row["polls"], provider_state=row.get("provider_state"), download_id=row.get("download_id"),
            )
            await self.invoices.transition(
                row["invoice"],
                "provider_accepted" if accepted else "provider_rejected",
                anaf_status="ok" if accepted else ("nok" if status == "rejected" else "upload_failed"),
                anaf_download_id=row.get("download_id"),
                anaf_error_message=None if accepted else ("\n".join(messages) or error),
            )
        invoice = await Invoice.select().where(Invoice.id == row["invoice"]).first().run()
        emit("invoice.validated" if accepted else "invoice.rejected", row["company"], invoice_event_data(invoice))

    async def due(self, limit: int = 100) -> list[str]:
        """Ids of submissions whose next step is due (the scheduler sweep re-enqueues them);
        includes ``in_flight`` rows whose lease expired (their worker died)."""
        now = _now()
        rows = (
            await Submission.select(Submission.id)
            .where(
                Submission.status.not_in(list(states.TERMINAL))
                & (Submission.due_at.is_null() | (Submission.due_at <= now))
                & (Submission.lease_until.is_null() | (Submission.lease_until < now))
            )
            .order_by(Submission.due_at)
            .limit(limit)
            .run()
        )
        return [r["id"] for r in rows]

    async def release_leases(self) -> int:
        """Void every lease (embedded mode at start: this process is the only worker, so any lease
        belongs to a process that died). In-flight work then becomes due and is reconciled."""
        released = await Submission.update({Submission.lease_until: None, Submission.due_at: _now()}).where(
            Submission.lease_until.is_not_null() & Submission.status.not_in(list(states.TERMINAL))
        ).returning(Submission.id).run()
        return len(released)

    async def get(self, submission_id: str) -> dict[str, Any]:
        """One submission row; NotFound otherwise."""
        row = await Submission.select().output(load_json=True).where(Submission.id == submission_id).first().run()
        if row is None:
            raise NotFound("Submission not found.")
        return row
