"""Deleting a company (soft, objects.md §3.12) and switching its e-Factura sync."""

from __future__ import annotations

from core.audit.tables import AuditEntry
from core.auth.tables import Company
from tests.core.auth.people import join
from tests.core.conftest import add_company, in_app, ok


async def test_soft_delete_hides_the_company_and_frees_its_cif(owner, api, settings):
    employee = await join(api, settings, owner, "emp@alfa.ro", "employee")
    assert (await api.delete(f"/api/v1/companies/{owner.company_id}", headers=employee.auth)).status_code == 403
    gone = await api.delete(f"/api/v1/companies/{owner.company_id}", headers=owner.auth)
    assert gone.status_code == 204
    assert (await api.get(f"/api/v1/companies/{owner.company_id}", headers=owner.auth)).status_code == 404
    assert ok(await api.get("/api/v1/companies", headers=owner.auth))["data"] == []
    assert (await api.delete(f"/api/v1/companies/{owner.company_id}", headers=owner.auth)).status_code == 404
    row = in_app(api, Company.select(Company.deleted_at).where(Company.id == owner.company_id).first().run)
    assert row["deleted_at"] is not None
    entries = in_app(api, AuditEntry.select(AuditEntry.action, AuditEntry.target).where(AuditEntry.action == "company.deleted").run)
    assert entries == [{"action": "company.deleted", "target": owner.company_id}]
    deleted = owner.company_id
    again = await add_company(api, owner)  # the same CIF can be added again, as a new company
    assert again != deleted
    listed = ok(await api.get("/api/v1/companies", headers=owner.auth))["data"]
    assert [(c["id"], c["cif"]) for c in listed] == [(again, 18547290)]


async def test_toggle_sync(owner, api, settings):
    first = ok(await api.post(f"/api/v1/companies/{owner.company_id}/toggle-sync", headers=owner.auth))
    assert first["syncEnabled"] is False and first["id"] == owner.company_id
    second = ok(await api.post(f"/api/v1/companies/{owner.company_id}/toggle-sync", headers=owner.auth))
    assert second["syncEnabled"] is True
    employee = await join(api, settings, owner, "emp@alfa.ro", "employee")
    assert (await api.post(f"/api/v1/companies/{owner.company_id}/toggle-sync", headers=employee.auth)).status_code == 403
