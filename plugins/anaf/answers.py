"""Reading ANAF e-Factura answers: the ``respUploadFisier`` and ``stareMesajFactura`` XML, the
message-list JSON, the download ZIP and its ``mesajEroriFactuta`` report, and the Romanian
business-error texts (../shared/providers/anaf.md §3, §6).

ANAF reports most failures inside HTTP 200 bodies, and a WAF may answer HTML with any status, so
every body is sniffed by its bytes (``PK\\x03\\x04``, ``{``, ``<html``), never by headers. Texts
are classified by the regexes of §6 into the core's provider errors. All XML goes through
:func:`core.xmlsafe.parse_untrusted`. Times: ANAF's ``yyyyMMddHHmm`` is Romanian local time;
everything returned here is UTC.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import NamedTuple
from zoneinfo import ZoneInfo

import msgspec

from core.errors import PermanentProviderError, ProviderError, TransientProviderError, UnsafeXmlError
from core.xmlsafe import parse_untrusted
from plugins.anaf.quota import next_local_midnight

__all__ = [
    "AnafMessage",
    "Download",
    "NS_ERORI",
    "NS_STARE",
    "NS_UPLOAD",
    "TooManyMessages",
    "classify",
    "numeric_cif",
    "document_key",
    "error_texts_of_json",
    "parse_download",
    "parse_list",
    "parse_local",
    "parse_stare",
    "parse_upload",
    "retry_at_from_header",
    "sniff",
]

NS_UPLOAD = "mfp:anaf:dgti:spv:respUploadFisier:v1"
NS_STARE = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
NS_ERORI = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"
BUCHAREST = "Europe/Bucharest"

_QUOTA = re.compile(r"S-au (facut|incarcat) deja", re.I)
_NO_MESSAGES = re.compile(r"Nu exista mesaje", re.I)
_TOO_MANY = re.compile(r"mai mare decat numarul de 500", re.I)
_TECHNICAL = re.compile(r"eroare tehnica|nu poate (fi )?in viitor", re.I)
_RIGHTS = re.compile(r"drept in SPV|niciun CIF|dreptul de inteorgare|dreptul sa descarcati", re.I)
_DETAIL_INDEX = re.compile(r"id_incarcare=(\d+)")
_DETAIL_EMITENT = re.compile(r"cif_emitent=(\w+)")
_DETAIL_BENEFICIAR = re.compile(r"cif_beneficiar=(\w+)")


def numeric_cif(cif: str) -> str:
    """``RO 12345678`` → ``12345678``; ANAF's ``cif`` parameter takes digits only.

    Raises :class:`PermanentProviderError` when what remains is not a number.
    """
    text = "".join(cif.split())
    if text[:2].upper() == "RO":
        text = text[2:]
    if not text.isdigit():
        raise PermanentProviderError(f"CIF {cif!r} is not numeric once the RO prefix is removed.")
    return text


class TooManyMessages(Exception):
    """The simple list refused: more than 500 messages — use the paginated endpoint."""


def classify(texts: Sequence[str], *, what: str, now: dt.datetime, zone: str = BUCHAREST) -> ProviderError:
    """The provider error for ANAF's business-error ``texts`` answering ``what``.

    Quota texts (*S-au facut/incarcat deja*) → :class:`TransientProviderError` with ``retry_at``
    at the next Romanian midnight (UTC); *eroare tehnica* / clock-skew texts → transient without
    a date; everything else (rights, bad parameter, unknown id) → :class:`PermanentProviderError`.
    """
    texts = tuple(t for t in texts if t) or (f"{what}: unexplained refusal",)
    joined = "; ".join(texts)
    if any(_QUOTA.search(t) for t in texts):
        return TransientProviderError(
            f"ANAF {what}: daily quota reached until midnight: {joined}",
            retry_at=next_local_midnight(now, zone),
            messages=texts,
        )
    if any(_TECHNICAL.search(t) for t in texts):
        return TransientProviderError(f"ANAF {what}: {joined}", messages=texts)
    kind = "no SPV rights" if any(_RIGHTS.search(t) for t in texts) else "refused"
    return PermanentProviderError(f"ANAF {what} {kind}: {joined}", messages=texts)


def is_quota_text(texts: Sequence[str]) -> bool:
    return any(_QUOTA.search(t) for t in texts)


def sniff(body: bytes) -> str:
    """``zip``, ``pdf``, ``json``, ``html``, ``xml``, ``empty`` or ``text`` — by content."""
    head = body[:512].lstrip()
    if body.startswith(b"PK\x03\x04"):
        return "zip"
    if body.startswith(b"%PDF"):
        return "pdf"
    if not head:
        return "empty"
    if head.startswith((b"{", b"[")):
        return "json"
    lowered = head.lower()
    if lowered.startswith((b"<html", b"<!doctype html")) or b"the requested url was rejected" in body[:2048].lower():
        return "html"
    if head.startswith(b"<"):
        return "xml"
    return "text"


def error_texts_of_json(body: bytes) -> list[str]:
    """Texts of a JSON error body: ``eroare``, Spring ``message``, OAuth ``error_description``."""
    try:
        data = json.loads(body)
    except ValueError:
        return [body.decode("utf-8", "replace").strip()]
    if not isinstance(data, dict):
        return [str(data)]
    for key in ("eroare", "message", "error_description", "error"):
        if data.get(key):
            return [str(data[key])]
    return [json.dumps(data, ensure_ascii=False)]


def unexpected_body(body: bytes, *, what: str, now: dt.datetime, zone: str = BUCHAREST) -> ProviderError:
    """The error for a body that is not the expected kind: WAF page, JSON/plain error text."""
    kind = sniff(body)
    if kind == "html":
        return PermanentProviderError(f"ANAF {what}: rejected by ANAF's web application firewall (HTML page)")
    if kind == "json":
        return classify(error_texts_of_json(body), what=what, now=now, zone=zone)
    if kind in ("text", "empty"):
        text = body.decode("utf-8", "replace").strip()
        return classify([text or "empty answer"], what=what, now=now, zone=zone)
    return PermanentProviderError(f"ANAF {what}: unexpected {kind} answer")


def parse_local(value: str, zone: str = BUCHAREST) -> dt.datetime:
    """ANAF ``yyyyMMddHHmm`` (Romanian local time) → aware UTC datetime."""
    local = dt.datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(dt.timezone.utc)


def retry_at_from_header(value: str | None, now: dt.datetime) -> dt.datetime | None:
    """``Retry-After`` (delta seconds or HTTP date) → aware UTC datetime."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + dt.timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _xml(body: bytes, *, what: str, now: dt.datetime, zone: str):  # type: ignore[no-untyped-def]
    if sniff(body) != "xml":
        raise unexpected_body(body, what=what, now=now, zone=zone)
    try:
        return parse_untrusted(body)
    except UnsafeXmlError as exc:
        raise PermanentProviderError(f"ANAF {what}: unreadable XML answer ({exc.message})") from None


