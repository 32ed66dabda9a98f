"""Suppliers written by hand: create (known CIF answers the existing one), update of the editable
fields, soft delete, bulk delete with per-id errors, another organisation's company (403), and
clients' bulk delete (shape D)."""

from __future__ import annotations

import uuid

from tests.core.conftest import ok

SUPPLIER = {
    "name": "Furnizor Ţesături SRL",
    "cif": "RO14399840",
    "isVatPayer": True,
    "registrationNumber": "J22/100/2001",
    "address": "Str. Lungă 3",
    "city": "Iaşi",
    "county": "Iaşi",
    "email": "office@furnizor.ro",
    "bankAccount": "RO49AAAA1B31007593840000",
}


async def test_supplier_create_update_delete(owner, api):
    created = await api.post("/api/v1/suppliers", json=SUPPLIER, headers=owner.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    supplier = body["supplier"]
    assert body["existing"] is False
    assert supplier["cif"] == "14399840" and supplier["vatCode"] == "RO14399840" and supplier["isVatPayer"] is True
    assert supplier["name"] == "Furnizor Ţesături SRL" and supplier["source"] == "manual" and supplier["createdAt"]

    again = await api.post("/api/v1/suppliers", json={"name": "Alt nume", "cif": "14399840"}, headers=owner.headers)
    assert again.status_code == 200 and again.json() == {"supplier": supplier, "existing": True}

    detail = ok(await api.get(f"/api/v1/suppliers/{supplier['id']}", headers=owner.headers))
    assert detail["supplier"]["name"] == supplier["name"] and detail["invoiceCount"] == 0

    patched = ok(
        await api.patch(
            f"/api/v1/suppliers/{supplier['id']}",
            json={"phone": "0232 111 222", "bankName": "Banca Transilvania", "notes": "plată la 30 de zile", "postalCode": "700001"},
            headers=owner.headers,
        )
    )["supplier"]
    assert patched["phone"] == "0232 111 222" and patched["bankName"] == "Banca Transilvania"
    assert patched["notes"] == "plată la 30 de zile" and patched["postalCode"] == "700001"
    assert patched["email"] == "office@furnizor.ro" and patched["name"] == supplier["name"]  # untouched
    listed = ok(await api.get("/api/v1/suppliers", params={"search": "Furnizor"}, headers=owner.headers))
    assert listed["total"] == 1 and listed["data"][0]["phone"] == "0232 111 222"

    deleted = await api.delete(f"/api/v1/suppliers/{supplier['id']}", headers=owner.headers)
    assert deleted.status_code == 204 and not deleted.content
    assert (await api.get(f"/api/v1/suppliers/{supplier['id']}", headers=owner.headers)).status_code == 404
    assert (await api.delete(f"/api/v1/suppliers/{supplier['id']}", headers=owner.headers)).json() == {"error": "Supplier not found."}
    # once deleted, the CIF may be created again
    assert (await api.post("/api/v1/suppliers", json=SUPPLIER, headers=owner.headers)).status_code == 201


async def test_supplier_field_errors_are_shape_b(owner, api):
    answer = await api.post("/api/v1/suppliers", json={"cif": "123", "email": "nope", "country": "Romania"}, headers=owner.headers)
    assert answer.status_code == 422
    assert {e["key"] for e in answer.json()["errors"]} == {"name", "email", "country"}
    supplier = ok(await api.post("/api/v1/suppliers", json=SUPPLIER, headers=owner.headers), 201)["supplier"]
    bad = await api.patch(f"/api/v1/suppliers/{supplier['id']}", json={"email": "x@"}, headers=owner.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["key"] == "email"
    # the registry identity is read-only: an unknown field is refused, nothing changes
    renamed = await api.patch(f"/api/v1/suppliers/{supplier['id']}", json={"name": "Other"}, headers=owner.headers)
    assert renamed.status_code == 400 and renamed.json()["error"]
    wrong_type = await api.post("/api/v1/suppliers", json={"name": 5}, headers=owner.headers)
    assert wrong_type.status_code == 400
    assert ok(await api.get(f"/api/v1/suppliers/{supplier['id']}", headers=owner.headers))["supplier"]["name"] == SUPPLIER["name"]


async def test_unknown_supplier_is_404(owner, api):
    missing = str(uuid.uuid4())
    assert (await api.patch(f"/api/v1/suppliers/{missing}", json={"phone": "1"}, headers=owner.headers)).status_code == 404
    assert (await api.delete(f"/api/v1/suppliers/{missing}", headers=owner.headers)).status_code == 404


async def test_bulk_delete_suppliers_reports_each_id(owner, api):
    first = ok(await api.post("/api/v1/suppliers", json=SUPPLIER, headers=owner.headers), 201)["supplier"]
    second = ok(await api.post("/api/v1/suppliers", json={"name": "Al doilea SRL", "cif": "6859662"}, headers=owner.headers), 201)["supplier"]
    missing = str(uuid.uuid4())
    answer = ok(await api.post("/api/v1/suppliers/bulk-delete", json={"ids": [first["id"], second["id"], missing, first["id"]]}, headers=owner.headers), 200)
    assert answer == {"deleted": 2, "errors": [{"id": missing, "error": "Supplier not found."}]}
    assert ok(await api.get("/api/v1/suppliers", headers=owner.headers))["total"] == 0
    for ids in ([], [str(uuid.uuid4()) for _ in range(101)]):
        refused = await api.post("/api/v1/suppliers/bulk-delete", json={"ids": ids}, headers=owner.headers)
        assert refused.status_code == 400 and refused.json()["field"] == "ids"


async def test_bulk_delete_clients(owner, api):
    ids = []
    for name, cui in (("Unu SRL", "6859662"), ("Doi SRL", "14399840")):
        body = {"name": name, "cui": cui, "county": "Cluj", "city": "Cluj-Napoca"}
        ids.append(ok(await api.post("/api/v1/clients", json=body, headers=owner.headers), 201)["client"]["id"])
    missing = str(uuid.uuid4())
    answer = ok(await api.post("/api/v1/clients/bulk-delete", json={"ids": [*ids, missing]}, headers=owner.headers), 200)
    assert answer == {"deleted": 2, "errors": [{"id": missing, "error": "Client not found."}]}
    assert ok(await api.get("/api/v1/clients", headers=owner.headers))["total"] == 0
    refused = await api.post("/api/v1/clients/bulk-delete", json={"ids": "x"}, headers=owner.headers)
    assert refused.status_code == 400


async def test_another_organisations_suppliers_and_clients_are_403(two_orgs):
    api, a, b = two_orgs
    theirs = ok(await api.post("/api/v1/suppliers", json=SUPPLIER, headers=b.headers), 201)["supplier"]
    intruder = {**a.auth, "X-Company": b.company_id}
    for answer in (
        await api.post("/api/v1/suppliers", json=SUPPLIER, headers=intruder),
        await api.patch(f"/api/v1/suppliers/{theirs['id']}", json={"phone": "1"}, headers=intruder),
        await api.delete(f"/api/v1/suppliers/{theirs['id']}", headers=intruder),
        await api.post("/api/v1/suppliers/bulk-delete", json={"ids": [theirs["id"]]}, headers=intruder),
        await api.post("/api/v1/clients/bulk-delete", json={"ids": [theirs["id"]]}, headers=intruder),
    ):
        assert answer.status_code == 403 and answer.json()["error"]
    # with their own company header, A cannot reach B's supplier either
    mine = await api.post("/api/v1/suppliers/bulk-delete", json={"ids": [theirs["id"]]}, headers=a.headers)
    assert mine.json() == {"deleted": 0, "errors": [{"id": theirs["id"], "error": "Supplier not found."}]}
    assert ok(await api.get(f"/api/v1/suppliers/{theirs['id']}", headers=b.headers))["supplier"]["id"] == theirs["id"]
