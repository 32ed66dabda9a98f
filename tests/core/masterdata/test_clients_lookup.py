"""Looking a buyer up without creating it: ANAF's registry (served by the sandbox's ANAF simulator
through the plugin's lookup hook) and EU VIES (a small loopback HTTP server answering as the
EC's VIES REST service does)."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator

import httpx
import msgspec
import pytest

from plugins.anaf.registry import REGISTRY_PATH
from tests.core.conftest import add_company, ok, register, start_api
from tests.support.appliance import running_appliance
from tests.support.loopback import Handler, serving

# --- ANAF registry ---------------------------------------------------------------------------


@pytest.fixture
def app(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as running:
        yield running


def test_anaf_lookup_answers_the_client_fields_and_stores_nothing(app):
    answer = app.http.get("/api/v1/clients/anaf-lookup", params={"cui": "RO 6859662"})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["cui"] == "6859662" and found["name"] == "Client Exemplu SRL"
    assert found["isVatPayer"] is True and found["vatCode"] == "RO6859662"
    assert found["registrationNumber"] == "J12/345/1995" and found["postalCode"] == "400114"
    assert found["country"] == "RO" and found["source"] == "anaf" and found["county"]
    non_payer = app.http.get("/api/v1/clients/anaf-lookup", params={"cui": "14399840"}).json()
    assert non_payer["isVatPayer"] is False and non_payer["vatCode"] is None and non_payer["name"] == "Atelier Mic Iaşi SRL"
    asked = [r for r in app.sim.state.request_log() if r["path"] == REGISTRY_PATH]
    assert len(asked) == 2  # the simulator answered
    clients = app.http.get("/api/v1/clients").json()
    assert clients["total"] == 1  # only the tenant's own client: the lookup created none


def test_anaf_lookup_errors(app):
    unknown = app.http.get("/api/v1/clients/anaf-lookup", params={"cui": "123456"})
    assert unknown.status_code == 404 and "123456" in unknown.json()["error"]
    for bad in ({"cui": "RO12AB"}, {"cui": "1"}, {}):
        malformed = app.http.get("/api/v1/clients/anaf-lookup", params=bad)
        assert malformed.status_code == 400 and malformed.json()["field"] == "cui"
    httpx.post(f"{app.sim.base_url}/__sim/faults", json={"endpoint": "registry", "kind": "500"}).raise_for_status()
    down = app.http.get("/api/v1/clients/anaf-lookup", params={"cui": "6859662"})
    assert down.status_code == 503 and down.json()["error"]
    assert app.http.get("/api/v1/clients/anaf-lookup", params={"cui": "6859662"}).status_code == 200
    other = app.http.get("/api/v1/clients/anaf-lookup", params={"cui": "6859662"}, headers={"X-Company": str(uuid.uuid4())})
    assert other.status_code == 404 and other.json() == {"error": "Company not found."}


# --- VIES ------------------------------------------------------------------------------------

REGISTERED = {
    ("DE", "811907980"): {"name": "Muster Handels GmbH", "address": "Hauptstraße 1\n10115 Berlin"},
    ("EL", "094014201"): {"name": "---", "address": "---"},
}


class _Vies(Handler):
    """Answers ``POST /check-vat-number`` as the EC's VIES REST API does (valid/invalid numbers,
    ``INVALID_INPUT``, a member state that is down, and a WAF-style HTML page)."""

    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": asked})
        country, number = asked.get("countryCode"), asked.get("vatNumber")
        if self.path != "/check-vat-number":
            self.send(404, {"error": "not found"})
        elif number == "999999999":
            self.send(400, {"actionSucceed": False, "errorWrappers": [{"error": "INVALID_INPUT", "message": None}]})
        elif country == "FR":
            self.send(500, {"actionSucceed": False, "errorWrappers": [{"error": "MS_UNAVAILABLE", "message": None}]})
        elif country == "IT":
            self.send(200, b"<html>The requested URL was rejected.</html>", "text/html")
        else:
            record = REGISTERED.get((country, number))
            self.send(200, {
                "countryCode": country, "vatNumber": number, "requestDate": "2026-11-21T04:10:00.000Z",
                "valid": record is not None, "requestIdentifier": "", "name": (record or {}).get("name", "---"),
                "address": (record or {}).get("address", "---"), "userError": "VALID" if record else "INVALID",
            })


@contextlib.contextmanager
def vies_server() -> Iterator[str]:
    with serving(_Vies) as base:
        yield f"{base}/check-vat-number"


@pytest.fixture
async def vies_api(settings):
    _Vies.requests = []
    with vies_server() as url:
        async with start_api(msgspec.structs.replace(settings, vies_url=url)) as api:
            owner = await register(api, "owner@alfa.ro")
            await add_company(api, owner)
            yield api, owner


def test_vies_url_is_a_setting_defaulting_to_the_commissions_service():
    from core.settings import load_settings

    assert load_settings({}).vies_url == "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"
    assert load_settings({"STORNO_VIES_URL": "http://127.0.0.1:9/x"}).vies_url == "http://127.0.0.1:9/x"


async def test_vies_lookup_valid_and_invalid_numbers(vies_api):
    api, owner = vies_api
    valid = ok(await api.get("/api/v1/clients/vies-lookup", params={"vatCode": "de 811 907 980"}, headers=owner.headers))
    assert valid == {
        "valid": True, "countryCode": "DE", "vatNumber": "811907980", "vatCode": "DE811907980",
        "name": "Muster Handels GmbH", "address": "Hauptstraße 1\n10115 Berlin", "requestDate": "2026-11-21",
    }
    assert _Vies.requests[-1] == {"path": "/check-vat-number", "body": {"countryCode": "DE", "vatNumber": "811907980"}}
    greek = ok(await api.get("/api/v1/clients/vies-lookup", params={"vatCode": "GR094014201"}, headers=owner.headers))
    assert greek["valid"] is True and greek["countryCode"] == "EL" and greek["name"] is None and greek["address"] is None
    invalid = ok(await api.get("/api/v1/clients/vies-lookup", params={"vatCode": "DE123456789"}, headers=owner.headers))
    assert invalid["valid"] is False and invalid["name"] is None


async def test_vies_lookup_errors(vies_api):
    api, owner = vies_api
    for bad in ({"vatCode": "US123"}, {"vatCode": "DE"}, {}):
        answer = await api.get("/api/v1/clients/vies-lookup", params=bad, headers=owner.headers)
        assert answer.status_code == 400 and answer.json()["field"] == "vatCode"
    before = len(_Vies.requests)
    assert before == 0  # malformed numbers never reach VIES
    refused = await api.get("/api/v1/clients/vies-lookup", params={"vatCode": "DE999999999"}, headers=owner.headers)
    assert refused.status_code == 400 and refused.json()["error"]
    down = await api.get("/api/v1/clients/vies-lookup", params={"vatCode": "FR40303265045"}, headers=owner.headers)
    assert down.status_code == 503 and "MS_UNAVAILABLE" in down.json()["error"]
    waf = await api.get("/api/v1/clients/vies-lookup", params={"vatCode": "IT00743110157"}, headers=owner.headers)
    assert waf.status_code == 503 and waf.json()["error"]


async def test_vies_not_answering_is_503(settings):
    with vies_server() as url:
        pass  # the port is closed again: nothing listens there
    async with start_api(msgspec.structs.replace(settings, vies_url=url)) as api:
        owner = await register(api, "owner@alfa.ro")
        await add_company(api, owner)
        answer = await api.get("/api/v1/clients/vies-lookup", params={"vatCode": "DE811907980"}, headers=owner.headers)
        assert answer.status_code == 503 and answer.json() == {"error": "The EU VIES service did not answer; try again later."}
