"""Members of an organisation (objects.md §3.18, §8.5): the list and its meta, role, companies,
explicit permissions and active flag, removal; the owner's protection, no escalation, tenancy."""

from __future__ import annotations

import msgspec
import pytest

from core.audit.tables import AuditEntry
from tests.core.auth.people import join, register_confirmed
from tests.core.conftest import add_company, in_app, ok, register, start_api

UNKNOWN_ID = "0190a0a0-0000-7000-8000-000000000000"


def _actions(api) -> list[str]:
    return in_app(api, AuditEntry.select(AuditEntry.action).order_by(AuditEntry.seq).output(as_list=True).run)


async def _member_id(api, tenant, email: str) -> str:
    rows = ok(await api.get("/api/v1/members", headers=tenant.auth))["data"]
    return next(m["id"] for m in rows if m["user"]["email"] == email)


async def test_list_with_meta(owner, api, settings):
    employee = await join(api, settings, owner, "emp@alfa.ro", "employee", [owner.company_id])
    listed = ok(await api.get("/api/v1/members", headers=owner.auth))
    assert listed["meta"] == {"canManage": True, "maxUsers": None, "currentCount": 2}
    rows = {m["user"]["email"]: m for m in listed["data"]}
    assert rows["owner@alfa.ro"]["role"] == "owner" and rows["owner@alfa.ro"]["isCurrentUser"] is True
    emp = rows["emp@alfa.ro"]
    assert emp["role"] == "employee" and emp["isActive"] is True and emp["isCurrentUser"] is False
    assert [c["name"] for c in emp["allowedCompanies"]] == ["Alfa Software SRL"] and emp["allowedCompanies"][0]["cif"] == 18547290
    assert emp["permissions"] == [] and emp["hasCustomPermissions"] is False and emp["joinedAt"]
    assert emp["user"]["lastConnectedAt"] >= emp["joinedAt"]  # joined through the invitation, then logged in
    seen_by_employee = ok(await api.get("/api/v1/members", headers=employee.auth))
    assert seen_by_employee["meta"]["canManage"] is False and len(seen_by_employee["data"]) == 2


async def test_permissions_reference(owner, api):
    reference = ok(await api.get("/api/v1/members/permissions-reference", headers=owner.auth))
    categories = {c["category"]: c["permissions"] for c in reference["categories"]}
    assert "invoice.issue" in categories["invoice"] and "org.manage_members" in categories["org"]
    assert set(reference["roles"]) == {"owner", "admin", "accountant", "employee"}
    assert "org.manage_billing" in reference["roles"]["owner"] and "org.manage_billing" not in reference["roles"]["admin"]
    assert "invoice.create" in reference["roles"]["accountant"] and "invoice.create" not in reference["roles"]["employee"]


async def test_role_companies_and_explicit_permissions_take_effect(owner, api, settings):
    other = await add_company(api, owner, cif="RO14399840", name="Beta Consult SRL")
    employee = await join(api, settings, owner, "emp@alfa.ro", "employee")
    emp_id = await _member_id(api, owner, "emp@alfa.ro")
    assert len(ok(await api.get("/api/v1/companies", headers=employee.auth))["data"]) == 2

    changed = ok(await api.patch(f"/api/v1/members/{emp_id}", json={"role": "accountant", "allowedCompanies": [other]}, headers=owner.auth))
    assert changed["role"] == "accountant" and [c["id"] for c in changed["allowedCompanies"]] == [other]
    me = ok(await api.get("/api/v1/me", headers=employee.auth))
    assert me["currentRole"] == "accountant" and "invoice.create" in me["permissions"]
    assert [c["id"] for c in ok(await api.get("/api/v1/companies", headers=employee.auth))["data"]] == [other]

    # an explicit list replaces the role defaults: without company.view the company list is closed
    narrowed = ok(await api.patch(f"/api/v1/members/{emp_id}", json={"permissions": ["invoice.view"]}, headers=owner.auth))
    assert narrowed["permissions"] == ["invoice.view"] and narrowed["hasCustomPermissions"] is True
    assert ok(await api.get("/api/v1/me", headers=employee.auth))["permissions"] == ["invoice.view"]
    assert (await api.get("/api/v1/companies", headers=employee.auth)).status_code == 403
    restored = ok(await api.patch(f"/api/v1/members/{emp_id}", json={"permissions": None}, headers=owner.auth))
    assert restored["hasCustomPermissions"] is False
    ok(await api.get("/api/v1/companies", headers=employee.auth))
    assert "member.updated" in _actions(api)


async def test_deactivated_and_removed_members_lose_access(owner, api, settings):
    employee = await join(api, settings, owner, "emp@alfa.ro", "employee")
    emp_id = await _member_id(api, owner, "emp@alfa.ro")
    off = ok(await api.patch(f"/api/v1/members/{emp_id}", json={"active": False}, headers=owner.auth))
    assert off["isActive"] is False
    assert ok(await api.get("/api/v1/members", headers=owner.auth))["meta"]["currentCount"] == 1
    assert (await api.get("/api/v1/companies", headers=employee.auth)).status_code == 403
    ok(await api.patch(f"/api/v1/members/{emp_id}", json={"isActive": True}, headers=owner.auth))
    ok(await api.get("/api/v1/companies", headers=employee.auth))
    removed = await api.delete(f"/api/v1/members/{emp_id}", headers=owner.auth)
    assert removed.status_code == 204
    assert (await api.get("/api/v1/companies", headers=employee.auth)).status_code == 403
    assert (await api.delete(f"/api/v1/members/{emp_id}", headers=owner.auth)).status_code == 404
    assert "member.removed" in _actions(api)


