"""Company context (objects.md §8.4 with the design's override): 403 for a company the caller may
not access, 404 for an unknown one, the organisation's only company used implicitly."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from core.auth.tables import Company, Membership
from tests.core.conftest import in_app, ok
from tests.support.tenants import two_companies

NOT_FOUND = {"error": "Company not found."}


@pytest.fixture
async def two_orgs(settings):
    """Organisations A (first run) and B (open registration), each with one company."""
    async with two_companies(settings) as orgs:
        yield orgs


async def test_another_organisations_company_is_403_by_header_and_by_query(two_orgs):
    api, a, b = two_orgs
    by_header = await api.get("/api/v1/clients", headers={**a.auth, "X-Company": b.company_id})
    assert by_header.status_code == 403 and by_header.json()["error"]
    by_query = await api.get("/api/v1/clients", params={"company": b.company_id}, headers=a.auth)
    assert by_query.status_code == 403
    assert (await api.get(f"/api/v1/companies/{b.company_id}", headers=a.auth)).status_code == 403
    assert (
        await api.patch(f"/api/v1/companies/{b.company_id}", json={"name": "Mine now"}, headers=a.auth)
    ).status_code == 403
    listed = ok(await api.get("/api/v1/companies", headers=a.auth))["data"]
    assert [c["id"] for c in listed] == [a.company_id]


async def test_query_parameter_wins_over_header(two_orgs):
    api, a, b = two_orgs
    mine_in_query = await api.get(
        "/api/v1/document-series", params={"company": a.company_id}, headers={**a.auth, "X-Company": b.company_id}
    )
    assert mine_in_query.status_code == 200
    theirs_in_query = await api.get(
        "/api/v1/document-series", params={"company": b.company_id}, headers={**a.auth, "X-Company": a.company_id}
    )
    assert theirs_in_query.status_code == 403


async def test_unknown_company_is_404(owner, api):
    for company in (str(uuid.uuid4()), "not-a-uuid"):
        answer = await api.get("/api/v1/clients", headers={**owner.auth, "X-Company": company})
        assert answer.status_code == 404 and answer.json() == NOT_FOUND
    assert (await api.get(f"/api/v1/companies/{uuid.uuid4()}", headers=owner.auth)).json() == NOT_FOUND


async def test_only_company_is_used_implicitly_and_two_need_a_choice(owner, api):
    ok(await api.get("/api/v1/clients", headers=owner.auth))
    second = ok(
        await api.post(
            "/api/v1/companies", json={"cif": "14399840", "name": "Beta SRL", "state": "Cluj"}, headers=owner.auth
        ),
        201,
    )
    assert (await api.get("/api/v1/clients", headers=owner.auth)).json() == NOT_FOUND
    ok(await api.get("/api/v1/clients", headers={**owner.auth, "X-Company": second["id"]}))


async def test_soft_deleted_company_is_not_found(owner, api):
    now = dt.datetime.now(dt.timezone.utc)
    in_app(api, Company.update({Company.deleted_at: now}).where(Company.id == owner.company_id).run)
    assert (await api.get("/api/v1/clients", headers=owner.headers)).json() == NOT_FOUND
    assert (await api.get(f"/api/v1/companies/{owner.company_id}", headers=owner.auth)).status_code == 404
    assert ok(await api.get("/api/v1/companies", headers=owner.auth))["data"] == []
    # the CIF may be added again once the old company is deleted
    ok(
        await api.post(
            "/api/v1/companies",
            json={"cif": "18547290", "name": "Alfa again", "state": "Bucuresti"},
            headers=owner.auth,
        ),
        201,
    )


async def test_allowed_companies_and_role_restrict_a_member(owner, api):
    other = ok(
        await api.post(
            "/api/v1/companies", json={"cif": "14399840", "name": "Beta SRL", "state": "Cluj"}, headers=owner.auth
        ),
        201,
    )
    restrict = Membership.update({Membership.role: "employee", Membership.allowed_companies: [owner.company_id]})
    in_app(api, restrict.where(Membership.organisation.is_not_null()).run)
    assert (await api.get("/api/v1/clients", headers={**owner.auth, "X-Company": other["id"]})).status_code == 403
    assert [c["id"] for c in ok(await api.get("/api/v1/companies", headers=owner.auth))["data"]] == [owner.company_id]
    ok(await api.get("/api/v1/clients", headers=owner.headers))  # an employee may read...
    denied = await api.post("/api/v1/clients", json={"name": "X", "county": "Cluj"}, headers=owner.headers)
    assert denied.status_code == 403 and denied.json() == {"error": "Permission denied."}  # ...but not write
    assert (
        await api.post("/api/v1/companies", json={"cif": "123456", "name": "Z"}, headers=owner.auth)
    ).status_code == 403
    me = ok(await api.get("/api/v1/me", headers=owner.auth))
    assert me["currentRole"] == "employee" and me["allowedCompanies"] == [owner.company_id]


async def test_x_organization_must_be_a_membership(owner, api):
    assert (await api.get("/api/v1/me", headers={**owner.auth, "X-Organization": str(uuid.uuid4())})).status_code == 403
