"""ANAF's public VAT registry (web service "ANAF PlatitorTvaRest v9") as the simulator serves it.

| call | body / answer |
|---|---|
| ``POST /api/PlatitorTvaRest/v9/tva`` | ``[{"cui": int, "data": "YYYY-MM-DD"}]`` (≤ 100) → ``{"cod": 200, "message": "SUCCESS", "found": [...], "notFound": [cui, ...]}`` |
| ``POST /__sim/registry`` | ``{"records": [<found item>, ...]}`` adds/replaces records by ``date_generale.cui`` → ``{"cuis": [...]}`` |

A ``found`` item has ANAF's v9 sections: ``date_generale`` (``cui`` number, ``data`` = the day
asked, ``denumire``, ``adresa``, ``nrRegCom``, ``telefon``, ``codPostal``, ``stare_inregistrare``,
...), ``inregistrare_scop_Tva`` (``scpTVA``, ``perioade_TVA``), ``inregistrare_RTVAI``,
``stare_inactiv``, ``inregistrare_SplitTVA``, ``adresa_sediu_social`` (``sdenumire_Strada``,
``snumar_Strada``, ``sdenumire_Localitate``, ``sdenumire_Judet``, ``scod_JudetAuto``,
``scod_Postal``, ``stara``, ...) and ``adresa_domiciliu_fiscal`` (the same with ``d``).

Records come from :data:`BUILTIN` (fictitious companies, no bank accounts) and from
``state.registry`` (added through the control plane, cleared by ``/__sim/reset``), which wins.
A body that is not a JSON list of ``{"cui": int, "data": "YYYY-MM-DD"}`` objects, or has more
than 100 of them, is a 400 ``{"cod": 400, "message": ...}`` (the texts are the simulator's own).
Faults queued for endpoint ``registry`` (``500``, ``waf``, ``delay``, ``drop``, ...) apply.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

from litestar import Request, Response, post

from plugins.anaf.simulator.wire import apply_fault, json_response, sim_state

__all__ = ["BUILTIN", "MAX_BATCH", "anaf_record", "registry_handlers"]

#: ANAF answers at most this many CUIs per request.
MAX_BATCH = 100


def anaf_record(
    cui: int,
    name: str,
    *,
    reg_com: str,
    street: str,
    number: str,
    locality: str,
    county: str,
    county_auto: str,
    county_code: str,
    postal: str,
    phone: str = "",
    vat_since: str | None = None,
    registered: str = "2006-01-10",
    caen: str = "6201",
) -> dict[str, Any]:
    """A ``found`` item in ANAF's v9 shape (``data`` is filled in per request).

    ``vat_since`` (``YYYY-MM-DD``): registered for VAT since that day; None: not a VAT payer.
    ``county`` as ANAF writes it (``CLUJ``, ``MUNICIPIUL BUCUREŞTI``), ``county_auto`` the car
    code (``CJ``, ``B``), ``county_code`` ANAF's numeric county code (``12``, ``40``).
    """
    one_line = f"{county}, {locality.upper()}, {street.upper()}, NR.{number}"
    office = {
        "sdenumire_Strada": street,
        "snumar_Strada": number,
        "sdenumire_Localitate": locality,
        "scod_Localitate": "",
        "sdenumire_Judet": county,
        "scod_Judet": county_code,
        "scod_JudetAuto": county_auto,
        "stara": "",
        "sdetalii_Adresa": "",
        "scod_Postal": postal,
    }
    periods = [
        {"data_inceput_ScpTVA": vat_since, "data_sfarsit_ScpTVA": "", "data_anul_imp_ScpTVA": "", "mesaj_ScpTVA": ""}
    ]
    return {
        "date_generale": {
            "cui": cui,
            "data": "",
            "denumire": name,
            "adresa": one_line,
            "nrRegCom": reg_com,
            "telefon": phone,
            "fax": "",
            "codPostal": postal,
            "act": "",
            "stare_inregistrare": f"INREGISTRAT din data {dt.date.fromisoformat(registered):%d.%m.%Y}",
            "data_inregistrare": registered,
            "cod_CAEN": caen,
            "iban": "",
            "statusRO_e_Factura": True,
            "data_inreg_Reg_RO_e_Factura": "2024-01-01",
            "organFiscalCompetent": f"Administraţia Judeţeană a Finanţelor Publice {county.title()}",
            "forma_de_proprietate": "PROPRIETATE PRIVATA-CAPITAL PRIVAT AUTOHTON",
            "forma_organizare": "PERSOANA JURIDICA",
            "forma_juridica": "SOCIETATE COMERCIALĂ CU RĂSPUNDERE LIMITATĂ",
        },
        "inregistrare_scop_Tva": {"scpTVA": vat_since is not None, "perioade_TVA": periods if vat_since else []},
        "inregistrare_RTVAI": {
            "dataInceputTvaInc": "",
            "dataSfarsitTvaInc": "",
            "dataActualizareTvaInc": "",
            "dataPublicareTvaInc": "",
            "tipActTvaInc": "",
            "statusTvaIncasare": False,
        },
        "stare_inactiv": {
            "dataInactivare": "",
            "dataReactivare": "",
            "dataPublicare": "",
            "dataRadiere": "",
            "statusInactivi": False,
        },
        "inregistrare_SplitTVA": {"dataInceputSplitTVA": "", "dataAnulareSplitTVA": "", "statusSplitTVA": False},
        "adresa_sediu_social": office,
        "adresa_domiciliu_fiscal": {"d" + key[1:]: value for key, value in office.items()},
    }


#: The built-in registry: fictitious companies at real-looking Romanian addresses, by CUI.
BUILTIN: dict[int, dict[str, Any]] = {
    18547290: anaf_record(
        18547290,
        "Demo Appliance SRL",
        reg_com="J40/1234/2006",
        street="Str. Gheorghe Manu",
        number="5",
        locality="Sector 1 Mun. Bucureşti",
        county="MUNICIPIUL BUCUREŞTI",
        county_auto="B",
        county_code="40",
        postal="010442",
        phone="0212000000",
        vat_since="2006-03-01",
        registered="2006-02-14",
    ),
    6859662: anaf_record(
        6859662,
        "Client Exemplu SRL",
        reg_com="J12/345/1995",
        street="Str. Memorandumului",
        number="28",
        locality="Mun. Cluj-Napoca",
        county="CLUJ",
        county_auto="CJ",
        county_code="12",
        postal="400114",
        phone="0264000000",
        vat_since="1995-06-01",
        registered="1995-03-20",
        caen="4690",
    ),
    14399840: anaf_record(
        14399840,
        "Atelier Mic Iaşi SRL",
        reg_com="J22/876/2001",
        street="Str. Lăpuşneanu",
        number="14",
        locality="Mun. Iaşi",
        county="IAŞI",
        county_auto="IS",
        county_code="22",
        postal="700057",
        registered="2001-11-05",
        caen="7410",
    ),
}


def _bad_request(message: str) -> Response:
    return json_response({"cod": 400, "message": message}, 400)


def _query(raw: bytes) -> list[tuple[int, str]] | str:
    """``[(cui, data), ...]`` from the request body, or the 400 message."""
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        return "Corpul cererii nu este JSON valid."
    if not isinstance(body, list):
        return "Corpul cererii trebuie sa fie o lista de obiecte {cui, data}."
    if len(body) > MAX_BATCH:
        return f"Se pot interoga cel mult {MAX_BATCH} de CUI-uri intr-o cerere."
    out: list[tuple[int, str]] = []
    for item in body:
        cui = item.get("cui") if isinstance(item, dict) else None
        day = item.get("data") if isinstance(item, dict) else None
        if isinstance(cui, str) and cui.strip().isdigit():
            cui = int(cui)
        if not isinstance(cui, int) or isinstance(cui, bool) or cui <= 0:
            return f"CUI invalid: {cui!r}."
        try:
            dt.date.fromisoformat(str(day))
        except ValueError:
            return f"Data invalida: {day!r} (format AAAA-LL-ZZ)."
        out.append((cui, str(day)))
    return out


@post("/api/PlatitorTvaRest/v9/tva", status_code=200)
async def tva(request: Request) -> Response:
    """ANAF PlatitorTvaRest v9: the records of the CUIs asked about, on the day asked."""
    state = sim_state(request)
    faulted = await apply_fault(request, state.take_fault("registry"))
    if faulted is not None:
        return faulted
    query = _query(await request.body())
    if isinstance(query, str):
        return _bad_request(query)
    with state.lock:
        known = {**BUILTIN, **state.registry}
        found, not_found = [], []
        for cui, day in query:
            if cui in known:
                item = copy.deepcopy(known[cui])
                item.setdefault("date_generale", {}).update({"cui": cui, "data": day})
                found.append(item)
            else:
                not_found.append(cui)
    return json_response({"cod": 200, "message": "SUCCESS", "found": found, "notFound": not_found})


@post("/__sim/registry", status_code=200)
async def registry_add(request: Request) -> Response:
    """Add or replace registry records: ``{"records": [<found item>, ...]}`` → ``{"cuis": [...]}``."""
    try:
        body = json.loads(await request.body() or b"{}")
        records = body["records"]
        keyed = {int(r["date_generale"]["cui"]): r for r in records}
    except (ValueError, KeyError, TypeError) as exc:
        return _bad_request(f'expected {{"records": [{{"date_generale": {{"cui": ...}}, ...}}]}} ({exc!r})')
    state = sim_state(request)
    with state.lock:
        state.registry.update(copy.deepcopy(keyed))
    return json_response({"cuis": sorted(keyed)})


registry_handlers = [tva, registry_add]
