"""Checking the national system's signature of an invoice's stored response.

ANAF signs what it delivers: the download of a processed upload (and of every incoming invoice)
is a ZIP of ``<id>.xml`` and ``semnatura_<id>.xml``, a detached XMLDSig over the first
(../shared/providers/anaf.md §3.6, §3.9). The appliance keeps that ZIP as the invoice's
``signed_zip`` artefact; :func:`verify` splits it and asks the provider, through the
``storno_verify_signature`` hook, whether the signature is its own and intact, then records the
verdict on the invoice (objects.md §3.1 ``signatureValid``). Runs outside transactions except for
the final one-row update.

Errors: 404 unknown invoice; 422 ``NO_SIGNATURE`` (nothing signed stored yet), ``PARSE_ERROR``
(the stored ZIP is not a signed response), ``UNSUPPORTED`` (the provider offers no check);
503 when the provider's checking service does not answer.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import msgspec

from core import providers
from core.api import json as j
from core.documents.store import DocumentStore
from core.errors import NotFound, ProviderError, ServiceUnavailable, Unprocessable
from core.invoicing.tables import Invoice
from core.submissions.tables import Submission

__all__ = ["MAX_ENTRY_BYTES", "SignatureVerification", "split_signed_zip", "verify"]

#: Largest ZIP entry read (bytes): ANAF files are at most 10 MB; anything bigger is not a response.
MAX_ENTRY_BYTES = 20 * 1024 * 1024


class SignatureVerification(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/invoices/{id}/verify-signature``: ``valid`` the provider's verdict,
    ``message`` its own text, ``signedFile`` the name of the signed file in the stored ZIP,
    ``checkedAt`` when the check ran (also stored as the invoice's ``signatureValid``)."""

    valid: bool
    provider: str
    message: str
    signed_file: str
    checked_at: str


def split_signed_zip(archive: bytes) -> tuple[str, bytes, bytes]:
    """``(signed file name, its bytes, signature bytes)`` of a signed response ZIP.

    Raises :class:`Unprocessable` (``PARSE_ERROR``) when it is not a ZIP holding exactly one
    ``semnatura_*.xml`` and the one XML file it signs, or an entry is over :data:`MAX_ENTRY_BYTES`.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            entries = [i for i in zipped.infolist() if not i.is_dir()]
            if any(i.file_size > MAX_ENTRY_BYTES for i in entries):
                raise Unprocessable("The stored signed response holds an oversized file.", code="PARSE_ERROR")
            signatures = [i for i in entries if i.filename.lower().startswith("semnatura_") and i.filename.lower().endswith(".xml")]
            signed = [i for i in entries if i.filename.lower().endswith(".xml") and i not in signatures]
            if len(signatures) != 1 or len(signed) != 1:
                raise Unprocessable("The stored response is not a signed file plus its semnatura_ signature.", code="PARSE_ERROR")
            return signed[0].filename, zipped.read(signed[0]), zipped.read(signatures[0])
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        if isinstance(exc, Unprocessable):
            raise
        raise Unprocessable("The stored signed response is not a readable ZIP.", code="PARSE_ERROR") from None


async def _provider_of(invoice: dict[str, Any]) -> str:
    """The provider whose response is stored: the invoice's latest submission's, else ANAF's
    (incoming documents are brought in by the e-Factura sync)."""
    row = await Submission.select(Submission.provider).where(Submission.invoice == invoice["id"]).order_by(Submission.created_at, ascending=False).first().run()
    return row["provider"] if row else "anaf"


async def verify(company_id: str, invoice_id: str, store: DocumentStore) -> SignatureVerification:
    """Check the signature of the invoice's newest stored signed response and record the verdict."""
    invoice = await Invoice.select(Invoice.id).where(
        (Invoice.id == invoice_id) & (Invoice.company == company_id) & Invoice.deleted_at.is_null()
    ).first().run()
    if invoice is None:
        raise NotFound("Invoice not found.")
    if await store.latest(invoice_id, "signed_zip") is None:
        raise Unprocessable(
            "No signed response is stored for this invoice yet: ANAF signs the invoice once it has processed the upload.",
            code="NO_SIGNATURE",
        )
    _, archive = await store.read(invoice_id, "signed_zip")
    name, content, signature = split_signed_zip(archive)
    code = await _provider_of(invoice)
    try:
        check = await providers.verify_signature(code, content, signature)
    except ProviderError as exc:
        raise ServiceUnavailable(f"The provider's signature check did not answer; try again later ({exc.message}).") from None
    if check is None:
        raise Unprocessable(f"Signature verification is not offered for the provider '{code}'.", code="UNSUPPORTED")
    now = dt.datetime.now(dt.timezone.utc)
    await Invoice.update({Invoice.signature_valid: check.valid, Invoice.signature_checked_at: now}).where(Invoice.id == invoice_id).run()
    return SignatureVerification(valid=check.valid, provider=code, message=check.message, signed_file=name, checked_at=j.stamp(now) or "")
