"""Client of ANAF's public VAT registry, web service "ANAF PlatitorTvaRest v9" (no authentication).

ANAF publishes, for every Romanian CUI/CIF, its general data, VAT registration, VAT-on-collection,
inactivity and split-VAT status, and the registered-office and fiscal-domicile addresses::

    POST {registry_base_url}/api/PlatitorTvaRest/v9/tva
    Content-Type: application/json
    [{"cui": 18547290, "data": "2025-03-14"}, ...]          # at most 100 items per call

    200 {"cod": 200, "message": "SUCCESS",
         "found": [{"date_generale": {"cui": 18547290, "data": "2025-03-14", "denumire": ...,
                                      "adresa": ..., "nrRegCom": ..., "telefon": ...,
                                      "codPostal": ..., "stare_inregistrare": ..., ...},
                    "inregistrare_scop_Tva": {"scpTVA": true, "perioade_TVA": [...]},
                    "adresa_sediu_social": {"sdenumire_Strada": "Str. X", "snumar_Strada": "5",
                                            "sdenumire_Localitate": "Sector 1 Mun. Bucureşti",
                                            "sdenumire_Judet": "MUNICIPIUL BUCUREŞTI",
                                            "scod_JudetAuto": "B", "scod_Postal": "010094",
                                            "stara": "", "sdetalii_Adresa": "", ...},
                    ...}],
         "notFound": [123456]}

``data`` is the day the registry is asked about (calendar date, Europe/Bucharest — ANAF's own
day); the client always asks about today. :func:`record_from_anaf` maps one ``found`` item to
the core's :class:`core.views.CompanyRecord`.

Errors: a CIF that is not a number (after dropping a leading ``RO`` and spaces) raises
``ValueError``; a registry that cannot be reached, times out, answers an HTTP error status, or
answers something that is not the JSON above (ANAF's firewall answers HTML with 200) raises
:class:`core.errors.TransientProviderError` — the core turns that into a 503.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from core.errors import TransientProviderError
from core.views import CompanyRecord
from plugins.anaf.settings import AnafSettings

__all__ = ["MAX_BATCH", "REGISTRY_PATH", "RegistryClient", "normalise_cui", "record_from_anaf", "registry_day"]

#: Path of the synchronous service under ``AnafSettings.registry_base_url``.
REGISTRY_PATH = "/api/PlatitorTvaRest/v9/tva"
#: ANAF answers at most this many CUIs per request.
MAX_BATCH = 100

_BUCHAREST = ZoneInfo("Europe/Bucharest")
_SPACES = re.compile(r"\s+")
_SECTOR = re.compile(r"\bsector(?:ul)?\s*([1-6])\b", re.IGNORECASE)
# Locality prefixes that name the kind of town, not the town ("Mun. Cluj-Napoca" -> "Cluj-Napoca").
_TOWN_KIND = re.compile(r"^(?:mun\.|municipiul|or\.|oraş|oraș|oras)\s+", re.IGNORECASE)
# Street names the registry already writes with their kind ("Bd. Eroilor", "Calea Victoriei").
_STREET_KIND = re.compile(
    r"^(?:str\.|strada|bd\.|b-dul|bulevardul|calea|şos\.|șos\.|sos\.|şoseaua|șoseaua|soseaua|aleea|al\.|"
    r"piaţa|piața|piata|p-ţa|p-ța|splaiul|intr\.|intrarea|drumul|fundătura|fundatura|prelungirea|prel\.)(?:\s|$)",
    re.IGNORECASE,
)


def normalise_cui(tax_id: str | int) -> int:
    """The numeric CUI of ``tax_id``: ``"RO 18547290"``, ``"ro18547290"``, ``18547290`` -> ``18547290``.

    Spaces anywhere and one leading ``RO`` (any case) are dropped. Raises ``ValueError`` when what
    remains is not 1 to 10 digits.
    """
    text = _SPACES.sub("", str(tax_id))
    if text[:2].upper() == "RO":
        text = text[2:]
    if not (text.isascii() and text.isdigit() and 1 <= len(text) <= 10):
        raise ValueError(f"{tax_id!r} is not a Romanian CUI/CIF (digits, optionally after 'RO').")
    return int(text)


def registry_day(now: dt.datetime | None = None) -> dt.date:
    """Today in Europe/Bucharest — the ``data`` ANAF is asked about (``now``: an aware instant)."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(_BUCHAREST).date()


