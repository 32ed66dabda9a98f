"""Hook specifications of the appliance (pluggy project ``storno``, prefix ``storno_``).

Grouped by phase. Provider hooks (render, validation pipeline, parse, submit, poll, reconcile,
fetch incoming) are *routed*: the core calls exactly one plugin, chosen by provider code, so no
implementation needs an "is this mine?" guard. Only :mod:`core.plugins` and :mod:`core.providers`
call ``pm.hook``.

Units: amounts are ``Decimal`` in the document currency (BT-5); times are UTC ``datetime``;
dates are calendar ``date`` values.
"""

from __future__ import annotations

from typing import Any

import pluggy

from core.model import Invoice
from core.views import (
    CompanyRecord,
    CompanyView,
    Credentials,
    Event,
    IncomingBatch,
    ParsedDocument,
    ProviderContext,
    ProviderInfo,
    RenderedArtefact,
    SignatureCheck,
    StatusReport,
    SubmissionView,
    SubmitReceipt,
    ValidationPipeline,
)

PROJECT = "storno"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# --- start-up --------------------------------------------------------------------------------


@hookspec
def storno_register_providers() -> ProviderInfo:
    """Declare the provider this plugin implements.

    Called once at start, after the licence gate, by :func:`core.plugins.load_plugins`. All
    results are collected; a duplicate code, or one the licence does not cover, stops the start.
    """


@hookspec
def storno_register_routes() -> list[Any]:
    """Return Litestar route handlers (or routers) to mount under ``/plugins/{code}``.

    Called once when the web app is built; all results are collected. Use it for OAuth callbacks
    and inbound notifications. Handlers must not touch the core's tables.
    """


# --- documents (inside the issue transaction; pure) ---------------------------------------------


@hookspec(firstresult=True)
def storno_render(document: Invoice, dialect: str) -> RenderedArtefact:
    """Render the canonical document in ``dialect`` (e.g. ``cius-ro``).

    Routed to the provider owning ``dialect``; called inside the issuing transaction, so it must be
    pure (no I/O). Raise ``ValueError`` with a sentence naming the missing business terms when
    the document cannot be expressed in the dialect.
    """


@hookspec(firstresult=True)
def storno_validation_pipeline(dialect: str) -> ValidationPipeline:
    """Return the ordered official artefacts (XSD, schematron XSLT) that judge ``dialect``.

    Routed to the provider owning ``dialect``; the core validation engine runs them.
    """


@hookspec(firstresult=True)
def storno_parse(payload: bytes) -> ParsedDocument:
    """Read an e-invoice file into the canonical model.

    Routed by sniffing the root element against each provider's ``parse_roots``. ``payload`` is
    untrusted: parse it only through :func:`core.xmlsafe.parse_untrusted`. Raise ``ValueError``
    with one sentence when the file cannot be read.
    """


@hookspec(firstresult=True)
def storno_amend_pdf(document: Invoice, pdf: bytes, xml: bytes) -> bytes | None:
    """Return a new PDF (e.g. Factur-X with the XML embedded) or None to keep ``pdf``.

    Routed; called outside transactions.
    """


# --- transport (async, outside transactions) ----------------------------------------------------


@hookspec(firstresult=True)
async def storno_submit(submission: SubmissionView, artefact: bytes) -> SubmitReceipt:
    """Send ``artefact`` to the national system.

    Routed by ``submission.provider``. The submission is already ``in_flight`` and committed.
    Raise :class:`core.errors.TransientProviderError` (nothing accepted; retry later),
    :class:`core.errors.PermanentProviderError` (refused for good) or
    :class:`core.errors.ProviderTimeout` (outcome unknown; the core reconciles before resending).
    """


@hookspec(firstresult=True)
async def storno_poll(submission: SubmissionView) -> StatusReport:
    """Ask the provider how far ``submission`` (with its ``external_id``) has got.

    Routed. Raise :class:`core.errors.TransientProviderError` to be polled again later.
    """


@hookspec(firstresult=True)
async def storno_reconcile(submission: SubmissionView) -> SubmitReceipt | None:
    """Find an ``unknown`` submission in the provider's own records (e.g. ANAF's message list).

    Routed. Return the receipt when the provider has the document, None when it certainly has not
    (the core may then resend), or raise :class:`core.errors.TransientProviderError`.
    """


