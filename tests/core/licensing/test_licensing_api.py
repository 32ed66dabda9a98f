"""The licensing endpoints on a self-hosted appliance and the licence's company limit, through the API.

The licences are signed with the development key (the tests run with ``STORNO_ENV=development``);
installing one writes it to the data directory, where the gate of every process reads it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.audit.tables import AuditEntry
from core.auth.tables import Membership
from license.gate import INSTALLED_LICENSE_NAME
from license.keys import DEV_KEY_ID
from tests.core.conftest import COMPANY, add_company, in_app, ok, register, start_api
from tests.support.licences import dev_licence

DAY = dt.timedelta(days=1)


def _licence(**claims: object) -> str:
    """A development licence for at most two companies unless ``claims`` say otherwise."""
    return dev_licence(**{"max_companies": 2, **claims})


def _other_company(n: int) -> dict[str, str]:
    return {"cif": f"RO{14399840 + n * 7}", "name": f"Beta {n} SRL"}


async def test_without_an_installed_licence_the_list_is_empty(api, owner):
    assert ok(await api.get("/api/v1/licensing/keys", headers=owner.auth)) == {"data": []}
    assert (await api.get("/api/v1/licensing/keys")).status_code == 401


async def test_install_list_and_remove_the_licence(api, owner, settings):
    token = _licence()
    installed = ok(await api.post("/api/v1/licensing/keys", json={"licenseKey": token}, headers=owner.auth), 201)
    assert installed["licenseKey"] == f"{token[:8]}...{token[-8:]}" and token not in str(installed)
    assert (installed["plan"], installed["organisation"], installed["providers"]) == ("pro", "ACME SRL", ["anaf"])
    assert installed["maxCompanies"] == 2 and installed["companyCount"] == 1
    assert installed["daysLeft"] in (29, 30) and installed["lastViolations"] == []
    assert (settings.data_dir / INSTALLED_LICENSE_NAME).read_text().strip() == token
    assert (settings.data_dir / INSTALLED_LICENSE_NAME).stat().st_mode & 0o777 == 0o600

    listed = ok(await api.get("/api/v1/licensing/keys", headers=owner.auth))["data"]
    assert [entry["id"] for entry in listed] == [installed["id"]]
    assert listed[0]["source"] == "data directory" and listed[0]["keyId"] == DEV_KEY_ID
    assert listed[0]["instanceMetrics"] == {"orgCount": 1, "userCount": 1, "companyCount": 1, "invoicesThisMonth": 0}
    assert listed[0]["activatedAt"] and listed[0]["active"] is True

    assert (await api.delete("/api/v1/licensing/keys/00000000-0000-0000-0000-000000000000", headers=owner.auth)).status_code == 404
    assert (await api.delete(f"/api/v1/licensing/keys/{installed['id']}", headers=owner.auth)).status_code == 204
    assert not (settings.data_dir / INSTALLED_LICENSE_NAME).exists()
    assert ok(await api.get("/api/v1/licensing/keys", headers=owner.auth)) == {"data": []}

    audited = in_app(api, AuditEntry.select(AuditEntry.action, AuditEntry.details, AuditEntry.target)
                     .where(AuditEntry.action == "license.changed").order_by(AuditEntry.seq).run)
    assert [a["target"] for a in audited] == [installed["id"], installed["id"]]
    assert '"installed"' in audited[0]["details"] and '"removed"' in audited[1]["details"]
    assert all(token not in str(a["details"]) for a in audited)


@pytest.mark.parametrize("bad", ["not-a-licence", "tampered", "expired", "audience"])
async def test_a_licence_that_does_not_verify_is_refused_and_nothing_changes(api, owner, settings, bad):
    good = _licence()
    ok(await api.post("/api/v1/licensing/keys", json={"licenseKey": good}, headers=owner.auth), 201)
    if bad == "tampered":
        header, payload, signature = _licence(max_companies=99).split(".")
        token = f"{header}.{good.split('.')[1]}.{signature}"
    elif bad == "expired":
        now = dt.datetime.now(dt.timezone.utc)
        token = _licence(not_before=now - 90 * DAY, expires=now - 30 * DAY)
    elif bad == "audience":
        token = _licence(audience="another-product")
    else:
        token = bad
    response = await api.post("/api/v1/licensing/keys", json={"licenseKey": token}, headers=owner.auth)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "LICENSE_INVALID" and body["error"].startswith("The licence")
    assert (settings.data_dir / INSTALLED_LICENSE_NAME).read_text().strip() == good


async def test_only_owners_manage_the_licence(api, owner):
    in_app(api, Membership.update({Membership.role: "admin"}).where(Membership.organisation.is_not_null()).run)
    for response in (
        await api.get("/api/v1/licensing/keys", headers=owner.auth),
        await api.post("/api/v1/licensing/keys", json={"licenseKey": _licence()}, headers=owner.auth),
    ):
        assert response.status_code == 403 and response.json() == {"error": "Permission denied."}


async def test_company_limit_answers_402_plan_limit(api, owner):
    ok(await api.post("/api/v1/licensing/keys", json={"licenseKey": _licence(max_companies=2)}, headers=owner.auth), 201)
    ok(await api.post("/api/v1/companies", json={**COMPANY, **_other_company(1)}, headers=owner.auth), 201)
    refused = await api.post("/api/v1/companies", json={**COMPANY, **_other_company(2)}, headers=owner.auth)
    assert refused.status_code == 402
    body = refused.json()
    assert body["code"] == "PLAN_LIMIT" and body["limit"] == 2 and "allows 2 companies" in body["error"]
    assert len(ok(await api.get("/api/v1/companies", headers=owner.auth))["data"]) == 2
    # a licence with a higher limit, installed while running, applies at once
    ok(await api.post("/api/v1/licensing/keys", json={"licenseKey": _licence(max_companies=3)}, headers=owner.auth), 201)
    ok(await api.post("/api/v1/companies", json={**COMPANY, **_other_company(2)}, headers=owner.auth), 201)
    assert (await api.post("/api/v1/companies", json={**COMPANY, **_other_company(3)}, headers=owner.auth)).status_code == 402


async def test_validate_is_public_and_reports_violations(api, owner):
    ok(await api.post("/api/v1/companies", json={**COMPANY, **_other_company(1)}, headers=owner.auth), 201)
    report = ok(await api.post("/api/v1/licensing/validate", json={"licenseKey": _licence(max_companies=1)}), 200)
    assert report["valid"] is True and report["plan"] == "pro" and report["maxCompanies"] == 1
    assert report["violations"] == ["2 companies exceed the licence's limit of 1."]
    refused = ok(await api.post("/api/v1/licensing/validate", json={"licenseKey": "e30.e30.e30"}), 200)
    assert refused == {"valid": False, "error": "The licence is not a well-formed licence token."}
    assert (await api.post("/api/v1/licensing/validate", json={})).status_code == 400


async def test_a_licence_set_by_the_environment_cannot_be_replaced_through_the_api(settings, monkeypatch):
    monkeypatch.setenv("STORNO_LICENSE", _licence(max_companies=1))
    async with start_api(settings) as api:
        owner = await register(api, "owner@alfa.ro", organizationName="Alfa")
        await add_company(api, owner)
        listed = ok(await api.get("/api/v1/licensing/keys", headers=owner.auth))["data"]
        assert listed[0]["source"] == "STORNO_LICENSE" and listed[0]["maxCompanies"] == 1
        response = await api.post("/api/v1/licensing/keys", json={"licenseKey": _licence()}, headers=owner.auth)
        assert response.status_code == 409 and "STORNO_LICENSE" in response.json()["error"]
        refused = await api.post("/api/v1/companies", json={**COMPANY, **_other_company(1)}, headers=owner.auth)
        assert refused.status_code == 402 and refused.json()["code"] == "PLAN_LIMIT"
