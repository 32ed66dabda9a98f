"""Companies (objects.md §3.12, §6): creation from the public registry hook or from full data,
default series and VAT rates, DUPLICATE_CIF, updates."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.core.conftest import COMPANY, in_app, ok, register
from tests.core.registry_plugin import DOWN


async def test_hook_storno_lookup_company_fills_a_cif_only_company(with_registry):
    api, plugin = with_registry
    owner = await register(api, "owner@alfa.ro")
    company = ok(await api.post("/api/v1/companies", json={"cif": "RO 9010105"}, headers=owner.auth), 201)
    assert plugin.calls == [("RO", "9010105")]
    assert company["name"] == "ORANGE ROMANIA SA" and company["cif"] == 9010105
    assert company["vatPayer"] is True and company["vatCode"] == "RO9010105"
    assert company["registrationNumber"] == "J40/10178/1996" and company["state"] == "Municipiul Bucuresti"
    assert company["city"] == "Sector 1" and company["postalCode"] == "010665" and company["hasValidToken"] is False
    assert ok(await api.get(f"/api/v1/companies/{company['id']}", headers=owner.auth))["name"] == "ORANGE ROMANIA SA"


async def test_cif_unknown_to_the_registry_or_registry_down(with_registry):
    api, _ = with_registry
    owner = await register(api, "owner@alfa.ro")
    unknown = await api.post("/api/v1/companies", json={"cif": 123456}, headers=owner.auth)
    assert unknown.status_code == 404 and "123456" in unknown.json()["error"]
    down = await api.post("/api/v1/companies", json={"cif": DOWN}, headers=owner.auth)
    assert down.status_code == 503 and down.json()["error"]
    assert ok(await api.get("/api/v1/companies", headers=owner.auth))["data"] == []


async def test_without_a_registry_provider_a_cif_alone_is_not_enough(api):
    owner = await register(api, "owner@alfa.ro")
    answer = await api.post("/api/v1/companies", json={"cif": "9010105"}, headers=owner.auth)
    assert answer.status_code == 404 and "name" in answer.json()["error"]


async def test_full_data_is_accepted_without_lookup(with_registry):
    api, plugin = with_registry
    owner = await register(api, "owner@alfa.ro")
    company = ok(await api.post("/api/v1/companies", json=COMPANY, headers=owner.auth), 201)
    assert plugin.calls == []
    assert company["name"] == "Alfa Software SRL" and company["cif"] == 18547290 and company["vatCode"] == "RO18547290"
    assert company["defaultCurrency"] == "RON" and company["createdAt"].endswith("+00:00")


async def test_new_company_gets_default_series_and_vat_rates(owner, api):
    series = ok(await api.get("/api/v1/document-series", headers=owner.headers))["data"]
    assert {(s["prefix"], s["type"], s["isDefault"], s["source"], s["nextNumber"]) for s in series} == {
        ("FCT", "invoice", True, "default", "FCT0001"),
        ("PRO", "proforma", True, "default", "PRO0001"),
        ("CH", "receipt", True, "default", "CH0001"),
        ("BON", "voucher", True, "default", "BON0001"),
    }
    answer = await api.get("/api/v1/vat-rates", headers=owner.headers)
    rates = json.loads(answer.text, parse_float=Decimal)["data"]
    assert [(r["rate"], r["categoryCode"], r["isDefault"]) for r in rates] == [
        (Decimal("21.00"), "S", True),
        (Decimal("11.00"), "S", False),
        (Decimal("0.00"), "Z", False),
        (Decimal("0.00"), "E", False),
    ]


async def test_duplicate_cif_in_the_organisation_is_409(owner, api):
    for cif in ("18547290", "RO18547290", 18547290):
        answer = await api.post("/api/v1/companies", json={**COMPANY, "cif": cif}, headers=owner.auth)
        assert answer.status_code == 409 and answer.json()["code"] == "DUPLICATE_CIF"


@pytest.mark.parametrize("cif", ["", "-", "RO12AB", "12345678901"])
async def test_malformed_cif_is_400(owner, api, cif):
    answer = await api.post("/api/v1/companies", json={"cif": cif, "name": "X"}, headers=owner.auth)
    assert answer.status_code == 400 and answer.json()["error"]


async def test_update_company(owner, api):
    url = f"/api/v1/companies/{owner.company_id}"
    updated = ok(
        await api.patch(
            url,
            json={"efacturaDelayHours": 24, "bankName": "BT", "website": None, "syncDaysBack": 30},
            headers=owner.auth,
        )
    )
    assert updated["efacturaDelayHours"] == 24 and updated["bankName"] == "BT" and updated["syncDaysBack"] == 30
    assert updated["cif"] == 18547290 and updated["name"] == "Alfa Software SRL"
    bad = (
        {"efacturaDelayHours": 5},
        {"name": " "},
        {"country": "Romania"},
        {"syncDaysBack": "many"},
        {"state": "Atlantis"},
    )
    for body in bad:
        answer = await api.patch(url, json=body, headers=owner.auth)
        assert answer.status_code == 400 and answer.json()["error"], body
    cleared = ok(await api.patch(url, json={"efacturaDelayHours": None}, headers=owner.auth))
    assert cleared["efacturaDelayHours"] is None
    not_payer = ok(await api.patch(url, json={"vatPayer": False, "vatCode": None}, headers=owner.auth))
    assert not_payer["vatPayer"] is False and not_payer["vatCode"] is None
    payer = ok(await api.patch(url, json={"vatPayer": True, "state": "CJ"}, headers=owner.auth))
    assert payer["vatCode"] == "RO18547290" and payer["state"] == "CJ"


async def test_request_bodies_are_in_the_openapi_document(api):
    schema = ok(await api.get("/schema/openapi.json"))
    names = set(schema["components"]["schemas"])
    assert {
        "CompanyIn",
        "CompanyPatch",
        "RegisterIn",
        "LoginIn",
        "ClientIn",
        "ProductIn",
        "VatRateIn",
        "SeriesIn",
    } <= names
    assert "cif" in schema["components"]["schemas"]["CompanyIn"]["properties"]
    assert "unitOfMeasure" in schema["components"]["schemas"]["ProductIn"]["properties"]


async def test_unique_indexes_back_the_duplicate_checks(owner, api):
    """A create that loses a race past the service's check still cannot duplicate a CIF or a prefix."""
    import datetime as dt

    from core.auth.tables import Company
    from core.db.engine import is_unique_violation
    from core.invoicing.tables import DocumentSeries

    org = ok(await api.get("/api/v1/me", headers=owner.auth))["organization"]["id"]
    with pytest.raises(Exception) as raised:
        in_app(api, Company(organisation=org, name="Copy", cif="18547290").save().run)
    assert is_unique_violation(raised.value)
    deleted = Company(organisation=org, name="Old", cif="18547290", deleted_at=dt.datetime.now(dt.timezone.utc))
    in_app(api, deleted.save().run)  # the index ignores deleted companies
    with pytest.raises(Exception) as raised:
        in_app(api, DocumentSeries(company=owner.company_id, prefix="FCT", type="receipt").save().run)
    assert is_unique_violation(raised.value)