@hookspec(firstresult=True)
async def storno_fetch_incoming(context: ProviderContext, cursor: str | None) -> IncomingBatch:
    """Fetch the company's inbox messages after ``cursor`` (None: from the provider's horizon).

    Routed. Returns the messages and the next cursor; on any error raise instead of returning a
    partial batch, so the cursor never advances past an error.
    """


# --- public registries (async, outside transactions) -------------------------------------------


@hookspec(firstresult=True)
async def storno_lookup_company(country: str, tax_id: str, settings: dict[str, Any] | None) -> CompanyRecord | None:
    """Look a company up in the national public registry (for ``RO``: ANAF's VAT registry).

    Called by ``POST /api/v1/companies`` when only a tax id is sent (and by client enrichment),
    outside any transaction. Routed to the provider whose ``ProviderInfo.country`` is ``country``
    (ISO 3166-1 alpha-2). ``tax_id`` is the national tax id without country prefix (for RO the
    numeric CIF, e.g. ``"14399840"``). ``settings`` is the provider's settings section (as its
    transport gets it: environment, overridden by the sandbox), or None when the caller has none
    (the plugin then uses its defaults); an implementation may leave the argument out. Return
    the registry's record, or None when the registry does not know the id. Raise
    :class:`core.errors.TransientProviderError` when the registry does not answer (the API then
    replies 503).
    """


@hookspec(firstresult=True)
async def storno_verify_signature(content: bytes, signature: bytes, settings: dict[str, Any] | None) -> SignatureCheck:
    """Ask the national system whether ``signature`` is its valid signature of ``content``.

    Called by ``POST /api/v1/invoices/{id}/verify-signature``, outside any transaction, routed to
    the provider whose signed response (for ANAF the ZIP of ``<id>.xml`` and the detached XMLDSig
    ``semnatura_<id>.xml``) is stored for the invoice. ``content`` is the signed file's bytes,
    ``signature`` the signature document's bytes, ``settings`` the provider's settings section
    (None: the plugin's defaults). Return the verdict; raise
    :class:`core.errors.TransientProviderError` when the provider's checking service does not
    answer (the API then replies 503).
    """


# --- authorisation of a company at a provider (async, outside transactions) ----------------------


@hookspec(firstresult=True)
def storno_authorize_url(settings: dict[str, Any] | None, state: str) -> str | None:
    """The provider's consent page (OAuth2 authorization endpoint, RFC 6749 §4.1.1) for ``state``.

    Called by ``GET /api/connect/{provider}``, routed to that provider. ``settings`` is the
    provider's settings section (client id, redirect URI...); ``state`` is the opaque, signed value
    the provider must send back to the redirect URI unchanged. Return the absolute URL to send
    the browser to, or None when the provider has no browser authorisation. Raise
    :class:`core.errors.ConfigurationError` with one sentence when the settings lack what the
    provider needs (e.g. no client id).
    """


@hookspec(firstresult=True)
async def storno_exchange_code(settings: dict[str, Any] | None, code: str) -> Credentials:
    """Trade the authorization ``code`` the provider sent to the redirect URI for credentials
    (RFC 6749 §4.1.3). Routed. The core stores the result sealed; the plugin stores nothing.

    Raise :class:`core.errors.AuthorizationRequired` (code refused or expired),
    :class:`core.errors.PermanentProviderError` (client credentials refused) or
    :class:`core.errors.TransientProviderError` (provider unreachable).
    """


@hookspec(firstresult=True)
async def storno_check_access(context: ProviderContext, tax_id: str) -> str | None:
    """Ask the provider whether the credentials of ``context`` may act for ``tax_id``.

    Routed. ``context.credentials`` is the credential store to use (possibly holding a token not
    stored yet); ``tax_id`` is the national tax id as the user typed it (for RO a CIF, with or
    without the ``RO`` prefix). Return None when access is confirmed, else the provider's
    refusal as one sentence (no rights for this tax id, token refused, malformed tax id). Raise
    :class:`core.errors.TransientProviderError` when the provider does not answer.
    """


# --- events (after commit) ----------------------------------------------------------------------


@hookspec
def storno_event(event: Event) -> None:
    """Observe a domain event after its transaction committed. Broadcast to every plugin."""


__all__ = [
    "CompanyRecord",
    "CompanyView",
    "PROJECT",
    "hookimpl",
    "hookspec",
]