def parse_upload(body: bytes, *, now: dt.datetime, zone: str = BUCHAREST) -> tuple[str, dt.datetime]:
    """``respUploadFisier`` → (``index_incarcare``, accepted_at UTC).

    ``ExecutionStatus=1`` → the ``Errors@errorMessage`` texts, classified (:func:`classify`).
    """
    root = _xml(body, what="upload", now=now, zone=zone)
    if root.tag != f"{{{NS_UPLOAD}}}header":
        raise PermanentProviderError(f"ANAF upload: unexpected answer root {root.tag}")
    errors = [e.get("errorMessage", "") for e in root.iter("{*}Errors")]
    index = root.get("index_incarcare")
    if root.get("ExecutionStatus") == "0" and index and not errors:
        try:
            accepted = parse_local(root.get("dateResponse", ""), zone)
        except ValueError:
            accepted = now
        return index, accepted
    raise classify(errors or [f"ExecutionStatus={root.get('ExecutionStatus')}"], what="upload", now=now, zone=zone)


def parse_stare(body: bytes, *, now: dt.datetime, zone: str = BUCHAREST) -> tuple[str, str | None]:
    """``stareMesajFactura`` → (``stare``, ``id_descarcare`` or None).

    An ``Errors`` child (or no ``stare``) is an error, never "pending" (:func:`classify`).
    """
    root = _xml(body, what="stareMesaj", now=now, zone=zone)
    errors = [e.get("errorMessage", "") for e in root.iter("{*}Errors")]
    stare = root.get("stare")
    if errors or not stare:
        raise classify(errors or ["stareMesaj answered without a stare"], what="stareMesaj", now=now, zone=zone)
    return stare, root.get("id_descarcare")


class AnafMessage(msgspec.Struct, frozen=True):
    """One entry of ANAF's message list. ``id`` is the download id; ``id_solicitare`` the upload
    id (``index_incarcare``); ``data_creare`` ``yyyyMMddHHmm`` local; ``cif`` the mailbox."""

    id: str
    tip: str
    data_creare: str
    cif: str = ""
    id_solicitare: str | None = None
    detalii: str = ""

    @property
    def created_at(self) -> dt.datetime:
        """``data_creare`` as UTC."""
        return parse_local(self.data_creare)

    @property
    def emitent(self) -> str | None:
        """``cif_emitent`` from ``detalii`` (None when absent)."""
        found = _DETAIL_EMITENT.search(self.detalii)
        return found.group(1) if found else None

    @property
    def beneficiar(self) -> str | None:
        found = _DETAIL_BENEFICIAR.search(self.detalii)
        return found.group(1) if found else None

    @property
    def upload_id(self) -> str | None:
        """``id_solicitare``, or the ``id_incarcare=`` of ``detalii`` when the field is missing."""
        if self.id_solicitare:
            return self.id_solicitare
        found = _DETAIL_INDEX.search(self.detalii)
        return found.group(1) if found else None

    def sort_key(self) -> tuple[str, int]:
        return (self.data_creare, int(self.id) if self.id.isdigit() else 0)


