"""``POST /api/v1/companies`` with only a CIF, end to end: the real appliance with the shipped ANAF
plugin asks the sandbox's simulator (ANAF PlatitorTvaRest v9) and fills the company from it."""

from __future__ import annotations

import httpx
import pytest

from plugins.anaf.registry import REGISTRY_PATH
from tests.support.appliance import running_appliance

PASSWORD = "a-long-password-1"


@pytest.fixture
def app(settings, registry):
    with running_appliance(settings, registry, tenant=False) as running:
        http = running.http
        assert http.post("/api/auth/register", json={"email": "owner@demo.ro", "password": PASSWORD}).status_code in (
            200,
            201,
        )
        login = http.post("/api/auth", json={"email": "owner@demo.ro", "password": PASSWORD})
        assert login.status_code == 200, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['token']}"
        yield running


def test_a_cif_alone_is_filled_from_anafs_vat_registry(app):
    answer = app.http.post("/api/v1/companies", json={"cif": "RO18547290"})
    assert answer.status_code == 201, answer.text
    company = answer.json()
    assert company["name"] == "Demo Appliance SRL" and company["cif"] == 18547290
    assert company["address"] == "Str. Gheorghe Manu nr. 5" and company["city"] == "Sector 1"
    assert company["state"] == "Municipiul Bucureşti" and company["postalCode"] == "010442"
    assert company["vatPayer"] is True and company["vatCode"] == "RO18547290"
    assert company["registrationNumber"] == "J40/1234/2006" and company["country"] == "RO"
    assert company["bankAccount"] is None
    asked = [r for r in app.sim.state.request_log() if r["path"] == REGISTRY_PATH]
    assert len(asked) == 1  # the sandbox's simulator answered, not ANAF


def test_a_non_vat_payer_gets_no_vat_code(app):
    company = app.http.post("/api/v1/companies", json={"cif": "14399840"}).json()
    assert company["vatPayer"] is False and company["vatCode"] is None
    assert (company["city"], company["state"]) == ("Iaşi", "Iaşi")


def test_a_cif_unknown_to_the_registry_is_a_404_naming_it(app):
    answer = app.http.post("/api/v1/companies", json={"cif": "RO123456"})
    assert answer.status_code == 404 and "123456" in answer.json()["error"]
    assert app.http.get("/api/v1/companies").json()["data"] == []


def test_registry_down_is_a_503(app):
    httpx.post(f"{app.sim.base_url}/__sim/faults", json={"endpoint": "registry", "kind": "500"}).raise_for_status()
    answer = app.http.post("/api/v1/companies", json={"cif": "6859662"})
    assert answer.status_code == 503 and answer.json()["error"]
    retried = app.http.post("/api/v1/companies", json={"cif": "6859662"})
    assert retried.status_code == 201 and retried.json()["city"] == "Cluj-Napoca"
