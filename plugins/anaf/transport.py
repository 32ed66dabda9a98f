"""Async client of ANAF RO e-Factura (OAuth bearer REST under ``/{test|prod}/FCTEL/rest/``).

Source: ANAF's OpenAPI descriptions (upload, lista, descarcare) as summarised in
../shared/providers/anaf.md. One :class:`AnafTransport` serves one company (one
:class:`CredentialStore`); it never retries an upload itself — after a lost answer it raises
:class:`ProviderTimeout` and :meth:`AnafTransport.reconcile` looks the document up in ANAF's message
list before anyone resends (an upload is not idempotent at ANAF).

Errors: :class:`TransientProviderError` (network before sending, 5xx, 429, empty 204, daily quota
— ``retry_at`` UTC), :class:`PermanentProviderError` (door refusal, rights, WAF page, bad
parameter), :class:`ProviderTimeout` (upload sent, answer lost), :class:`AuthorizationRequired`
(no/unrefreshable credentials). Times handed out are UTC; ANAF's own are Romanian local time.

How the provider hooks map onto it (``AnafTransport.from_context(submission.context)``):
``storno_submit`` → :meth:`~AnafTransport.upload` (``standard="CN"`` for a credit note, else
``UBL``/``CII`` by dialect); ``storno_poll`` → :meth:`~AnafTransport.poll` (``attempt`` = polls so
far); ``storno_reconcile`` → :meth:`~AnafTransport.reconcile` (``since`` = when the lost attempt
started); ``storno_fetch_incoming`` → :meth:`~AnafTransport.fetch_incoming`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx

from core.errors import (
    AuthorizationRequired,
    PermanentProviderError,
    ProviderError,
    ProviderTimeout,
    TransientProviderError,
    UnsafeXmlError,
)
from core.views import Credentials, CredentialStore, IncomingBatch, ProviderContext, StatusReport, SubmitReceipt
from core.xmlsafe import parse_untrusted
from plugins.anaf import answers
from plugins.anaf.answers import AnafMessage, Download, numeric_cif
from plugins.anaf.mailbox import fetch_incoming, reconcile
from plugins.anaf.oauth import AnafOAuth, TokenKeeper
from plugins.anaf.quota import LocalQuota
from plugins.anaf.settings import AnafSettings

__all__ = ["AnafTransport", "STANDARD_BY_ROOT", "numeric_cif"]

#: Root element → ANAF ``standard`` (a CreditNote must go as ``CN``).
STANDARD_BY_ROOT = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "UBL",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "CN",
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice": "CII",
    "{mfp:anaf:dgti:spv:reqMesaj:v1}header": "RASP",
}
_STATES = {
    "in prelucrare": "pending",
    "ok": "accepted",
    "nok": "rejected",
    "XML cu erori nepreluat de sistem": "rejected",
}
_DAY_MS = 86_400_000
_WINDOW_SAFETY_MS = 10 * 60 * 1000  # keep startTime clear of ANAF's 60-day limit


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class AnafTransport:
    """Client of the ANAF e-Factura API for one company.

    ``credentials``: the company's :class:`CredentialStore` (needed for every REST call);
    ``quota``: local daily counters (a fresh in-process :class:`LocalQuota` by default — pass a
    shared one to count across transports); ``http``: an ``httpx.AsyncClient`` to reuse;
    ``now``: aware-UTC clock (token expiry, quota days, list windows).

    Raises :class:`PermanentProviderError` when ``settings`` ask for the production environment
    under a development licence (``settings.licence``).
    """

    def __init__(
        self,
        settings: AnafSettings,
        credentials: CredentialStore | None = None,
        *,
        quota: LocalQuota | None = None,
        http: httpx.AsyncClient | None = None,
        now: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        if settings.licence == "development" and settings.environment == "prod":
            raise PermanentProviderError(
                "A development licence allows only ANAF's test environment or the simulator; "
                "set STORNO_ANAF_ENVIRONMENT=test or install a production licence."
            )
        self.settings = settings
        self.now = now
        self.quota = quota or LocalQuota(zone=settings.quota_timezone, now=now)
        self._own_http = http is None
        self.http = http or httpx.AsyncClient()
        self.oauth = AnafOAuth(settings, self.http, now=now)
        self.tokens = TokenKeeper(self.oauth, credentials)

    @classmethod
    def from_context(cls, context: ProviderContext, **kwargs: Any) -> AnafTransport:
        """Build from the core's :class:`ProviderContext` (settings section + credential store)."""
        return cls(AnafSettings.from_mapping(context.settings), context.credentials, **kwargs)

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def __aenter__(self) -> AnafTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- OAuth (ANAF OAuth2 authorization-code grant) -----------------------------------------

    def authorize_url(self, state: str) -> str:
        """ANAF's consent page URL; see :meth:`AnafOAuth.authorize_url`."""
        return self.oauth.authorize_url(state)

    async def exchange_code(self, code: str) -> Credentials:
        """Tokens for an authorize ``code``; saved to the store when one is attached."""
        credentials = await self.oauth.exchange_code(code)
        if self.tokens.store is not None:
            await self.tokens.store.save(credentials)
        return credentials

    async def refresh(self, credentials: Credentials) -> Credentials:
        """Refresh now (serialised per store) and persist the rotated refresh token."""
        if self.tokens.store is None:
            return await self.oauth.refresh(credentials)
        return await self.tokens.refresh(stale=credentials.access_token)

    async def revoke(self, token: str) -> None:
        await self.oauth.revoke(token)

    # --- HTTP plumbing ------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        endpoint: str,
        *,
        what: str,
        params: dict[str, str],
        content: bytes | None = None,
        upload: bool = False,
    ) -> httpx.Response:
        """One REST call with the bearer; on 401 refresh once and retry once. Status errors raised."""
        read = self.settings.upload_read_timeout if upload else self.settings.read_timeout
        timeout = httpx.Timeout(read, connect=self.settings.connect_timeout, pool=self.settings.connect_timeout)
        url = f"{self.settings.rest_base_url}/{endpoint}"
        headers = {"Content-Type": "text/plain"} if content is not None else {}
        token = await self.tokens.access_token()
        for attempt in (1, 2):
            headers["Authorization"] = f"Bearer {token}"
            try:
                response = await self.http.request(
                    method, url, params=params, content=content, headers=headers, timeout=timeout
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                raise TransientProviderError(f"ANAF {what}: cannot connect, nothing was sent ({exc!r})") from None
            except httpx.TransportError as exc:
                if upload:
                    raise ProviderTimeout(
                        f"ANAF {what}: the request was sent but no answer came back ({type(exc).__name__}); "
                        "the upload may have been accepted — reconcile before resending."
                    ) from None
                raise TransientProviderError(f"ANAF {what}: connection failed ({exc!r})") from None
            if response.status_code == 401 and attempt == 1:
                token = await self.tokens.after_unauthorized(token)
                continue
            self._check_status(response, what=what, upload=upload)
            return response
        raise AssertionError("unreachable")

    def _check_status(self, response: httpx.Response, *, what: str, upload: bool) -> None:
        status, now = response.status_code, self.now()
        if status == 200:
            return
        retry_at = answers.retry_at_from_header(response.headers.get("Retry-After"), now)
        if status == 401:
            raise AuthorizationRequired(f"ANAF {what}: the access token is refused even after a refresh; re-authorise.")
        if status == 504 and upload:
            raise ProviderTimeout(f"ANAF {what}: gateway timeout after sending; reconcile before resending.")
        if status in (204, 429) or status >= 500:
            if status == 204 and retry_at is None:
                retry_at = now + dt.timedelta(seconds=60)  # ANAF's per-minute limit, as Odoo reads a 204
            texts = tuple(answers.error_texts_of_json(response.content)) if response.content else ()
            raise TransientProviderError(f"ANAF {what}: HTTP {status}, retry later", retry_at=retry_at, messages=texts)
        if answers.sniff(response.content) == "html":
            raise PermanentProviderError(f"ANAF {what}: HTTP {status} page from ANAF's firewall or a wrong path")
        texts = tuple(answers.error_texts_of_json(response.content)) or (f"HTTP {status}",)
        raise PermanentProviderError(f"ANAF {what}: HTTP {status}: {texts[0]}", messages=texts)

    def _remember_quota(self, exc: ProviderError, kind: str, key: str) -> None:
        if isinstance(exc, TransientProviderError) and answers.is_quota_text(exc.messages):
            self.quota.exhaust(kind, key)

    # --- ANAF upload API --------------------------------------------------------------------

    async def upload(
        self, xml: bytes, *, cif: str, standard: str | None = None, extern: bool = False, autofactura: bool = False
    ) -> SubmitReceipt:
        """``POST /upload``: queue ``xml`` for processing; the receipt's ``external_id`` is ANAF's
        ``index_incarcare`` (store it before anything else).

        ``standard``: ``UBL`` (Invoice), ``CN`` (CreditNote), ``CII``, ``RASP``; None reads it from
        the root element. ``cif`` may carry ``RO`` (stripped). ``extern``: buyer not Romanian;
        ``autofactura``: self-billing. ``ExecutionStatus=1`` → the ``Errors`` texts as
        :class:`PermanentProviderError` (transient for quota/technical texts).
        """
        if standard is None:
            try:
                standard = STANDARD_BY_ROOT.get(parse_untrusted(xml).tag)
            except UnsafeXmlError as exc:
                raise PermanentProviderError(
                    f"ANAF upload: the document is not acceptable XML ({exc.message})."
                ) from None
        if standard not in ("UBL", "CN", "CII", "RASP"):
            raise PermanentProviderError(f"ANAF upload: no ANAF standard for this document ({standard!r}).")
        params = {"standard": standard, "cif": numeric_cif(cif)}
        if extern:
            params["extern"] = "DA"
        if autofactura:
            params["autofactura"] = "DA"
        response = await self._call("POST", "upload", what="upload", params=params, content=xml, upload=True)
        index, accepted_at = answers.parse_upload(response.content, now=self.now(), zone=self.settings.quota_timezone)
        return SubmitReceipt(external_id=index, accepted_at=accepted_at, raw=response.content)

    # --- ANAF stareMesaj --------------------------------------------------------------------

    async def stare_mesaj(self, upload_id: str, *, attempt: int = 0) -> StatusReport:
        """``GET /stareMesaj``: ``in prelucrare`` → pending (``next_poll_after`` from the back-off
        schedule for poll ``attempt``); ``ok`` → accepted; ``nok`` and ``XML cu erori nepreluat de
        sistem`` → rejected (terminal). ``download_id`` is ``id_descarcare`` when present.

        Counts 100/day/id locally; an ``Errors`` child raises (quota texts: transient until
        Romanian midnight).
        """
        self.quota.take("stareMesaj", upload_id)
        try:
            response = await self._call("GET", "stareMesaj", what="stareMesaj", params={"id_incarcare": upload_id})
            stare, download_id = answers.parse_stare(
                response.content, now=self.now(), zone=self.settings.quota_timezone
            )
        except ProviderError as exc:
            self._remember_quota(exc, "stareMesaj", upload_id)
            raise
        state = _STATES.get(stare)
        if state is None:
            raise PermanentProviderError(f"ANAF stareMesaj: unknown stare {stare!r} for id_incarcare={upload_id}")
        if state == "pending":
            return StatusReport(
                state="pending", provider_state=stare, next_poll_after=self.settings.poll_delay(attempt)
            )
        messages = (stare,) if download_id is None and state == "rejected" else ()
        return StatusReport(state=state, provider_state=stare, messages=messages, download_id=download_id)  # type: ignore[arg-type]

    async def poll(self, upload_id: str, *, attempt: int = 0) -> StatusReport:
        """:meth:`stare_mesaj`, plus for ``ok``/``nok`` the signed ZIP (``documents``: the raw
        ``<id_descarcare>.zip`` and its two entries) and, for ``nok``, the ``Error`` texts as
        ``messages``. A failed download is transient: the poll is simply repeated later."""
        report = await self.stare_mesaj(upload_id, attempt=attempt)
        if report.download_id is None:
            return report
        try:
            download = await self.download(report.download_id)
        except ProviderError as exc:
            raise TransientProviderError(
                f"ANAF {report.provider_state} for id_incarcare={upload_id}, but its ZIP could not be fetched: {exc.message}",
                retry_at=getattr(exc, "retry_at", None),
                messages=exc.messages,
            ) from exc
        documents = {f"{report.download_id}.zip": download.archive, **download.files}
        messages = (download.error_messages() or ()) if report.state == "rejected" else ()
        return StatusReport(
            state=report.state,
            provider_state=report.provider_state,
            messages=messages,
            download_id=report.download_id,
            documents=documents,
        )

    # --- ANAF listaMesajeFactura / listaMesajePaginatieFactura --------------------------------

    async def list_messages(
        self,
        cif: str,
        *,
        days: int | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        page: int | None = None,
        filtru: str | None = None,
    ) -> tuple[AnafMessage, ...]:
        """Messages of ``cif``'s mailbox; ``filtru`` ``E``/``T``/``P``/``R``.

        With ``days`` (default ``message_list_days``, capped to 60): the simple list, switching to
        the paginated endpoint when ANAF says there are more than 500. With a window
        (``start_ms``/``end_ms``, Unix epoch milliseconds, clamped to the last 60 days): every page,
        or only ``page`` (1-based). "Nu exista mesaje" is an empty tuple.
        """
        cif = numeric_cif(cif)
        if start_ms is None and end_ms is None and page is None:
            days = min(max(days or self.settings.message_list_days, 1), 60)
            params = {"zile": str(days), "cif": cif} | ({"filtru": filtru} if filtru else {})
            try:
                return (await self._list("listaMesajeFactura", params)).messages
            except answers.TooManyMessages:
                now_ms = int(self.now().timestamp() * 1000)
                start_ms, end_ms = now_ms - days * _DAY_MS, now_ms
        start_ms, end_ms = self._window(start_ms, end_ms)
        if end_ms <= start_ms:
            return ()
        base = {"startTime": str(start_ms), "endTime": str(end_ms), "cif": cif} | ({"filtru": filtru} if filtru else {})
        if page is not None:
            return (await self._list("listaMesajePaginatieFactura", base | {"pagina": str(page)})).messages
        found: list[AnafMessage] = []
        current, pages = 1, 1
        while current <= pages:
            result = await self._list("listaMesajePaginatieFactura", base | {"pagina": str(current)})
            found.extend(result.messages)
            pages, current = result.pages, current + 1
        return tuple(found)

    def _window(self, start_ms: int | None, end_ms: int | None) -> tuple[int, int]:
        now_ms = int(self.now().timestamp() * 1000)
        oldest = now_ms - 60 * _DAY_MS + _WINDOW_SAFETY_MS
        start = max(start_ms if start_ms is not None else oldest, oldest)
        return start, min(end_ms if end_ms is not None else now_ms, now_ms)

    async def _list(self, endpoint: str, params: dict[str, str]) -> answers.ListPage:
        response = await self._call("GET", endpoint, what=endpoint, params=params)
        return answers.parse_list(response.content, now=self.now(), zone=self.settings.quota_timezone)

    # --- ANAF descarcare ----------------------------------------------------------------------

    async def download(self, download_id: str) -> Download:
        """``GET /descarcare``: the signed ZIP, checked by magic and by its two entry names.

        Returns ``(zip_bytes, {name: bytes})`` (a :class:`Download`). Counts 10/day/id locally.
        JSON/plain/HTML bodies raise the classified error; see :func:`answers.parse_download`.
        """
        self.quota.take("descarcare", download_id)
        try:
            response = await self._call("GET", "descarcare", what="descarcare", params={"id": download_id})
            return answers.parse_download(response.content, now=self.now(), zone=self.settings.quota_timezone)
        except ProviderError as exc:
            self._remember_quota(exc, "descarcare", download_id)
            raise

    # --- reconciliation and inbox (plugins.anaf.mailbox) ----------------------------------------

    async def reconcile(
        self,
        cif: str,
        invoice_number: str,
        issue_date: dt.date,
        since: dt.datetime,
        *,
        exclude_upload_ids: frozenset[str] = frozenset(),
    ) -> SubmitReceipt | None:
        """Find an earlier upload of this document; see :func:`plugins.anaf.mailbox.reconcile`."""
        return await reconcile(self, cif, invoice_number, issue_date, since, exclude_upload_ids=exclude_upload_ids)

    async def fetch_incoming(self, cif: str, cursor: str | None, *, limit: int | None = None) -> IncomingBatch:
        """FACTURA PRIMITA after ``cursor``; see :func:`plugins.anaf.mailbox.fetch_incoming`."""
        return await fetch_incoming(self, cif, cursor, limit=limit)
