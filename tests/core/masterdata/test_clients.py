"""Clients (objects.md §3.3): envelopes, existing CUI, shape-B field errors, pagination, soft delete."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest

from tests.core.conftest import add_company, ok, register

CLIENT = {
    "type": "company",
    "name": "Client Test SRL",
    "cui": "RO6859662",
    "isVatPayer": True,
    "address": "Str. Clientului 7",
    "city": "Cluj-Napoca",
    "county": "Cluj",
    "country": "RO",
    "email": "office@client.ro",
}


async def test_client_crud_with_envelopes(owner, api):
    created = await api.post("/api/v1/clients", json=CLIENT, headers=owner.headers)
    assert created.status_code == 201
    body = created.json()
    assert body["anafValidated"] is False
    client = body["client"]
    assert client["cui"] == "6859662" and client["vatCode"] == "RO6859662" and client["isVatPayer"] is True
    assert client["county"] == "Cluj" and client["source"] == "api" and client["einvoiceIdentifiers"] is None

    detail = ok(await api.get(f"/api/v1/clients/{client['id']}", headers=owner.headers))
    assert detail["client"] == client and detail["invoiceHistory"] == []

    patched = ok(
        await api.patch(
            f"/api/v1/clients/{client['id']}",
            json={"name": "Client Nou SRL", "isVatPayer": False, "phone": "0740"},
            headers=owner.headers,
        )
    )
    assert patched["client"]["name"] == "Client Nou SRL" and patched["client"]["phone"] == "0740"
    assert patched["client"]["isVatPayer"] is False and patched["client"]["vatCode"] is None
    assert patched["client"]["email"] == "office@client.ro"  # untouched

    deleted = await api.delete(f"/api/v1/clients/{client['id']}", headers=owner.headers)
    assert deleted.status_code == 204 and not deleted.content
    assert (await api.get(f"/api/v1/clients/{client['id']}", headers=owner.headers)).status_code == 404
    assert ok(await api.get("/api/v1/clients", headers=owner.headers))["total"] == 0


async def test_existing_cui_answers_200_with_the_existing_client(owner, api):
    first = ok(await api.post("/api/v1/clients", json=CLIENT, headers=owner.headers), 201)["client"]
    again = await api.post("/api/v1/clients", json={"cui": "6859662", "name": "Other name"}, headers=owner.headers)
    assert again.status_code == 200
    assert again.json() == {"client": first, "existing": True}
    assert ok(await api.get("/api/v1/clients", headers=owner.headers))["total"] == 1


async def test_individual_without_cui(owner, api):
    body = {
        "type": "individual",
        "name": "Ion Popescu",
        "cui": "-",
        "cnp": "1800101221144",
        "county": "Iasi",
        "city": "Iasi",
    }
    client = ok(await api.post("/api/v1/clients", json=body, headers=owner.headers), 201)["client"]
    assert client["cui"] is None and client["cnp"] == "1800101221144" and client["vatCode"] is None


@pytest.mark.parametrize(
    ("body", "keys"),
    [
        ({"county": "Cluj"}, {"name"}),
        ({"name": "X SRL", "county": "Atlantis"}, {"county"}),
        ({"name": "X SRL", "county": "Cluj", "cui": "RO12AB"}, {"cui"}),
        (
            {"name": "X", "county": "Cluj", "type": "robot", "email": "nope", "currency": "EURO", "cnp": "12"},
            {"type", "email", "currency", "cnp"},
        ),
        ({"name": "X", "country": "DE", "defaultPaymentTermDays": -1}, {"defaultPaymentTermDays"}),
    ],
)
async def test_field_errors_are_422_shape_b(owner, api, body, keys):
    answer = await api.post("/api/v1/clients", json=body, headers=owner.headers)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert {e["key"] for e in errors} == keys and all(e["message"] for e in errors)


async def test_foreign_client_needs_no_county(owner, api):
    body = {"name": "Muster GmbH", "country": "de", "cui": "DE123456789", "isVatPayer": True, "city": "Berlin"}
    client = ok(await api.post("/api/v1/clients", json=body, headers=owner.headers), 201)["client"]
    assert client["country"] == "DE" and client["cui"] == "123456789" and client["vatCode"] == "DE123456789"


async def test_malformed_json_and_wrong_types_are_400(owner, api):
    malformed = await api.post(
        "/api/v1/clients", content=b'{"name": "x",', headers={**owner.headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and "JSON" in malformed.json()["error"]
    wrong = await api.post(
        "/api/v1/clients", json={"name": "X", "county": "Cluj", "isVatPayer": "maybe"}, headers=owner.headers
    )
    assert wrong.status_code == 400 and "isVatPayer" in wrong.json()["error"]
    wrong_patch = await api.patch(
        f"/api/v1/clients/{uuid.uuid4()}", json={"defaultPaymentTermDays": "soon"}, headers=owner.headers
    )
    assert wrong_patch.status_code == 400


async def test_pagination_search_and_invoice_figures(owner, api):
    for n in range(25):
        ok(
            await api.post(
                "/api/v1/clients", json={"name": f"Client {n:02d}", "county": "Cluj"}, headers=owner.headers
            ),
            201,
        )
    first = ok(await api.get("/api/v1/clients", headers=owner.headers))
    assert (first["total"], first["page"], first["limit"], first["pages"], len(first["data"])) == (25, 1, 20, 2, 20)
    last = ok(await api.get("/api/v1/clients", params={"page": 3, "limit": 10}, headers=owner.headers))
    assert (last["page"], last["limit"], last["pages"], [c["name"] for c in last["data"]]) == (
        3,
        10,
        3,
        [f"Client {n}" for n in range(20, 25)],
    )
    beyond = ok(await api.get("/api/v1/clients", params={"page": 9}, headers=owner.headers))
    assert beyond["data"] == [] and beyond["total"] == 25
    row = json.loads(
        (await api.get("/api/v1/clients", params={"limit": 1}, headers=owner.headers)).text, parse_float=Decimal
    )["data"][0]
    assert row["invoiceCount"] == 0 and row["invoiceTotal"] == Decimal("0.00")
    found = ok(await api.get("/api/v1/clients", params={"search": "client 1"}, headers=owner.headers))
    assert found["total"] == 10
    for params in ({"limit": 101}, {"limit": 0}, {"page": 0}, {"page": "x"}):
        assert (await api.get("/api/v1/clients", params=params, headers=owner.headers)).status_code == 422, params


async def test_clients_of_another_company_are_not_found(owner, api):
    client = ok(await api.post("/api/v1/clients", json=CLIENT, headers=owner.headers), 201)["client"]
    other = ok(
        await api.post(
            "/api/v1/companies", json={"cif": "14399840", "name": "Beta SRL", "state": "Cluj"}, headers=owner.auth
        ),
        201,
    )
    headers = {**owner.auth, "X-Company": other["id"]}
    assert (await api.get(f"/api/v1/clients/{client['id']}", headers=headers)).status_code == 404
    assert (await api.delete(f"/api/v1/clients/{client['id']}", headers=headers)).status_code == 404
    assert ok(await api.get("/api/v1/clients", headers=headers))["total"] == 0
    # the same CUI is a new client in the other company
    assert (await api.post("/api/v1/clients", json=CLIENT, headers=headers)).status_code == 201


async def test_romanian_company_sent_by_cui_alone_is_filled_from_the_registry(with_registry):
    api, plugin = with_registry
    owner = await register(api, "owner@alfa.ro")
    await add_company(api, owner)
    created = await api.post("/api/v1/clients", json={"cui": "RO9010105"}, headers=owner.headers)
    assert created.status_code == 201 and created.json()["anafValidated"] is True
    client = created.json()["client"]
    assert (
        client["name"] == "ORANGE ROMANIA SA"
        and client["county"] == "Municipiul Bucuresti"
        and client["source"] == "anaf"
    )
    assert client["isVatPayer"] is True and client["vatCode"] == "RO9010105"
    unknown = await api.post("/api/v1/clients", json={"cui": "123456"}, headers=owner.headers)
    assert unknown.status_code == 422 and {e["key"] for e in unknown.json()["errors"]} == {"name", "county"}
    assert plugin.calls == [("RO", "9010105"), ("RO", "123456")]