def _text(value: Any) -> str | None:
    """A registry string stripped, None when empty or absent (ANAF writes ``""`` for unknown)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _street_line(office: Mapping[str, Any]) -> str | None:
    """``Str. X nr. N`` (plus the registry's details, e.g. ``bl. 3, ap. 4``) of the registered office."""
    street, number, details = (_text(office.get(k)) for k in ("sdenumire_Strada", "snumar_Strada", "sdetalii_Adresa"))
    if street and not _STREET_KIND.match(street):
        street = f"Str. {street}"
    line = " ".join(part for part in (street, f"nr. {number}" if number else None) if part) or None
    if details:
        line = f"{line}, {details}" if line else details
    return line


def _city(locality: str | None, county_code: str | None) -> str | None:
    """``Sector 1 Mun. Bucureşti`` -> ``Sector 1`` (Bucharest, BR-RO-100); ``Mun. Iaşi`` -> ``Iaşi``."""
    if not locality:
        return None
    sector = _SECTOR.search(locality)
    if sector and (county_code or "B").upper() == "B":
        return f"Sector {sector.group(1)}"
    return _TOWN_KIND.sub("", locality).strip() or locality


def _county(name: str | None, code: str | None) -> str | None:
    """The county as ANAF names it, readable: ``MUNICIPIUL BUCUREŞTI`` -> ``Municipiul Bucureşti``;
    the two-letter car code (``CJ``) when the name is missing."""
    if name:
        return name.title() if name.isupper() else name
    return code


def record_from_anaf(item: Mapping[str, Any]) -> CompanyRecord:
    """One ``found`` item of ANAF PlatitorTvaRest v9 as a :class:`CompanyRecord`.

    ``name`` <- ``date_generale.denumire``; ``cif`` <- ``date_generale.cui`` (digits, no ``RO``);
    ``vat_payer`` <- ``inregistrare_scop_Tva.scpTVA`` (registered for VAT on the day asked);
    ``registration_number`` <- ``nrRegCom``; ``address``/``city``/``county``/``postal_code`` <-
    ``adresa_sediu_social`` (registered office; ``codPostal`` when it has no postal code);
    ``phone`` <- ``telefon``; ``country`` is always ``RO``. Empty texts become None. Raises
    ``ValueError`` when the item has no name or no numeric CUI.
    """
    general = item.get("date_generale") or {}
    vat = item.get("inregistrare_scop_Tva") or {}
    office = item.get("adresa_sediu_social") or {}
    name = _text(general.get("denumire"))
    if name is None:
        raise ValueError("the registry record has no denumire")
    county_code = _text(office.get("scod_JudetAuto"))
    return CompanyRecord(
        name=name,
        cif=str(normalise_cui(general.get("cui", ""))),
        vat_payer=vat.get("scpTVA") is True,
        registration_number=_text(general.get("nrRegCom")),
        address=_street_line(office),
        city=_city(_text(office.get("sdenumire_Localitate")), county_code),
        county=_county(_text(office.get("sdenumire_Judet")), county_code),
        postal_code=_text(office.get("scod_Postal")) or _text(general.get("codPostal")),
        country="RO",
        phone=_text(general.get("telefon")),
    )


class RegistryClient:
    """Asks ANAF PlatitorTvaRest v9 about CUIs. Use as ``async with RegistryClient(settings) as c``.

    ``settings.registry_base_url`` is the host (the simulator's URL in the sandbox);
    ``connect_timeout`` and ``read_timeout`` (seconds) bound each request. ``http``: an
    ``httpx.AsyncClient`` to reuse (not closed here); by default the client owns one.
    """

    def __init__(self, settings: AnafSettings | None = None, *, http: httpx.AsyncClient | None = None) -> None:
        self.settings = settings or AnafSettings()
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient()

    @property
    def url(self) -> str:
        """``{registry_base_url}/api/PlatitorTvaRest/v9/tva``."""
        return self.settings.registry_base_url.rstrip("/") + REGISTRY_PATH

    async def lookup(self, tax_id: str | int, *, day: dt.date | None = None) -> CompanyRecord | None:
        """The registry's record of ``tax_id`` (``"RO18547290"`` or ``18547290``), None when ANAF
        does not know it. ``day`` defaults to today (Bucharest). Raises ``ValueError`` (not a CUI)
        and :class:`TransientProviderError` (see the module docstring)."""
        cui = normalise_cui(tax_id)
        return (await self.lookup_many([cui], day=day)).get(cui)

    async def lookup_many(
        self, tax_ids: Iterable[str | int], *, day: dt.date | None = None
    ) -> dict[int, CompanyRecord]:
        """Records of the known CUIs among ``tax_ids``, by numeric CUI (unknown ones are absent).

        Sends one request per 100 distinct CUIs. Raises like :meth:`lookup`.
        """
        cuis = list(dict.fromkeys(normalise_cui(t) for t in tax_ids))
        when = (day or registry_day()).isoformat()
        found: dict[int, CompanyRecord] = {}
        for start in range(0, len(cuis), MAX_BATCH):
            body = [{"cui": cui, "data": when} for cui in cuis[start : start + MAX_BATCH]]
            for item in await self._post(body):
                try:
                    record = record_from_anaf(item)
                except ValueError as exc:
                    raise TransientProviderError(f"ANAF VAT registry: unreadable record ({exc})") from None
                found[int(record.cif)] = record
        return found

    async def _post(self, body: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
        """POST one batch; the ``found`` items. Every failure is a TransientProviderError."""
        timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout)
        try:
            response = await self.http.post(
                self.url, json=body, timeout=timeout, headers={"Accept": "application/json"}
            )
        except httpx.TimeoutException as exc:
            raise TransientProviderError(f"ANAF VAT registry: no answer in time ({exc.__class__.__name__})") from None
        except httpx.HTTPError as exc:
            raise TransientProviderError(f"ANAF VAT registry: cannot connect ({exc!r})") from None
        if response.status_code != 200:
            raise TransientProviderError(f"ANAF VAT registry: HTTP {response.status_code} ({response.text[:200]!r})")
        try:
            answer = response.json()
        except ValueError:
            raise TransientProviderError(
                f"ANAF VAT registry: the answer is not JSON ({response.headers.get('content-type', 'no content type')})"
            ) from None
        if not isinstance(answer, dict) or answer.get("cod") != 200 or not isinstance(answer.get("found", []), list):
            raise TransientProviderError(f"ANAF VAT registry: unexpected answer {str(answer)[:200]!r}")
        return [i for i in answer.get("found") or [] if isinstance(i, Mapping)]

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def __aenter__(self) -> RegistryClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
