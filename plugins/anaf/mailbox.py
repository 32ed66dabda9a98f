"""Working the SPV mailbox (ANAF message list + descarcare): reconciling uploads whose answer was
lost, and fetching incoming supplier invoices (FACTURA PRIMITA) behind a cursor.

Source: ../shared/providers/anaf.md §3.3–3.6 and §4 ("sync the message list and correlate by
``id_solicitare``"). Both functions take an :class:`plugins.anaf.transport.AnafTransport` and use
only its public calls; times in and out are UTC.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING

from core.errors import PermanentProviderError, TransientProviderError
from core.views import IncomingBatch, IncomingMessage, SubmitReceipt
from plugins.anaf import answers
from plugins.anaf.answers import AnafMessage

if TYPE_CHECKING:
    from plugins.anaf.transport import AnafTransport

__all__ = ["reconcile", "fetch_incoming", "TIP_TRIMISA", "TIP_PRIMITA", "TIP_ERORI"]

log = logging.getLogger("storno.anaf")

TIP_TRIMISA = "FACTURA TRIMISA"
TIP_PRIMITA = "FACTURA PRIMITA"
TIP_ERORI = "ERORI FACTURA"
_CLOCK_SKEW = dt.timedelta(minutes=10)
_CURSOR = re.compile(r"^v1:(\d{12}):(\d+)$")


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


async def _is_our_document(
    transport: AnafTransport, message: AnafMessage, invoice_number: str, issue_date: dt.date
) -> bool:
    download = await transport.download(message.id)
    errors = download.error_messages()
    if errors is not None:
        # An error report carries no invoice number; match only when a text names it.
        return any(invoice_number in text for text in errors)
    return answers.document_key(download.document) == (invoice_number, issue_date)


async def reconcile(
    transport: AnafTransport,
    cif: str,
    invoice_number: str,
    issue_date: dt.date,
    since: dt.datetime,
    *,
    exclude_upload_ids: frozenset[str] = frozenset(),
) -> SubmitReceipt | None:
    """Find an upload of document (``invoice_number``, ``issue_date``) made by ``cif`` after
    ``since`` (UTC, the moment before the lost upload) in ANAF's message list.

    Lists FACTURA TRIMISA and ERORI FACTURA messages from ``since`` (minus 10 min of clock skew)
    to now, skips ``exclude_upload_ids`` (uploads already known to belong to other submissions),
    and downloads candidates oldest first, comparing the invoice's ``cbc:ID``/``IssueDate`` (an
    ERORI report only matches when its texts name the number). Returns a receipt whose
    ``external_id`` is the ``id_solicitare`` (``index_incarcare``), or None when ANAF certainly has
    no such upload. ANAF lists an upload only once processed, so while ``since`` is younger than
    ``settings.reconcile_settle_seconds`` "not found" raises :class:`TransientProviderError`
    (``retry_at`` = when it will be conclusive) instead of returning None.
    """
    now = transport.now()
    start = since - _CLOCK_SKEW
    messages = await transport.list_messages(cif, start_ms=_ms(start), end_ms=_ms(now))
    own = answers.numeric_cif(cif)
    candidates = sorted(
        (
            m
            for m in messages
            if m.tip in (TIP_TRIMISA, TIP_ERORI)
            and m.upload_id not in exclude_upload_ids
            and (m.tip != TIP_TRIMISA or m.emitent in (None, own))
        ),
        key=lambda m: (m.tip != TIP_TRIMISA, m.sort_key()),  # accepted uploads first
    )
    for message in candidates:
        if message.upload_id and await _is_our_document(transport, message, invoice_number, issue_date):
            return SubmitReceipt(external_id=message.upload_id, accepted_at=message.created_at)
    settle = since + dt.timedelta(seconds=transport.settings.reconcile_settle_seconds)
    if now < settle:
        raise TransientProviderError(
            f"ANAF has not listed invoice {invoice_number} yet; uploads appear only once processed.",
            retry_at=settle,
        )
    return None


def _parse_cursor(cursor: str | None) -> tuple[str, int] | None:
    if cursor is None:
        return None
    found = _CURSOR.match(cursor)
    if found is None:
        raise PermanentProviderError(f"Unreadable ANAF inbox cursor {cursor!r}.")
    return found.group(1), int(found.group(2))


async def fetch_incoming(
    transport: AnafTransport, cif: str, cursor: str | None, *, limit: int | None = None
) -> IncomingBatch:
    """The FACTURA PRIMITA messages of ``cif`` after ``cursor``, each downloaded.

    ``cursor`` is ``v1:<data_creare yyyyMMddHHmm>:<message id>`` of the last message handed out
    (None: from ``settings.message_list_days`` ago). Messages are ordered by (``data_creare``,
    id); at most ``limit`` (default ``settings.incoming_batch_size``) per call. Each
    :class:`IncomingMessage` has ``payload`` = the invoice XML from the ZIP and ``archive`` = the
    raw signed ZIP. Any failure raises — a partial batch is never returned, so the cursor never
    moves past an error. With nothing new, ``next_cursor`` is ``cursor`` unchanged.
    """
    after = _parse_cursor(cursor)
    now = transport.now()
    if after is None:
        start = now - dt.timedelta(days=min(transport.settings.message_list_days, 60))
    else:
        start = answers.parse_local(after[0])
    messages = await transport.list_messages(cif, start_ms=_ms(start), end_ms=_ms(now), filtru="P")
    fresh = sorted((m for m in messages if after is None or m.sort_key() > after), key=AnafMessage.sort_key)
    for message in fresh:
        if message.tip != TIP_PRIMITA:
            log.warning("ANAF listed an unexpected tip %r under filtru=P (id %s)", message.tip, message.id)
    fresh = [m for m in fresh if m.tip == TIP_PRIMITA][: limit or transport.settings.incoming_batch_size]
    batch: list[IncomingMessage] = []
    for message in fresh:
        download = await transport.download(message.id)
        batch.append(
            IncomingMessage(
                message_id=message.id,
                kind="invoice_received",
                provider_type=message.tip,
                created_at=message.created_at,
                upload_id=message.upload_id,
                details=message.detalii,
                payload=download.document,
                archive=download.archive,
            )
        )
    if not fresh:
        return IncomingBatch(messages=(), next_cursor=cursor)
    last = fresh[-1]
    return IncomingBatch(messages=tuple(batch), next_cursor=f"v1:{last.data_creare}:{last.id}")
