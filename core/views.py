"""Frozen views exchanged between the core and the provider plugins.

Plugins never see ORM rows: the core builds these msgspec Structs from its tables and hands them
to the hooks of :mod:`core.hookspecs`; plugins answer with the result types below. Times are UTC
``datetime`` values with tzinfo; amounts are ``Decimal`` in the document currency.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Protocol

import msgspec

from core.model import Invoice

__all__ = [
    "CompanyRecord",
    "CompanyView",
    "Credentials",
    "CredentialStore",
    "Event",
    "IncomingBatch",
    "IncomingMessage",
    "ParsedDocument",
    "ProviderContext",
    "ProviderInfo",
    "RenderedArtefact",
    "SignatureCheck",
    "StatusReport",
    "SubmissionView",
    "SubmitReceipt",
    "ValidationLayer",
    "ValidationPipeline",
]


class ProviderInfo(msgspec.Struct, frozen=True):
    """What a provider plugin offers; returned once at start by ``storno_register_providers``.

    ``dialects`` are the XML dialects it renders (first is the default for its country);
    ``parse_roots`` the root elements (Clark notation ``{ns}local``) it can parse;
    ``capabilities`` a subset of ``submit``, ``poll``, ``receive``, ``reconcile``.
    """

    code: str  # e.g. "anaf"
    label: str
    country: str  # ISO 3166-1 alpha-2
    dialects: tuple[str, ...]
    document_types: tuple[str, ...] = ("invoice", "credit_note")
    parse_roots: tuple[str, ...] = ()
    capabilities: frozenset[str] = frozenset()
    simulator: str | None = None  # "module:factory" of its loopback simulator, if it ships one


class RenderedArtefact(msgspec.Struct, frozen=True):
    """An artefact rendered from a document: the XML (or PDF) bytes, MIME type and file name."""

    content: bytes
    media_type: str
    filename: str
    dialect: str


class ValidationLayer(msgspec.Struct, frozen=True):
    """One step of a validation pipeline.

    ``kind`` is ``xsd`` or ``schematron`` (a compiled XSLT 2/3 producing SVRL). ``path`` is
    relative to the artefact directory (``STORNO_ARTIFACTS_DIR``); ``bundled`` names the same
    official file inside a PyPI package (``package:relative/path``) used when that directory is not
    set, or None when no package carries it (the layer is then reported as not run).
    ``roots`` limits the layer to documents whose root local name is listed (empty: all).
    ``severity_overrides`` re-grades rule ids (e.g. KoSIT's scenarios).
    """

    name: str
    kind: Literal["xsd", "schematron"]
    path: str
    bundled: str | None = None
    roots: tuple[str, ...] = ()
    severity_overrides: dict[str, str] = msgspec.field(default_factory=dict)


class ValidationPipeline(msgspec.Struct, frozen=True):
    """The ordered layers the core validation engine runs for one dialect."""

    dialect: str
    layers: tuple[ValidationLayer, ...]


class ParsedDocument(msgspec.Struct, frozen=True):
    """An incoming file read into the canonical model, with the dialect it was written in."""

    document: Invoice
    dialect: str
    provider: str


class CompanyView(msgspec.Struct, frozen=True):
    """A company as plugins see it."""

    id: str
    cif: str  # numeric CIF/tax id without country prefix
    name: str
    country: str
    vat_payer: bool


class SignatureCheck(msgspec.Struct, frozen=True, kw_only=True):
    """A national system's verdict on its own signature of a document (``storno_verify_signature``).

    ``valid`` is true only when the provider confirmed both the signature and the certificate
    used for it; ``message`` is the provider's own text (for ANAF a Romanian sentence).
    """

    valid: bool
    message: str


class CompanyRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A company as a national public registry describes it (``storno_lookup_company``).

    For Romania this is ANAF's VAT-registry record: ``cif`` is the numeric tax id without the
    ``RO`` prefix, ``vat_payer`` whether the company is registered for VAT today,
    ``registration_number`` the trade-register number (``J40/1234/2020``), ``county`` the county
    name as the registry writes it (``Cluj``, ``Municipiul Bucuresti``), ``country`` ISO 3166-1
    alpha-2. Text the registry leaves empty is ``None`` (``name`` and ``cif`` are always set).
    """

    name: str
    cif: str
    vat_payer: bool = False
    registration_number: str | None = None
    address: str | None = None
    city: str | None = None
    county: str | None = None
    postal_code: str | None = None
    country: str = "RO"
    phone: str | None = None


class Credentials(msgspec.Struct, frozen=True):
    """OAuth credentials of a company at a provider. ``expires_at`` is UTC."""

    access_token: str
    refresh_token: str | None = None
    expires_at: dt.datetime | None = None


class CredentialStore(Protocol):
    """The narrow capability a transport gets to read and persist its company's credentials."""

    async def load(self) -> Credentials | None:
        """The stored credentials, or None when the company never authorised."""

    async def save(self, credentials: Credentials) -> None:
        """Persist rotated credentials atomically (ANAF rotates the refresh token)."""


class ProviderContext(msgspec.Struct, frozen=True):
    """Everything a transport call needs besides the document: company, settings, credentials.

    ``settings`` is the plugin's own settings section (base URLs, client id, ...);
    ``credentials`` is a :class:`CredentialStore` (not serialisable, hence ``Any``).
    """

    company: CompanyView
    settings: dict[str, Any]
    credentials: Any = None


class SubmissionView(msgspec.Struct, frozen=True):
    """A submission of one document to one provider, as the transport hooks see it.

    ``external_id`` is the provider's tracking id once known (ANAF ``index_incarcare``).
    ``document`` is the canonical model of the submitted document.
    """

    id: str
    provider: str
    dialect: str
    document_type: str  # invoice | credit_note
    invoice_number: str
    issue_date: dt.date
    external_id: str | None
    attempts: int
    context: ProviderContext
    document: Invoice | None = None
    polls: int = 0  # status polls made so far (drives the provider's back-off)
    last_attempt_at: dt.datetime | None = None  # UTC time of the last send whose outcome is unknown (reconciliation window)


class SubmitReceipt(msgspec.Struct, frozen=True):
    """The provider accepted the file for processing; ``external_id`` tracks it from now on."""

    external_id: str
    accepted_at: dt.datetime
    raw: bytes = b""


class StatusReport(msgspec.Struct, frozen=True):
    """Processing state of a submission at the provider.

    ``state``: ``pending`` (still processing), ``accepted`` or ``rejected`` (terminal).
    ``provider_state`` is the provider's own word (``in prelucrare``, ``ok``, ``nok``, ...).
    ``messages`` the provider's error texts for a rejection. ``documents`` maps file names to
    bytes the provider returned (ANAF's signed ZIP). ``next_poll_after`` seconds, a hint.
    """

    state: Literal["pending", "accepted", "rejected"]
    provider_state: str
    messages: tuple[str, ...] = ()
    download_id: str | None = None
    documents: dict[str, bytes] = msgspec.field(default_factory=dict)
    next_poll_after: float | None = None


class IncomingMessage(msgspec.Struct, frozen=True):
    """One message of a provider's inbox (an incoming invoice, or a notice about a sent one).

    ``kind``: ``invoice_received``, ``invoice_sent``, ``errors`` or ``other``.
    ``payload`` is the e-invoice XML (for ``invoice_received``), ``archive`` the raw signed
    container as the provider delivered it.
    """

    message_id: str
    kind: Literal["invoice_received", "invoice_sent", "errors", "other"]
    provider_type: str  # the provider's own word, e.g. "FACTURA PRIMITA"
    created_at: dt.datetime
    upload_id: str | None = None
    details: str = ""
    payload: bytes | None = None
    archive: bytes | None = None


class IncomingBatch(msgspec.Struct, frozen=True):
    """Messages fetched in one call and the cursor to pass next time (unchanged on error)."""

    messages: tuple[IncomingMessage, ...]
    next_cursor: str | None


class Event(msgspec.Struct, frozen=True):
    """A domain event broadcast after commit (``invoice.issued``, ``invoice.validated``, ...)."""

    id: str
    name: str
    company_id: str | None
    created_at: dt.datetime
    data: dict[str, Any]