class ListPage(NamedTuple):
    messages: tuple[AnafMessage, ...]
    pages: int


def parse_list(body: bytes, *, now: dt.datetime, zone: str = BUCHAREST) -> ListPage:
    """A list answer → its messages and page count. "Nu exista mesaje" → empty;
    the >500 refusal → :class:`TooManyMessages`; other ``eroare`` texts → :func:`classify`."""
    if sniff(body) != "json":
        raise unexpected_body(body, what="listaMesaje", now=now, zone=zone)
    try:
        data = json.loads(body)
    except ValueError:
        raise PermanentProviderError("ANAF listaMesaje: unreadable JSON answer") from None
    if not isinstance(data, dict):
        raise PermanentProviderError("ANAF listaMesaje: unexpected JSON answer")
    if data.get("eroare"):
        text = str(data["eroare"])
        if _NO_MESSAGES.search(text):
            return ListPage((), 0)
        if _TOO_MANY.search(text):
            raise TooManyMessages(text)
        raise classify([text], what="listaMesaje", now=now, zone=zone)
    messages = []
    for item in data.get("mesaje") or []:
        fields = {k: str(v) for k, v in item.items() if v is not None}
        messages.append(
            AnafMessage(
                id=fields.get("id", ""),
                tip=fields.get("tip", ""),
                data_creare=fields.get("data_creare", ""),
                cif=fields.get("cif", ""),
                id_solicitare=fields.get("id_solicitare"),
                detalii=fields.get("detalii", ""),
            )
        )
    return ListPage(tuple(messages), int(data.get("numar_total_pagini") or 1))


class Download(NamedTuple):
    """An ANAF download: the raw ZIP (archive it: the signed ZIP is the legal original) and its
    two entries by name (``<id_incarcare>.xml``, ``semnatura_<id_incarcare>.xml``)."""

    archive: bytes
    files: dict[str, bytes]

    @property
    def upload_id(self) -> str:
        return next(name[:-4] for name in self.files if not name.startswith("semnatura_"))

    @property
    def document(self) -> bytes:
        """The invoice as uploaded (T/P) or the ``mesajEroriFactuta`` report (E)."""
        return self.files[f"{self.upload_id}.xml"]

    @property
    def signature(self) -> bytes:
        return self.files[f"semnatura_{self.upload_id}.xml"]

    def error_messages(self) -> tuple[str, ...] | None:
        """``Error@errorMessage`` texts when the document is an error report, else None."""
        root = parse_untrusted(self.document)
        if root.tag != f"{{{NS_ERORI}}}header":
            return None
        return tuple(e.get("errorMessage", "") for e in root.iter("{*}Error"))


def parse_download(body: bytes, *, now: dt.datetime, zone: str = BUCHAREST) -> Download:
    """A ``descarcare`` body → :class:`Download`.

    Not a ZIP by magic → the JSON/plain/HTML error it is (:func:`unexpected_body`); a corrupt
    ZIP → transient (a truncated transfer); entries other than exactly ``X.xml`` +
    ``semnatura_X.xml`` → permanent.
    """
    if sniff(body) != "zip":
        raise unexpected_body(body, what="descarcare", now=now, zone=zone)
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            files = {info.filename: archive.read(info) for info in archive.infolist()}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise TransientProviderError(f"ANAF descarcare: corrupt ZIP ({exc})") from None
    names = sorted(files)
    documents = [n for n in names if n.endswith(".xml") and not n.startswith("semnatura_")]
    if len(names) != 2 or len(documents) != 1 or f"semnatura_{documents[0]}" not in files:
        raise PermanentProviderError(f"ANAF descarcare: unexpected ZIP entries {names}")
    return Download(body, files)


_UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def document_key(xml: bytes) -> tuple[str | None, dt.date | None]:
    """(invoice number BT-1, issue date BT-2) of a UBL Invoice/CreditNote or CII invoice."""
    root = parse_untrusted(xml)
    number = root.findtext("cbc:ID", namespaces=_UBL)
    issued = root.findtext("cbc:IssueDate", namespaces=_UBL)
    fmt = "%Y-%m-%d"
    if number is None:
        number = root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=_CII)
        issued = root.findtext("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", namespaces=_CII)
        fmt = "%Y%m%d"
    try:
        date = dt.datetime.strptime(issued.strip(), fmt).date() if issued else None
    except ValueError:
        date = None
    return (number.strip() if number else None), date
