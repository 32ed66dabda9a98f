"""The simulated ANAF back office: accepting uploads, the processing state machine, mailboxes.

An accepted upload gets a *script* decided at the door: ``ok`` (default), ``nok`` with messages, or
``XML cu erori nepreluat de sistem``; it answers ``in prelucrare`` for ``polls`` stareMesaj calls
(default 2) or until ``processing_seconds`` of simulated time have passed, whichever comes first,
then reveals the outcome (../shared/providers/anaf.md §4, §7.3). Script sources, strongest first:
a control-plane script, the invoice-number markers ``SIM-NOK-`` / ``SIM-XMLERR-`` /
``SIM-SLOW-<n>-``, a root not matching ``standard``, a duplicate of an accepted invoice, the
optional ``state.validator``.

On the outcome: ``ok`` files FACTURA TRIMISA in the uploader's mailbox and FACTURA PRIMITA in the
buyer's; ``nok`` files ERORI FACTURA with a ``mesajEroriFactuta`` report. All times UTC.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from pathlib import Path

from core.errors import UnsafeXmlError
from core.xmlsafe import parse_untrusted
from plugins.anaf.simulator import texts
from plugins.anaf.simulator.documents import DocumentFacts, read_facts
from plugins.anaf.simulator.state import BUCHAREST, Message, SimulatorState, Upload
from plugins.anaf.simulator.zipsig import error_report

__all__ = ["accept_upload", "advance", "poll", "load_inbox", "inject_message", "data_creare"]

_SLOW = re.compile(r"^SIM-SLOW-(\d+)-")


def data_creare(when: dt.datetime) -> str:
    """``yyyyMMddHHmm`` in Romanian local time."""
    return when.astimezone(BUCHAREST).strftime("%Y%m%d%H%M")


def _script_for(state: SimulatorState, facts: DocumentFacts, standard: str, raw: bytes) -> tuple[str, list[str], int]:
    """(outcome, errors, polls) for a new upload; called under ``state.lock``."""
    polls = state.config.default_polls
    number = facts.number or ""
    script = state.take_script(facts.number)
    if script is not None:
        outcome = texts.XML_ERORI if script.outcome in ("xmlerr", texts.XML_ERORI) else script.outcome
        errors = list(script.errors) or (list(texts.DEFAULT_NOK_MESSAGES) if outcome == texts.NOK else [])
        return outcome, errors, script.polls if script.polls is not None else polls
    if slow := _SLOW.match(number):
        polls = int(slow.group(1))
    if number.startswith("SIM-NOK-"):
        return texts.NOK, list(texts.DEFAULT_NOK_MESSAGES), polls
    if number.startswith("SIM-XMLERR-"):
        return texts.XML_ERORI, [], polls
    if facts.standard != standard:
        return texts.NOK, [texts.schema_mismatch(standard, facts.root)], polls
    if standard != "RASP" and facts.number and facts.issue_date:
        seller = facts.seller_cif
        for earlier in state.uploads.values():
            if (
                earlier.outcome == texts.OK
                and earlier.standard != "RASP"
                and (earlier.seller_cif, earlier.number, earlier.issue_date) == (seller, facts.number, facts.issue_date)
            ):
                return texts.NOK, [texts.duplicate(earlier.index, data_creare(earlier.created_at))], polls
    if standard == "RASP" and not (
        facts.rasp_index and facts.rasp_index.isdigit() and int(facts.rasp_index) in state.uploads
    ):
        return texts.NOK, [texts.stare_unknown(facts.rasp_index or "")], polls
    if state.validator is not None:
        messages = list(state.validator(raw))
        if messages:
            return texts.NOK, messages, polls
    return texts.OK, [], polls


def accept_upload(
    state: SimulatorState, *, env: str, standard: str, cif: str, raw: bytes, facts: DocumentFacts, autofactura: bool
) -> Upload:
    """Record an upload that passed the door checks and give it its script."""
    with state.lock:
        outcome, errors, polls = _script_for(state, facts, standard, raw)
        now = state.clock.now()
        upload = Upload(
            index=state.next_upload_id(),
            env=env,
            standard=standard,
            cif=cif,
            raw=raw,
            created_at=now,
            ready_at=now + dt.timedelta(seconds=state.config.processing_seconds * max(polls, 1)),
            polls_left=polls,
            outcome=outcome,
            errors=errors,
            number=facts.number,
            issue_date=facts.issue_date,
            seller_cif=facts.seller_cif,
            buyer_cif=facts.buyer_cif,
            rasp_index=facts.rasp_index,
            autofactura=autofactura,
        )
        state.uploads[upload.index] = upload
        return upload


def _add_message(state: SimulatorState, **fields: object) -> Message:
    message = Message(id=state.next_download_id(), **fields)  # type: ignore[arg-type]
    state.messages[message.id] = message
    return message


def _finish(state: SimulatorState, upload: Upload, when: dt.datetime) -> None:
    """Reveal ``upload``'s outcome at ``when`` and file its mailbox messages."""
    upload.stare = upload.outcome
    if upload.outcome == texts.XML_ERORI:
        return
    emitent = upload.seller_cif or upload.cif
    if upload.outcome == texts.NOK:
        report = error_report(upload.index, emitent, upload.errors)
        message = _add_message(
            state,
            cif=upload.cif,
            env=upload.env,
            tip=texts.TIP_ERORI,
            id_solicitare=upload.index,
            detalii=texts.detalii_erori(upload.index),
            created_at=when,
            content=report,
        )
        upload.download_id = message.id
        return
    if upload.standard == "RASP":
        target = state.uploads[int(upload.rasp_index or 0)]
        detalii = texts.detalii_mesaj(target.index, upload.cif)
        message = _add_message(
            state,
            cif=upload.cif,
            env=upload.env,
            tip=texts.TIP_MESAJ_TRANSMIS,
            id_solicitare=upload.index,
            detalii=detalii,
            created_at=when,
            content=upload.raw,
        )
        _add_message(
            state,
            cif=target.seller_cif or target.cif,
            env=upload.env,
            tip=texts.TIP_MESAJ_PRIMIT,
            id_solicitare=upload.index,
            detalii=detalii,
            created_at=when,
            content=upload.raw,
        )
        upload.download_id = message.id
        return
    beneficiar = upload.buyer_cif or "0"
    detalii = texts.detalii_factura(upload.index, emitent, beneficiar, autofactura=upload.autofactura)
    message = _add_message(
        state,
        cif=upload.cif,
        env=upload.env,
        tip=texts.TIP_TRIMISA,
        id_solicitare=upload.index,
        detalii=detalii,
        created_at=when,
        content=upload.raw,
    )
    upload.download_id = message.id
    # Unlike ANAF's test environment, deliver in both envs so simulated companies can trade.
    if upload.buyer_cif and upload.buyer_cif.isdigit() and upload.buyer_cif != upload.cif:
        _add_message(
            state,
            cif=upload.buyer_cif,
            env=upload.env,
            tip=texts.TIP_PRIMITA,
            id_solicitare=upload.index,
            detalii=detalii,
            created_at=when,
            content=upload.raw,
        )


