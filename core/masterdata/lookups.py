"""Looking a buyer up before creating it: ANAF's VAT registry (Romanian CUI) and the EU's VIES.

``GET /api/v1/clients/anaf-lookup?cui=`` asks the public registry through the provider hook
(:func:`core.masterdata.registry.lookup` over ``storno_lookup_company``) and answers the fields of
a client form; nothing is stored. ``GET /api/v1/clients/vies-lookup?vatCode=`` checks an EU VAT
number with the European Commission's VIES REST service (``POST check-vat-number``; URL from
``Settings.vies_url``). Errors (objects.md §1): malformed input 400, unknown CUI 404, registry or
VIES not answering 503. Both run outside transactions.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import httpx
import msgspec

from core.errors import BadRequest, NotFound, ServiceUnavailable
from core.masterdata import registry

__all__ = ["AnafLookupResult", "ViesResult", "VIES_TIMEOUT", "anaf_lookup", "vies_check"]

log = logging.getLogger("storno.lookups")
#: Seconds the VIES call may take (connect and read) before the answer is a 503.
VIES_TIMEOUT = 10.0
#: VIES error codes that mean "the request itself is wrong" (400); every other one is a 503.
_VIES_INPUT_ERRORS = {"INVALID_INPUT", "INVALID_REQUESTER_INFO"}
#: EU member states as VIES names them (Greece is ``EL``; Northern Ireland ``XI``).
VIES_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split()
)


class AnafLookupResult(msgspec.Struct, rename="camel", kw_only=True):
    """The registry's record of a CUI as the fields of a client (objects.md §3.3 names).

    ``cui`` without the ``RO`` prefix; ``vatCode`` ``RO`` + CUI when the company is a VAT payer.
    """

    cui: str
    name: str
    vat_code: str | None
    is_vat_payer: bool
    registration_number: str | None
    address: str | None
    city: str | None
    county: str | None
    postal_code: str | None
    country: str
    phone: str | None
    source: str = "anaf"


class ViesResult(msgspec.Struct, rename="camel", kw_only=True):
    """The VIES answer: ``valid`` whether the number is registered for intra-EU trade today;
    ``name``/``address`` as the member state publishes them (None when it does not, VIES ``---``);
    ``requestDate`` the date VIES answered for (``YYYY-MM-DD``)."""

    valid: bool
    country_code: str
    vat_number: str
    vat_code: str
    name: str | None
    address: str | None
    request_date: str | None


async def anaf_lookup(cui: str | None, settings: Callable[[str], dict[str, Any]] | None = None) -> AnafLookupResult:
    """``GET /api/v1/clients/anaf-lookup``: the registry's record of ``cui`` (``RO`` prefix optional).

    Raises :class:`BadRequest` (missing or not 2–10 digits), :class:`NotFound` (the registry does
    not know it) and :class:`ServiceUnavailable` (registry down).
    """
    text = re.sub(r"[\s.]", "", cui or "").upper()
    if text.startswith("RO"):
        text = text[2:]
    if not (text.isdigit() and 2 <= len(text) <= 10):
        raise BadRequest("cui must be a Romanian CUI of 2 to 10 digits (the RO prefix is optional).", field="cui")
    record = await registry.lookup("RO", text, settings)
    if record is None:
        raise NotFound(f"CUI {text} was not found in ANAF's registry.")
    return AnafLookupResult(
        cui=record.cif, name=record.name, vat_code=f"RO{record.cif}" if record.vat_payer else None,
        is_vat_payer=record.vat_payer, registration_number=record.registration_number, address=record.address,
        city=record.city, county=record.county, postal_code=record.postal_code, country=record.country or "RO",
        phone=record.phone,
    )


def _split_vat(vat_code: str | None) -> tuple[str, str]:
    text = re.sub(r"[\s.\-]", "", vat_code or "").upper()
    country, number = text[:2], text[2:]
    if country == "GR":
        country = "EL"
    if country not in VIES_COUNTRIES or not number or not number.isalnum() or len(number) > 14:
        raise BadRequest(
            "vatCode must be an EU VAT number with its country prefix (e.g. DE123456789).", field="vatCode"
        )
    return country, number


def _published(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return None if text in ("", "---") else text


async def vies_check(vat_code: str | None, url: str, *, timeout: float = VIES_TIMEOUT) -> ViesResult:
    """``GET /api/v1/clients/vies-lookup``: ask VIES at ``url`` whether ``vat_code`` is valid.

    Sends ``{"countryCode", "vatNumber"}`` as the EC's REST API expects. Raises
    :class:`BadRequest` for a malformed number or when VIES calls the input invalid, and
    :class:`ServiceUnavailable` (503) when VIES or the member state's system is unavailable,
    busy, times out or answers something that is not its JSON.
    """
    country, number = _split_vat(vat_code)
    unavailable = "The EU VIES service did not answer; try again later."
    try:
        async with httpx.AsyncClient(timeout=timeout) as http:
            answer = await http.post(url, json={"countryCode": country, "vatNumber": number})
    except httpx.HTTPError as exc:
        log.warning("VIES check of %s%s failed: %s", country, number, exc)
        raise ServiceUnavailable(unavailable) from None
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        log.warning("VIES answered %s without JSON", answer.status_code)
        raise ServiceUnavailable(unavailable)
    codes = [w.get("error") for w in body.get("errorWrappers") or [] if isinstance(w, dict)]
    user_error = body.get("userError")
    if user_error and user_error not in ("VALID", "INVALID"):
        codes.append(user_error)
    if codes or answer.status_code >= 400 or "valid" not in body:
        if any(code in _VIES_INPUT_ERRORS for code in codes):
            raise BadRequest(f"VIES refused the VAT number {country}{number} as malformed.", field="vatCode")
        log.warning("VIES check of %s%s: HTTP %s %s", country, number, answer.status_code, codes)
        detail = f" ({', '.join(str(c) for c in codes)})" if codes else ""
        raise ServiceUnavailable(f"The EU VIES service could not check the number now{detail}; try again later.")
    request_date = _published(body.get("requestDate"))
    return ViesResult(
        valid=body.get("valid") is True, country_code=country, vat_number=number, vat_code=f"{country}{number}",
        name=_published(body.get("name")), address=_published(body.get("address")),
        request_date=request_date[:10] if request_date else None,
    )
