"""Companies over the licence's company limit (objects.md §8.4, §3.12 ``isReadOnly``): the owner
keeps some writable with ``PUT /api/v1/companies/{id}/set-active``; writes to the others answer
403 shape I while reads keep working; within the limit nothing is read-only.

The licences are signed with the development key and installed through the API (the tests run
with ``STORNO_ENV=development``)."""

from __future__ import annotations

import io

from PIL import Image

from core.audit.tables import AuditEntry
from core.auth.tables import Membership
from tests.core.conftest import COMPANY, in_app, ok
from tests.support.licences import dev_licence
from tests.support.tenants import CLIENT, two_organisations

READ_ONLY = {"type", "title", "status", "detail", "error"}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def _refused(answer) -> None:
    assert answer.status_code == 403, (answer.request.method, answer.request.url, answer.status_code, answer.text[:200])
    body = answer.json()
    assert set(body) == READ_ONLY and body["status"] == 403 and body["detail"] == "company.readOnly"


async def _install(api, tenant, max_companies: int) -> None:
    licence = dev_licence(subject="Alfa SRL", max_companies=max_companies)
    ok(await api.post("/api/v1/licensing/keys", json={"licenseKey": licence}, headers=tenant.auth), 201)


async def _read_only(api, tenant) -> dict[str, bool]:
    return {c["name"]: c["isReadOnly"] for c in ok(await api.get("/api/v1/companies", headers=tenant.auth))["data"]}


async def _writes(api, tenant, company_id: str) -> list:
    """One write of each kind acting on ``company_id``: header, query, and the company's own routes."""
    auth = tenant.auth
    return [
        await api.post("/api/v1/clients", json=CLIENT, headers={**auth, "X-Company": company_id}),
        await api.post(
            "/api/v1/products",
            json={"name": "Ora", "unitOfMeasure": "ore", "defaultPrice": "10", "vatRate": 21},
            params={"company": company_id},
            headers=auth,
        ),
        await api.patch(f"/api/v1/companies/{company_id}", json={"phone": "0700000000"}, headers=auth),
        await api.post(f"/api/v1/companies/{company_id}/toggle-sync", headers=auth),
        await api.post(
            f"/api/v1/companies/{company_id}/logo", files={"file": ("l.png", _png(), "image/png")}, headers=auth
        ),
        await api.delete(f"/api/v1/companies/{company_id}/logo", headers=auth),
        await api.delete(f"/api/v1/companies/{company_id}", headers=auth),
    ]