def advance(state: SimulatorState) -> None:
    """Process every upload whose ``ready_at`` has passed (lazily, at each REST call)."""
    with state.lock:
        now = state.clock.now()
        for upload in sorted(state.uploads.values(), key=lambda u: u.index):
            if upload.stare == texts.IN_PRELUCRARE and upload.ready_at <= now:
                _finish(state, upload, upload.ready_at)


def poll(state: SimulatorState, upload: Upload) -> None:
    """One stareMesaj call: consume a poll of ``in prelucrare`` or reveal the outcome."""
    with state.lock:
        if upload.stare != texts.IN_PRELUCRARE:
            return
        if upload.polls_left > 0:
            upload.polls_left -= 1
            return
        _finish(state, upload, state.clock.now())


def _stable_id(name: str, base: int) -> int:
    """A 10-digit id derived from ``name`` (stable across loads and restarts)."""
    return base + zlib.crc32(name.encode()) % 90_000_000


def inject_message(
    state: SimulatorState,
    *,
    content: bytes,
    cif: str | None,
    tip: str = texts.TIP_PRIMITA,
    created_at: dt.datetime | None = None,
    message_id: int | None = None,
    id_solicitare: int | None = None,
    env: str | None = None,
) -> Message:
    """File one incoming message (FACTURA PRIMITA, MESAJ CUMPARATOR PRIMIT, ...) directly."""
    with state.lock:
        index = id_solicitare or state.next_upload_id()
        try:
            facts = read_facts(parse_untrusted(content))
        except UnsafeXmlError:
            facts = DocumentFacts(root="", standard=None)
        if tip.startswith("MESAJ CUMPARATOR"):
            detalii = texts.detalii_mesaj(int(facts.rasp_index or index), facts.seller_cif or "0")
        else:
            detalii = texts.detalii_factura(index, facts.seller_cif or "0", cif or facts.buyer_cif or "0")
        message = Message(
            id=message_id or state.next_download_id(),
            cif=cif,
            env=env,
            tip=tip,
            id_solicitare=index,
            detalii=detalii,
            created_at=created_at or state.clock.now(),
            content=content,
        )
        state.messages[message.id] = message
        return message


def load_inbox(state: SimulatorState, directory: Path, *, cif: str | None, spread_days: float) -> list[int]:
    """See :meth:`SimulatorState.load_inbox`."""
    files = sorted(directory.glob("*.xml"))
    ids: list[int] = []
    with state.lock:
        now = state.clock.now()
        for position, path in enumerate(files):
            message_id = _stable_id(path.name, 3_900_000_000)
            ids.append(message_id)
            if message_id in state.messages:
                continue
            age = dt.timedelta(days=spread_days) * (len(files) - position) / (len(files) + 1)
            inject_message(
                state,
                content=path.read_bytes(),
                cif=cif,
                created_at=now - age,
                message_id=message_id,
                id_solicitare=_stable_id(path.name, 5_900_000_000),
            )
    return ids
