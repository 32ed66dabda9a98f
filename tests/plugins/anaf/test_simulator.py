"""The ANAF simulator's contract (../shared/providers/anaf.md §7), checked over raw HTTP.

These tests speak to the simulator with plain ``httpx`` — not through the transport client — so
they pin the wire shapes (namespaces, attribute names, Romanian texts, status codes) the client
relies on.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import zipfile

import httpx
import pytest
from lxml import etree

from plugins.anaf.simulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    SimulatorState,
)
from plugins.anaf.simulator.processing import inject_message
from tests.plugins.anaf.anaf_sim import BUYER, SAMPLES, SELLER, control, http, ubl

NS_UPLOAD = "mfp:anaf:dgti:spv:respUploadFisier:v1"
NS_STARE = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
NS_ERORI = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"
REST = "/test/FCTEL/rest"


@pytest.fixture(autouse=True)
def fresh(sim):
    control(sim, "POST", "reset")
    yield


@pytest.fixture
def api(sim):
    """An httpx client carrying a valid bearer token."""
    token = control(sim, "POST", "tokens", {})["access_token"]
    with httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        yield client


def upload(api, xml: bytes, **params):
    params.setdefault("standard", "UBL")
    params.setdefault("cif", SELLER)
    response = api.post(f"{REST}/upload", params=params, content=xml, headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    return etree.fromstring(response.content)


def door_error(api, xml: bytes = b"", **params) -> str:
    root = upload(api, xml or ubl(), **params)
    assert root.tag == f"{{{NS_UPLOAD}}}header" and root.get("ExecutionStatus") == "1"
    assert root.get("index_incarcare") is None
    [error] = root.findall(f"{{{NS_UPLOAD}}}Errors")
    return error.get("errorMessage")


def stare(api, index: str) -> etree._Element:
    response = api.get(f"{REST}/stareMesaj", params={"id_incarcare": index})
    assert response.status_code == 200
    return etree.fromstring(response.content)


def listing(api, **params) -> dict:
    response = api.get(f"{REST}/listaMesajeFactura", params=params)
    assert response.status_code == 200
    return response.json()


def paged(api, **params) -> dict:
    response = api.get(f"{REST}/listaMesajePaginatieFactura", params=params)
    assert response.status_code == 200
    return response.json()


def now_ms(sim) -> int:
    return int(sim.state.clock.now().timestamp() * 1000)


# --- OAuth ----------------------------------------------------------------------------------------


def authorize(sim, **overrides):
    params = {
        "response_type": "code",
        "client_id": DEFAULT_CLIENT_ID,
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "state": "s1",
        "token_content_type": "jwt",
    } | overrides
    return http(sim).get("/anaf-oauth2/v1/authorize", params=params, follow_redirects=False)


def code_of(response) -> str:
    assert response.status_code == 302
    return httpx.URL(response.headers["location"]).params["code"]


def token_call(sim, form, *, basic=True):
    auth = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET) if basic else None
    if not basic:
        form = form | {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}
    return http(sim).post("/anaf-oauth2/v1/token", data=form, auth=auth)


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_authorize_redirects_with_code_and_state(sim):
    response = authorize(sim)
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(DEFAULT_REDIRECT_URI) and location.params["state"] == "s1"
    assert authorize(sim, client_id="nobody").status_code == 400
    assert authorize(sim, redirect_uri="http://evil.example/cb").status_code == 400
    control(sim, "POST", "config", {"authorize_denied": True})
    denied = httpx.URL(authorize(sim).headers["location"])
    assert denied.params["error"] == "access_denied" and "code" not in denied.params


def test_token_exchange_basic_or_body_jwt_or_opaque(sim):
    basic = token_call(
        sim,
        {
            "grant_type": "authorization_code",
            "code": code_of(authorize(sim)),
            "redirect_uri": DEFAULT_REDIRECT_URI,
            "token_content_type": "jwt",
        },
    )
    body = basic.json()
    assert basic.status_code == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 7_776_000
    access = claims(body["access_token"])
    assert access["sub"] == "SIM-USER-1" and access["exp"] > access["iat"]
    opaque = token_call(sim, {"grant_type": "authorization_code", "code": code_of(authorize(sim))}, basic=False)
    assert opaque.status_code == 200 and "." not in opaque.json()["access_token"]


def test_token_errors(sim):
    code = code_of(authorize(sim))
    wrong = http(sim).post(
        "/anaf-oauth2/v1/token",
        data={"grant_type": "authorization_code", "code": code},
        auth=(DEFAULT_CLIENT_ID, "wrong"),
    )
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    assert token_call(sim, {"grant_type": "authorization_code", "code": code}).status_code == 200
    reused = token_call(sim, {"grant_type": "authorization_code", "code": code})
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    late = code_of(authorize(sim))
    control(sim, "POST", "clock", {"advance": 61})
    expired = token_call(sim, {"grant_type": "authorization_code", "code": late})
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


def test_refresh_rotates_with_grace_and_revoke(sim):
    first = control(sim, "POST", "tokens", {})
    second = token_call(sim, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}).json()
    assert second["refresh_token"] != first["refresh_token"]
    reuse = token_call(sim, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    control(sim, "POST", "config", {"refresh_grace": 30})
    third = token_call(sim, {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
    within_grace = token_call(sim, {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
    assert third.status_code == within_grace.status_code == 200
    revoked = http(sim).post(
        "/anaf-oauth2/v1/revoke",
        data={"token": third.json()["access_token"]},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    )
    assert revoked.status_code == 200
    bearer = {"Authorization": f"Bearer {third.json()['access_token']}"}
    assert http(sim).get(f"{REST}/stareMesaj", params={"id_incarcare": "1"}, headers=bearer).status_code == 401


def test_every_rest_call_checks_the_bearer(sim):
    for path in ("stareMesaj", "listaMesajeFactura", "descarcare"):
        response = http(sim).get(f"{REST}/{path}")
        assert response.status_code == 401 and response.json()["status"] == 401
    control(sim, "POST", "config", {"token_expires_in": 10})
    token = control(sim, "POST", "tokens", {})["access_token"]
    control(sim, "POST", "clock", {"advance": 11})
    expired = http(sim).get(
        f"{REST}/stareMesaj", params={"id_incarcare": "1"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert expired.status_code == 401


# --- upload door ----------------------------------------------------------------------------------


def test_upload_accepts_with_monotonic_ten_digit_index(api):
    first, second = upload(api, ubl("A-1")), upload(api, ubl("A-2"))
    assert first.tag == f"{{{NS_UPLOAD}}}header" and first.get("ExecutionStatus") == "0"
    assert re.fullmatch(r"\d{12}", first.get("dateResponse"))
    a, b = int(first.get("index_incarcare")), int(second.get("index_incarcare"))
    assert 5_000_000_000 <= a < b < 6_000_000_000


def test_upload_missing_parameters_and_body_are_http_400(api):
    missing = api.post(f"{REST}/upload", params={"standard": "UBL"}, content=ubl())
    assert missing.status_code == 400
    assert missing.json()["message"] == "Parametrii standard si cif sunt obligatorii"
    empty = api.post(f"{REST}/upload", params={"standard": "UBL", "cif": SELLER}, content=b"")
    assert empty.status_code == 400
    assert empty.json()["message"] == "Trebuie sa aveti atasat in request un fisier de tip xml"


def test_upload_door_refusals_with_anafs_texts(sim, api):
    assert door_error(api, standard="XML") == "Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP"
    assert door_error(api, cif="123a") == "CIF introdus= 123a nu este un numar"
    assert door_error(api, extern="NU") == "Daca parametrul extern trebuie completat, valoarea acceptata este DA"
    assert (
        door_error(api, autofactura="1")
        == "Daca parametrul autofacturare trebuie completat, valoarea acceptata este DA"
    )
    assert door_error(api, executare="DA") == (
        f"CIF introdus= {SELLER} nu este inregistrat in Registrul RO e-Factura executari silite"
    )
    assert door_error(api, b"x" * (10 * 1024 * 1024 + 1)) == "Marime fisier transmis mai mare de 10 MB."
    sax = door_error(api, b"not xml at all")
    assert sax == (
        "Fisierul transmis nu este valid. org.xml.sax.SAXParseException; lineNumber: 1; "
        "columnNumber: 1; Content is not allowed in prolog."
    )
    assert "Cannot find the declaration of element 'Invoice1'" in door_error(
        api, b'<Invoice1 xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    )
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": ["42"]}})
    assert door_error(api) == f"Nu aveti drept in SPV pentru CIF={SELLER}"
    control(sim, "POST", "config", {"rights": {}})
    assert door_error(api) == "Nu exista niciun CIF pentru care sa aveti drept in SPV"
    assert control(sim, "GET", "uploads") == []


def test_rasp_quota_and_buyer_messages(sim, api):
    control(sim, "POST", "config", {"default_polls": 0})
    index = upload(api, ubl("RASP-1", buyer=BUYER)).get("index_incarcare")
    rasp = (
        f'<header xmlns="mfp:anaf:dgti:spv:reqMesaj:v1" index_incarcare="{index}" ' f'message="Factura nu corespunde"/>'
    ).encode()
    answer = upload(api, rasp, standard="RASP", cif=BUYER)
    for i in (index, answer.get("index_incarcare")):
        stare(api, i)
    tips = {m["tip"] for cif in (SELLER, BUYER) for m in listing(api, zile="1", cif=cif, filtru="R")["mesaje"]}
    assert tips == {"MESAJ CUMPARATOR PRIMIT", "MESAJ CUMPARATOR TRANSMIS"}
    control(sim, "POST", "quota", {"kind": "rasp", "key": BUYER, "count": 1000})
    assert door_error(api, rasp, standard="RASP", cif=BUYER) == (
        f"S-au incarcat deja 1000 de mesaje de tip RASP pentru cui={BUYER} in cursul zile"
    )


def test_uploadb2c_and_prod_environment(api):
    root = api.post("/prod/FCTEL/rest/uploadb2c", params={"standard": "UBL", "cif": SELLER}, content=ubl())
    assert etree.fromstring(root.content).get("ExecutionStatus") == "0"
    assert api.get("/wrong/FCTEL/rest/stareMesaj", params={"id_incarcare": "1"}).status_code == 403


# --- processing state machine ---------------------------------------------------------------------


def test_default_script_two_polls_then_ok_with_distinct_download_id(api):
    index = upload(api, ubl("S-1")).get("index_incarcare")
    assert [stare(api, index).get("stare") for _ in range(2)] == ["in prelucrare"] * 2
    done = stare(api, index)
    assert done.tag == f"{{{NS_STARE}}}header" and done.get("stare") == "ok"
    download = int(done.get("id_descarcare"))
    assert 3_000_000_000 <= download < 4_000_000_000 and download != int(index)


def test_marker_scripts(sim, api):
    slow = upload(api, ubl("SIM-SLOW-3-A")).get("index_incarcare")
    assert [stare(api, slow).get("stare") for _ in range(4)] == ["in prelucrare"] * 3 + ["ok"]
    xmlerr = upload(api, ubl("SIM-XMLERR-1")).get("index_incarcare")
    control(sim, "POST", "clock", {"advance": 120})
    final = stare(api, xmlerr)
    assert final.get("stare") == "XML cu erori nepreluat de sistem" and final.get("id_descarcare") is None


def test_control_plane_script_and_error_report(sim, api):
    control(sim, "POST", "scripts", {"outcome": "nok", "errors": ["E: eroare unu", "E: eroare doi"], "polls": 0})
    index = upload(api, ubl("N-1")).get("index_incarcare")
    nok = stare(api, index)
    assert nok.get("stare") == "nok"
    body = api.get(f"{REST}/descarcare", params={"id": nok.get("id_descarcare")}).content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        report = etree.fromstring(archive.read(f"{index}.xml"))
    assert report.tag == f"{{{NS_ERORI}}}header"
    assert report.get("Index_incarcare") == index and report.get("Cif_emitent") == SELLER
    assert [e.get("errorMessage") for e in report.findall(f"{{{NS_ERORI}}}Error")] == ["E: eroare unu", "E: eroare doi"]
    [message] = listing(api, zile="1", cif=SELLER, filtru="E")["mesaje"]
    assert message["tip"] == "ERORI FACTURA"
    assert message["detalii"] == f"Erori de validare identificate la factura primita cu id_incarcare={index}"


def test_standard_mismatch_and_duplicate_end_nok(sim, api):
    control(sim, "POST", "config", {"default_polls": 0})
    mismatch = upload(api, ubl("M-1", root="CreditNote"), standard="UBL").get("index_incarcare")
    assert stare(api, mismatch).get("stare") == "nok"
    first = upload(api, ubl("D-1")).get("index_incarcare")
    assert stare(api, first).get("stare") == "ok"
    duplicate = upload(api, ubl("D-1", seller=SELLER)).get("index_incarcare")  # same CIF without RO
    assert stare(api, duplicate).get("stare") == "nok"


def test_validator_hook_makes_outcome_nok(sim, api):
    sim.state.validator = lambda xml: ["E: [BR-RO-010] lipsa"] if b"BAD" in xml else []
    try:
        control(sim, "POST", "config", {"default_polls": 0})
        assert stare(api, upload(api, ubl("BAD-1")).get("index_incarcare")).get("stare") == "nok"
        assert stare(api, upload(api, ubl("GOOD-1")).get("index_incarcare")).get("stare") == "ok"
        verdict = api.post(f"{REST}/validare/FACT1", content=ubl("BAD-2")).json()
        assert verdict["stare"] == "nok" and verdict["Messages"] == [{"message": "E: [BR-RO-010] lipsa"}]
    finally:
        sim.state.validator = None


def test_stare_errors(sim, api):
    def error_of(value):
        root = stare(api, value)
        assert root.get("stare") is None
        return root.find(f"{{{NS_STARE}}}Errors").get("errorMessage")

    assert error_of("aaa") == "Id_incarcare introdus= aaa nu este un numar intreg"
    assert error_of("15000") == "Nu exista factura cu id_incarcare= 15000"
    index = upload(api, ubl("E-1")).get("index_incarcare")
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": ["42"]}})
    assert error_of(index) == f"Nu aveti dreptul de inteorgare pentru id_incarcare= {index}"
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": []}})
    assert error_of(index) == "Nu exista niciun CIF petru care sa aveti drept"
    assert api.get(f"{REST}/stareMesaj").json()["message"] == "Parametrul id_incarcare este obligatoriu"


# --- lists ----------------------------------------------------------------------------------------


def test_simple_list_shapes_filters_and_errors(sim, api):
    control(sim, "POST", "config", {"default_polls": 0})
    index = upload(api, ubl("L-1", buyer=BUYER)).get("index_incarcare")
    stare(api, index)
    body = listing(api, zile="3", cif=SELLER)
    [message] = body["mesaje"]
    assert body["titlu"] == "Lista Mesaje disponibile din ultimele 3 zile" and body["cui"] == SELLER
    assert all(isinstance(v, str) for v in message.values())
    assert message["tip"] == "FACTURA TRIMISA" and message["id_solicitare"] == index
    assert re.fullmatch(r"\d{12}", message["data_creare"])
    assert (
        message["detalii"]
        == f"Factura cu id_incarcare={index} emisa de cif_emitent={SELLER} pentru cif_beneficiar={BUYER}"
    )
    assert listing(api, zile="3", cif=BUYER, filtru="P")["mesaje"][0]["tip"] == "FACTURA PRIMITA"
    errors = {
        "zile=aaa": listing(api, zile="aaa", cif=SELLER),
        "zile=61": listing(api, zile="61", cif=SELLER),
        "cif": listing(api, zile="1", cif="aaa"),
        "filtru": listing(api, zile="1", cif=SELLER, filtru="X"),
        "empty": listing(api, zile="15", cif="555"),
    }
    assert {k: v["eroare"] for k, v in errors.items()} == {
        "zile=aaa": "Numarul de zile introdus= aaa nu este un numar intreg",
        "zile=61": "Numarul de zile trebuie sa fie intre 1 si 60",
        "cif": "CIF introdus= aaa nu este un numar",
        "filtru": "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R",
        "empty": "Nu exista mesaje in ultimele 15 zile",
    }
    assert all(v["titlu"] == "Lista Mesaje" for v in errors.values())


def test_more_than_500_and_pagination(sim, api):
    now = sim.state.clock.now()
    for n in range(501):
        inject_message(sim.state, content=ubl(f"X-{n}"), cif=SELLER, created_at=now - dt.timedelta(seconds=n + 1))
    assert listing(api, zile="1", cif=SELLER)["eroare"] == (
        "Lista de mesaje este mai mare decat numarul de 500 elemente permise in pagina. Folositi endpoint-ul cu paginatie."
    )
    window = {"startTime": str(now_ms(sim) - 86_400_000), "endTime": str(now_ms(sim)), "cif": SELLER}
    first, second = paged(api, **window, pagina="1"), paged(api, **window, pagina="2")
    assert (first["numar_inregistrari_in_pagina"], second["numar_inregistrari_in_pagina"]) == (500, 1)
    assert first["numar_total_inregistrari"] == 501 and first["numar_total_pagini"] == 2
    assert first["numar_total_inregistrari_per_pagina"] == 500 and second["index_pagina_curenta"] == 2
    assert first["titlu"].startswith("Lista Mesaje disponibile din intervalul ")
    assert paged(api, **window, pagina="3")["eroare"] == (
        "Pagina solicitata 3 este mai mare decat numarul toatal de pagini 2"
    )


def test_paginated_window_errors(sim, api):
    now = now_ms(sim)
    old = str(now - 61 * 86_400_000)
    future = str(now + 3_600_000)
    cases = [
        (
            {"startTime": "aaa", "endTime": str(now)},
            "startTime = aaa nu este un numar sau nu are o valoare acceptata de sistem",
        ),
        (
            {"startTime": old, "endTime": str(now)},
            f"startTime = {old} nu poate fi mai vechi de 60 de zile fata de momentul requestului",
        ),
        (
            {"startTime": str(now - 1000), "endTime": str(now - 2000)},
            f"endTime = {now - 2000} nu poate fi <= startTime = {now - 1000}",
        ),
        (
            {"startTime": str(now - 1000), "endTime": future},
            f"endTime = {future} nu poate in viitor fata de momentul requestului",
        ),
        ({"startTime": str(now - 1000), "endTime": str(now - 10)}, "Nu exista mesaje in intervalul selectat"),
    ]
    for window, text in cases:
        assert paged(api, **window, cif=SELLER, pagina="1") == {"eroare": text, "titlu": "Lista Mesaje"}
    missing = api.get(f"{REST}/listaMesajePaginatieFactura", params={"cif": SELLER})
    assert missing.status_code == 400
    assert missing.json()["message"] == "Parametrii startTime, endTime, cif si pagina sunt obligatorii"


def test_list_quota(sim, api):
    control(sim, "POST", "quota", {"kind": "lista", "key": SELLER, "count": 1000})
    assert listing(api, zile="1", cif=SELLER)["eroare"] == (
        "S-au facut deja 1000 interogari de lista mesaje de catre utilizator in cursul zilei"
    )


# --- download -------------------------------------------------------------------------------------


def test_download_zip_signature_and_errors(sim, api):
    control(sim, "POST", "config", {"default_polls": 0})
    index = upload(api, ubl("Z-1")).get("index_incarcare")
    download_id = stare(api, index).get("id_descarcare")
    response = api.get(f"{REST}/descarcare", params={"id": download_id})
    assert response.content.startswith(b"PK\x03\x04") and response.headers["content-type"] == "application/zip"
    assert api.get(f"{REST}/descarcare", params={"id": download_id}).content == response.content  # stable bytes
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == [f"{index}.xml", f"semnatura_{index}.xml"]
        invoice, signature = archive.read(f"{index}.xml"), archive.read(f"semnatura_{index}.xml")
    assert invoice == ubl("Z-1")
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    root = etree.fromstring(signature)
    assert root.tag == f"{ds}Signature" and root.findtext(f"{ds}SignatureValue")
    assert root.find(f".//{ds}X509Certificate") is not None
    check = {"file": ("f.xml", invoice), "signature": ("s.xml", signature)}
    assert "au fost validate cu succes" in http(sim).post("/api/validate/signature", files=check).json()["msg"]
    check["file"] = ("f.xml", invoice.replace(b"Z-1", b"Z-2"))
    assert "NU au putut fi validate" in http(sim).post("/api/validate/signature", files=check).json()["msg"]
    errors = {v: api.get(f"{REST}/descarcare", params={"id": v}).json() for v in ("123a", "21")}
    assert errors == {
        "123a": {"eroare": "Id descarcare introdus= 123a nu este un numar intreg", "titlu": "Descarcare mesaj"},
        "21": {"eroare": "Pentru id=21 nu exista inregistrata nici o factura", "titlu": "Descarcare mesaj"},
    }
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": ["42"]}})
    assert api.get(f"{REST}/descarcare", params={"id": download_id}).json()["eroare"] == (
        "Nu aveti dreptul sa descarcati acesta factura"
    )
    control(sim, "POST", "config", {"rights": None})
    control(sim, "POST", "quota", {"kind": "descarcare", "key": download_id, "count": 10})
    assert api.get(f"{REST}/descarcare", params={"id": download_id}).json()["eroare"] == (
        "S-au facut deja 10 descarcari de mesaj in cursul zilei"
    )


@pytest.mark.parametrize(
    ("kind", "names"),
    [("zip_missing_entry", 1), ("zip_extra_entry", 3), ("zip_malformed", None), ("zip_json", None)],
)
def test_download_faults(sim, api, kind, names):
    [message_id] = control(sim, "POST", "inbox", {"messages": [{"xml": ubl().decode(), "cif": BUYER}]})["ids"]
    control(sim, "POST", "faults", {"endpoint": "descarcare", "kind": kind, "match": message_id})
    body = api.get(f"{REST}/descarcare", params={"id": message_id}).content
    if names is not None:
        assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == names
    elif kind == "zip_malformed":
        assert body.startswith(b"PK\x03\x04")
        with pytest.raises(zipfile.BadZipFile):
            zipfile.ZipFile(io.BytesIO(body))
    else:
        assert json.loads(body)["titlu"] == "Descarcare mesaj"
    assert api.get(f"{REST}/descarcare", params={"id": message_id}).content.startswith(b"PK\x03\x04")


# --- throttling, faults, stubs, control plane -----------------------------------------------------


def test_global_per_minute_limit_429_or_204(sim, api):
    control(sim, "POST", "config", {"rate_limit_per_minute": 2})
    statuses = [api.get(f"{REST}/stareMesaj", params={"id_incarcare": "1"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert int(api.get(f"{REST}/stareMesaj", params={"id_incarcare": "1"}).headers["Retry-After"]) >= 1
    control(sim, "POST", "config", {"rate_limit_mode": "204"})
    empty = api.get(f"{REST}/stareMesaj", params={"id_incarcare": "1"})
    assert empty.status_code == 204 and empty.content == b""
    control(sim, "POST", "clock", {"advance": 60})
    assert api.get(f"{REST}/stareMesaj", params={"id_incarcare": "1"}).status_code == 200


def test_upload_faults_delay_drop_500_waf(sim, api):
    control(
        sim,
        "POST",
        "faults",
        [
            {"endpoint": "upload", "kind": "500"},
            {"endpoint": "upload", "kind": "waf", "match": "W-1"},
            {"endpoint": "upload", "kind": "drop", "match": "DROP-1"},
            {"endpoint": "upload", "kind": "delay", "delay_ms": 150},
        ],
    )
    server_error = api.post(f"{REST}/upload", params={"standard": "UBL", "cif": SELLER}, content=ubl("F-1"))
    assert server_error.status_code == 500
    waf = api.post(f"{REST}/upload", params={"standard": "UBL", "cif": SELLER}, content=ubl("W-1"))
    assert waf.status_code == 200 and "The requested URL was rejected" in waf.text
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(f"{REST}/upload", params={"standard": "UBL", "cif": SELLER}, content=ubl("DROP-1"))
    slow = api.post(f"{REST}/upload", params={"standard": "UBL", "cif": SELLER}, content=ubl("SLOW-1"))
    assert slow.elapsed >= dt.timedelta(milliseconds=150)
    assert [u["number"] for u in control(sim, "GET", "uploads")] == ["DROP-1", "SLOW-1"]
    log = control(sim, "GET", "requests")
    dropped = [r for r in log if r["dropped"]]
    assert len(dropped) == 1 and dropped[0]["headers"]["authorization"].startswith("Bearer ")
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["body_sha256"]) for r in log)


def test_validare_and_transformare_stubs(api):
    assert api.post(f"{REST}/validare/FACT1", content=ubl()).json()["stare"] == "ok"
    bad_std = api.post(f"{REST}/validare/XYZ", content=ubl()).json()
    assert bad_std["Messages"] == [{"message": "Valorile acceptate pentru parametrul standard sunt FACT1 si FCN"}]
    big = api.post(f"{REST}/validare/FCN", content=b"x" * (5 * 1024 * 1024 + 1)).json()
    assert big["Messages"] == [{"message": "Marime fisier transmis mai mare de 5 MB."}]
    pdf = api.post(f"{REST}/transformare/FACT1", content=ubl())
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert api.post(f"{REST}/transformare/FACT1/DA", content=ubl()).content.startswith(b"%PDF")
    nok = api.post(f"{REST}/transformare/FACT1", content=b"broken")
    assert nok.status_code == 200 and nok.json()["stare"] == "nok"


def test_inbox_from_directory_is_stable_and_backdated(sim, api):
    files = sorted(SAMPLES.glob("*.xml"))
    first = control(sim, "POST", "inbox", {"directory": str(SAMPLES)})["ids"]
    assert control(sim, "POST", "inbox", {"directory": str(SAMPLES)})["ids"] == first
    for cif in ("111", "222"):
        messages = listing(api, zile="5", cif=cif, filtru="P")["mesaje"]
        assert sorted(m["id"] for m in messages) == sorted(first) and len(first) == len(files)
        assert {m["cif"] for m in messages} == {cif}
    dates = sorted(m["data_creare"] for m in listing(api, zile="5", cif="111")["mesaje"])
    assert dates[0] < dates[-1]  # spread over the last days


def test_state_load_inbox_and_validator_default():
    state = SimulatorState()
    assert state.validator is None
    ids = state.load_inbox(SAMPLES, cif="777")
    assert state.load_inbox(SAMPLES, cif="777") == ids and len(state.messages) == len(ids)


def test_clock_control(sim):
    before = dt.datetime.fromisoformat(control(sim, "GET", "clock")["now"])
    after = dt.datetime.fromisoformat(control(sim, "POST", "clock", {"advance": 3600})["now"])
    assert dt.timedelta(minutes=59) < after - before < dt.timedelta(minutes=61)
    frozen = control(sim, "POST", "clock", {"set": "2026-01-15T10:00:00+00:00", "frozen": True})
    assert frozen["now"] == "2026-01-15T10:00:00+00:00" and frozen["local"].startswith("2026-01-15T12:00:00")