async def test_owner_is_protected_and_nobody_escalates(owner, api, settings):
    admin = await join(api, settings, owner, "adm@alfa.ro", "admin")
    await join(api, settings, owner, "emp@alfa.ro", "employee")
    owner_id = await _member_id(api, owner, "owner@alfa.ro")
    admin_id = await _member_id(api, owner, "adm@alfa.ro")
    emp_id = await _member_id(api, owner, "emp@alfa.ro")
    # the admin cannot touch the owner
    assert (await api.patch(f"/api/v1/members/{owner_id}", json={"role": "employee"}, headers=admin.auth)).status_code == 403
    assert (await api.patch(f"/api/v1/members/{owner_id}", json={"active": False}, headers=admin.auth)).status_code == 403
    assert (await api.delete(f"/api/v1/members/{owner_id}", headers=admin.auth)).status_code == 403
    # nor make anyone owner, nor hand out what they lack
    assert (await api.patch(f"/api/v1/members/{emp_id}", json={"role": "owner"}, headers=admin.auth)).status_code == 422
    billing = await api.patch(f"/api/v1/members/{emp_id}", json={"permissions": ["org.manage_billing"]}, headers=admin.auth)
    assert billing.status_code == 403
    ok(await api.patch(f"/api/v1/members/{emp_id}", json={"role": "admin"}, headers=admin.auth))
    # the owner cannot demote, deactivate or remove themselves
    assert (await api.patch(f"/api/v1/members/{owner_id}", json={"role": "admin"}, headers=owner.auth)).status_code == 422
    assert (await api.patch(f"/api/v1/members/{owner_id}", json={"active": False}, headers=owner.auth)).status_code == 422
    assert (await api.delete(f"/api/v1/members/{owner_id}", headers=owner.auth)).status_code == 422
    assert (await api.delete(f"/api/v1/members/{admin_id}", headers=admin.auth)).status_code == 422
    own = await api.patch(f"/api/v1/members/{admin_id}", json={"permissions": ["org.manage_members"]}, headers=admin.auth)
    assert own.status_code == 422
    # admins see every company (objects.md §8.4): a company list given to an admin is not kept
    widened = ok(await api.patch(f"/api/v1/members/{emp_id}", json={"allowedCompanies": [owner.company_id]}, headers=owner.auth))
    assert widened["role"] == "admin" and widened["allowedCompanies"] == []
    # input errors
    for body in ({"role": "boss"}, {"permissions": ["invoice.fly"]}, {"allowedCompanies": [UNKNOWN_ID]}):
        answer = await api.patch(f"/api/v1/members/{emp_id}", json=body, headers=owner.auth)
        assert answer.status_code == 400 and answer.json()["error"], body


async def test_members_without_the_permission_cannot_manage(owner, api, settings):
    employee = await join(api, settings, owner, "emp@alfa.ro", "employee")
    accountant = await join(api, settings, owner, "acc@alfa.ro", "accountant")
    emp_id = await _member_id(api, owner, "emp@alfa.ro")
    for tenant in (employee, accountant):
        assert (await api.patch(f"/api/v1/members/{emp_id}", json={"role": "accountant"}, headers=tenant.auth)).status_code == 403
        assert (await api.delete(f"/api/v1/members/{emp_id}", headers=tenant.auth)).status_code == 403


async def test_another_organisations_members_are_out_of_reach(settings):
    async with start_api(msgspec.structs.replace(settings, open_registration=True)) as api:
        alfa = await register(api, "owner@alfa.ro", organizationName="Alfa")
        beta = await register_confirmed(api, settings, "beta@beta.ro", organizationName="Beta")
        await join(api, settings, alfa, "emp@alfa.ro", "employee")
        alfa_emp = await _member_id(api, alfa, "emp@alfa.ro")
        beta_rows = ok(await api.get("/api/v1/members", headers=beta.auth))["data"]
        assert [m["user"]["email"] for m in beta_rows] == ["beta@beta.ro"]
        assert (await api.patch(f"/api/v1/members/{alfa_emp}", json={"role": "admin"}, headers=beta.auth)).status_code == 404
        assert (await api.delete(f"/api/v1/members/{alfa_emp}", headers=beta.auth)).status_code == 404
        assert (await api.patch("/api/v1/members/not-an-id", json={"role": "admin"}, headers=beta.auth)).status_code == 404
        assert ok(await api.get("/api/v1/members", headers=alfa.auth))["meta"]["currentCount"] == 2


@pytest.mark.parametrize("path", ["/api/v1/members", "/api/v1/invitations", "/api/v1/members/permissions-reference"])
async def test_member_routes_need_a_login(api, path):
    assert (await api.get(path)).status_code == 401
