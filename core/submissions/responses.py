"""Response bodies of the transport endpoints: submissions, e-Factura sync and SPV messages
(objects.md §3.19). Each Struct mirrors its serialiser field for field; handlers return them
through :func:`core.api.json.view`, so OpenAPI documents exactly the bytes sent."""

from __future__ import annotations

from typing import Any

import msgspec

from core.api.json import Stamp, page_of

__all__ = ["EfacturaMessage", "EfacturaMessagePage", "InvoiceRef", "Submission", "SubmissionMetadata", "SyncQueued", "SyncStatus"]


class Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of every response Struct here: camelCase keys, no undeclared key."""


class SubmissionMetadata(Body):
    """Provider-side details of a submission."""

    download_id: str | None
    provider_state: str | None
    submitted_at: Stamp | None


class Submission(Body):
    """EInvoiceSubmission (objects.md §3.19): ``status`` is the contract's enum (pending,
    submitted, accepted, rejected, error), ``transportStatus`` the appliance's own state
    (pending, in_flight, submitted, accepted, rejected, failed, unknown)."""

    id: str
    provider: str
    external_id: str | None
    status: str
    transport_status: str
    error_message: str | None
    messages: list[Any]  # the provider's messages about the document, as it sent them
    metadata: SubmissionMetadata
    created_at: Stamp
    updated_at: Stamp


class SyncQueued(Body):
    """``POST /api/v1/sync/trigger`` (202): ``{"status": "queued"}``."""

    status: str


class SyncStatus(Body):
    """``GET /api/v1/sync/status``: state (never, idle, queued, running, error), last run, last
    error and the counts of the last run."""

    status: str
    last_synced_at: Stamp | None
    last_error: str | None
    stats: dict[str, Any]


class InvoiceRef(Body):
    """The invoice a message produced or concerns."""

    id: str


class EfacturaMessage(Body):
    """An SPV message seen by the sync (objects.md §3.19 EFacturaMessage)."""

    id: str
    anaf_message_id: str
    message_type: str
    cif: str
    details: str | None
    upload_id: str | None
    status: str  # processed | error
    error_message: str | None
    invoice: InvoiceRef | None
    created_at: Stamp


EfacturaMessagePage = page_of(EfacturaMessage, "EfacturaMessagePage", "A page of e-Factura messages (objects.md §2 envelope).")