async def test_over_the_limit_only_the_chosen_companies_stay_writable(settings):
    async with two_organisations(settings) as (api, a, b):
        # the licence counts every company of the appliance: A's first, B's, then A's second
        first = a.company_id
        second = ok(
            await api.post(
                "/api/v1/companies", json={**COMPANY, "cif": "RO14399847", "name": "Alfa Doi SRL"}, headers=a.auth
            ),
            201,
        )["id"]
        await _install(api, a, 3)
        assert await _read_only(api, a) == {"Alfa Software SRL": False, "Alfa Doi SRL": False}

        # two allowed, nothing chosen: the newest company becomes read-only
        await _install(api, a, 2)
        assert await _read_only(api, a) == {"Alfa Software SRL": False, "Alfa Doi SRL": True}
        for answer in await _writes(api, a, second):
            _refused(answer)
        # reads of the read-only company keep working; the others stay writable
        assert ok(await api.get(f"/api/v1/companies/{second}", headers=a.auth))["isReadOnly"] is True
        assert ok(await api.get("/api/v1/clients", headers={**a.auth, "X-Company": second}))["total"] == 0
        assert ok(await api.get("/api/v1/invoices", params={"company": second}, headers=a.auth))["total"] == 0
        ok(await api.post("/api/v1/clients", json=CLIENT, headers={**a.auth, "X-Company": first}))
        ok(await api.post("/api/v1/clients", json=CLIENT, headers=b.headers))

        # the owner picks the read-only one: it becomes writable
        chosen = ok(await api.put(f"/api/v1/companies/{second}/set-active", headers=a.auth))
        assert chosen["id"] == second and chosen["isReadOnly"] is False
        ok(await api.post("/api/v1/clients", json=CLIENT, headers={**a.auth, "X-Company": second}))
        ok(await api.patch(f"/api/v1/companies/{second}", json={"phone": "0700000000"}, headers=a.auth))

        # one allowed: only the chosen company stays writable
        await _install(api, a, 1)
        assert await _read_only(api, a) == {"Alfa Software SRL": True, "Alfa Doi SRL": False}
        _refused(await api.post("/api/v1/clients", json=CLIENT, headers={**a.auth, "X-Company": first}))
        _refused(await api.patch(f"/api/v1/companies/{first}", json={"phone": "0700000000"}, headers=a.auth))
        for answer in await _writes(api, b, b.company_id):
            _refused(answer)
        assert ok(await api.get("/api/v1/clients", headers={**a.auth, "X-Company": first}))["total"] == 1

        # and back: set-active works on a read-only company (a JSON body is accepted and ignored)
        assert (
            ok(await api.put(f"/api/v1/companies/{first}/set-active", json={}, headers=a.auth))["isReadOnly"] is False
        )
        assert await _read_only(api, a) == {"Alfa Software SRL": False, "Alfa Doi SRL": True}
        ok(await api.post("/api/v1/clients", json=CLIENT, headers={**a.auth, "X-Company": first}))
        _refused(await api.post("/api/v1/clients", json=CLIENT, headers={**a.auth, "X-Company": second}))
        audited = in_app(
            api,
            AuditEntry.select(AuditEntry.target)
            .where(AuditEntry.action == "company.set_active")
            .order_by(AuditEntry.seq)
            .run,
        )
        assert [row["target"] for row in audited] == [second, first]

        # a licence with room again: nothing is read-only
        await _install(api, a, 3)
        assert await _read_only(api, a) == {"Alfa Software SRL": False, "Alfa Doi SRL": False}
        ok(await api.post("/api/v1/clients", json=CLIENT, headers={**a.auth, "X-Company": second}))
        for answer in await _writes(api, b, b.company_id):
            assert answer.status_code in (200, 201, 204), (answer.request.url, answer.status_code, answer.text[:200])


async def test_set_active_is_for_the_owner_of_the_company(settings):
    async with two_organisations(settings) as (api, a, b):
        await _install(api, a, 1)  # B's company (the newer) is read-only
        for answer in (
            await api.put(f"/api/v1/companies/{a.company_id}/set-active", headers=b.auth),
            await api.put(f"/api/v1/companies/{b.company_id}/set-active", headers=a.auth),
        ):
            assert answer.status_code == 403 and answer.json() == {"error": "Permission denied."}
        assert (
            await api.put("/api/v1/companies/00000000-0000-7000-8000-000000000000/set-active", headers=a.auth)
        ).status_code == 404
        in_app(api, Membership.update({Membership.role: "admin"}).where(Membership.organisation.is_not_null()).run)
        answer = await api.put(f"/api/v1/companies/{b.company_id}/set-active", headers=b.auth)
        assert answer.status_code == 403 and answer.json() == {"error": "Permission denied."}
        assert ok(await api.get(f"/api/v1/companies/{b.company_id}", headers=b.auth))["isReadOnly"] is True


async def test_within_the_limit_nothing_is_read_only(settings):
    async with two_organisations(settings) as (api, a, b):
        await _install(api, a, 2)
        for tenant in (a, b):
            assert (
                ok(await api.get(f"/api/v1/companies/{tenant.company_id}", headers=tenant.auth))["isReadOnly"] is False
            )
            for answer in await _writes(api, tenant, tenant.company_id):
                assert answer.status_code in (200, 201, 204), (
                    answer.request.url,
                    answer.status_code,
                    answer.text[:200],
                )
