"""Hook implementations of the ANAF e-Factura provider (Romania, CIUS-RO UBL).

Only hookimpls live here; the dialect is in :mod:`plugins.anaf.xml` / :mod:`plugins.anaf.parse`,
the transport in :mod:`plugins.anaf.transport`, the simulator in :mod:`plugins.anaf.simulator`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.hookspecs import hookimpl
from core.model import Invoice
from core.views import (
    CompanyRecord,
    Credentials,
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
from plugins.anaf import access as anaf_access
from plugins.anaf import parse as anaf_parse
from plugins.anaf.pipeline import PIPELINES
from plugins.anaf.registry import RegistryClient
from plugins.anaf.sandbox import ensure_sandbox_credentials
from plugins.anaf.settings import AnafSettings
from plugins.anaf.signature import verify_signature as verify_anaf_signature
from plugins.anaf.transport import AnafTransport
from plugins.anaf.xml import render_cius_ro

CODE = "anaf"
DIALECT = "cius-ro"


@hookimpl
def storno_register_providers() -> ProviderInfo:
    return ProviderInfo(
        code=CODE,
        label="ANAF e-Factura (RO)",
        country="RO",
        dialects=(DIALECT, "cius-ro-cen"),  # cius-ro-cen: the same XML judged by CEN 1.3.16 + ANAF's RO rules
        document_types=("invoice", "credit_note"),
        parse_roots=anaf_parse.ROOTS,
        capabilities=frozenset({"submit", "poll", "reconcile", "receive"}),
        simulator="plugins.anaf.sandbox:start_sandbox",
    )


@hookimpl
def storno_register_routes() -> list[Any]:
    return []


@hookimpl
def storno_render(document: Invoice, dialect: str) -> RenderedArtefact:
    return render_cius_ro(document)


@hookimpl
def storno_validation_pipeline(dialect: str) -> ValidationPipeline:
    return PIPELINES[dialect]


@hookimpl
def storno_parse(payload: bytes) -> ParsedDocument:
    return anaf_parse.parse(payload)


async def _transport(context: ProviderContext) -> AnafTransport:
    await ensure_sandbox_credentials(context)
    return AnafTransport.from_context(context)


def _buyer_is_foreign(document: Invoice | None) -> bool:
    return bool(document and document.buyer.address.country_code != "RO")


@hookimpl
async def storno_submit(submission: SubmissionView, artefact: bytes) -> SubmitReceipt:
    """ANAF upload: ``standard=CN`` for credit notes, ``extern=DA`` for non-Romanian buyers."""
    async with await _transport(submission.context) as transport:
        return await transport.upload(
            artefact,
            cif=submission.context.company.cif,
            standard="CN" if submission.document_type == "credit_note" else "UBL",
            extern=_buyer_is_foreign(submission.document),
        )


@hookimpl
async def storno_poll(submission: SubmissionView) -> StatusReport:
    """ANAF stareMesaj (and the signed ZIP once processed)."""
    async with await _transport(submission.context) as transport:
        return await transport.poll(submission.external_id or "", attempt=submission.polls)


@hookimpl
async def storno_reconcile(submission: SubmissionView) -> SubmitReceipt | None:
    """Look for an upload whose response was lost, in ANAF's message list."""
    since = submission.last_attempt_at or dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    async with await _transport(submission.context) as transport:
        return await transport.reconcile(submission.context.company.cif, submission.invoice_number, submission.issue_date, since)


@hookimpl
async def storno_fetch_incoming(context: ProviderContext, cursor: str | None) -> IncomingBatch:
    """FACTURA PRIMITA messages after ``cursor``, each with its invoice XML and signed ZIP."""
    async with await _transport(context) as transport:
        return await transport.fetch_incoming(context.company.cif, cursor)


@hookimpl
async def storno_verify_signature(content: bytes, signature: bytes, settings: dict[str, Any] | None) -> SignatureCheck:
    """ANAF's public signature check (``/api/validate/signature`` on the registry host)."""
    return await verify_anaf_signature(AnafSettings.from_mapping(settings), content, signature)


@hookimpl
async def storno_lookup_company(country: str, tax_id: str, settings: dict[str, Any] | None) -> CompanyRecord | None:
    """ANAF PlatitorTvaRest v9 (public VAT registry) at ``settings["registry_base_url"]``, for ``RO``.

    None for another country, a CIF that is not numeric, or one ANAF does not know; raises
    :class:`core.errors.TransientProviderError` when the registry does not answer.
    """
    if country.upper() != "RO":
        return None
    async with RegistryClient(AnafSettings.from_mapping(settings)) as registry:
        try:
            return await registry.lookup(tax_id)
        except ValueError:  # not a CUI: no registry knows it
            return None


@hookimpl
def storno_authorize_url(settings: dict[str, Any] | None, state: str) -> str | None:
    """ANAF's OAuth2 consent page (../shared/providers/anaf.md §2.1)."""
    return anaf_access.authorize_url(settings, state)


@hookimpl
async def storno_exchange_code(settings: dict[str, Any] | None, code: str) -> Credentials:
    """ANAF's token endpoint, ``grant_type=authorization_code`` (§2.2)."""
    return await anaf_access.exchange_code(settings, code)


@hookimpl
async def storno_check_access(context: ProviderContext, tax_id: str) -> str | None:
    """SPV rights of the context's token for CIF ``tax_id`` (one-day message list, §3.3)."""
    return await anaf_access.check_access(context.settings, context.credentials, tax_id)
