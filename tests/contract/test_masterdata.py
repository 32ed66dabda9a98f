"""Contract of clients, products, VAT rates, suppliers, document series and the reference lists
over real HTTP (objects.md §1 shapes A/B, §2, §3.3–§3.5, §3.13); every body is checked against its
OpenAPI schema by :meth:`Api.call`."""

from __future__ import annotations

import uuid

from tests.contract.conftest import World
from tests.support.appliance import CLIENT

PRODUCT = {"name": "Abonament lunar", "unitOfMeasure": "luna", "defaultPrice": "99.90", "vatRate": "21"}


def test_clients(world: World) -> None:
    a, b = world.a, world.b
    existing = a.call("POST", "/api/v1/clients", 200, json=CLIENT)  # the fixture's CUI again
    assert existing["existing"] is True and existing["client"]["id"] == a.client_id
    person = a.call("POST", "/api/v1/clients", 201, json={"type": "individual", "name": "Ion Popescu", "cui": "-", "county": "Cluj", "email": "ion@example.ro"})
    assert person["client"]["cui"] is None and "anafValidated" in person
    page = a.call("GET", "/api/v1/clients", 200)
    assert (page["total"], page["page"], page["limit"], page["pages"]) == (2, 1, 20, 1)
    assert {row["invoiceCount"] for row in page["data"]} == {0}
    assert a.call("GET", "/api/v1/clients", 200, params={"search": "Popescu"})["total"] == 1
    a.invoice()
    detail = a.call("GET", f"/api/v1/clients/{a.client_id}", 200)
    assert len(detail["invoiceHistory"]) == 1 and detail["invoiceHistory"][0]["total"] == 242
    changed = a.call("PATCH", f"/api/v1/clients/{person['client']['id']}", 200, json={"phone": "0722000000"})
    assert changed["client"]["phone"] == "0722000000"
    invalid = a.call("POST", "/api/v1/clients", 422, json={"type": "robot", "name": "", "county": "Nowhere", "email": "not-an-email"})
    assert {e["key"] for e in invalid["errors"]} >= {"type", "email"}
    a.call("PATCH", f"/api/v1/clients/{a.client_id}", 422, json={"email": "nope"})
    a.call("POST", "/api/v1/clients", 400, json={"name": 12})
    a.call("GET", "/api/v1/clients", 422, params={"limit": 101})
    for method in ("GET", "PATCH", "DELETE"):
        a.call(method, f"/api/v1/clients/{uuid.uuid4()}", 404, **({"json": {}} if method == "PATCH" else {}))
    a.call("GET", f"/api/v1/clients/{b.client_id}", 404)
    a.call("DELETE", f"/api/v1/clients/{person['client']['id']}", 204)
    assert a.call("GET", "/api/v1/clients", 200)["total"] == 1


def test_products_and_vat_rates(world: World) -> None:
    a = world.a
    product = a.call("POST", "/api/v1/products", 201, json=PRODUCT)
    assert product["defaultPrice"] == 99.9 and product["vatRate"] == 21 and product["vatCategoryCode"] == "S"
    url = f"/api/v1/products/{product['id']}"
    assert a.call("GET", url, 200)["name"] == "Abonament lunar"
    page = a.call("GET", "/api/v1/products", 200)
    assert page["total"] == 1 and "description" not in page["data"][0]
    assert a.call("PATCH", url, 200, json={"defaultPrice": "120"})["defaultPrice"] == 120
    invalid = a.call("POST", "/api/v1/products", 400, json={"unitOfMeasure": "buc"})
    assert invalid["errors"] and all({"key", "message"} <= set(e) for e in invalid["errors"])
    a.call("POST", "/api/v1/products", 400, json={**PRODUCT, "vatRate": "150"})
    for method in ("GET", "PATCH", "DELETE"):
        a.call(method, f"/api/v1/products/{uuid.uuid4()}", 404, **({"json": {}} if method == "PATCH" else {}))
    a.call("DELETE", url, 204)
    assert a.call("GET", "/api/v1/products", 200)["total"] == 0

    rates = a.call("GET", "/api/v1/vat-rates", 200)["data"]
    assert rates and any(r["isDefault"] for r in rates)
    rate = a.call("POST", "/api/v1/vat-rates", 201, json={"rate": "11", "label": "11%", "categoryCode": "S"})
    assert rate["rate"] == 11
    assert a.call("PATCH", f"/api/v1/vat-rates/{rate['id']}", 200, json={"label": "Redusă"})["label"] == "Redusă"
    a.call("POST", "/api/v1/vat-rates", 400, json={"rate": "11", "label": "x", "categoryCode": "Q"})
    a.call("POST", "/api/v1/vat-rates", 400, json={"label": "no rate"})
    a.call("PATCH", f"/api/v1/vat-rates/{uuid.uuid4()}", 404, json={"label": "x"})
    a.call("DELETE", f"/api/v1/vat-rates/{rate['id']}", 204)
    codes = a.call("GET", "/api/v1/vat-category-codes", 200)["data"]
    assert {"S", "Z", "E", "AE"} <= {c["code"] for c in codes}
    defaults = a.call("GET", "/api/v1/invoice-defaults", 200)
    assert defaults["defaultCurrency"] == "RON" and defaults["exchangeRates"] is None and defaults["vatRates"]


def test_suppliers_read_side(world: World) -> None:
    a = world.a
    empty = a.call("GET", "/api/v1/suppliers", 200)
    assert (empty["data"], empty["total"], empty["page"], empty["pages"]) == ([], 0, 1, 0)
    a.call("GET", f"/api/v1/suppliers/{uuid.uuid4()}", 404)
    a.call("GET", "/api/v1/suppliers", 422, params={"page": 0})


def test_document_series(world: World) -> None:
    a = world.a
    series = a.call("GET", "/api/v1/document-series", 200)["data"]
    assert {s["type"] for s in series} >= {"invoice"}
    created = a.call("POST", "/api/v1/document-series", 201, json={"prefix": "CTR", "type": "invoice"})
    assert created["nextNumber"] == "CTR0001" and created["isDefault"] is False
    conflict = a.call("POST", "/api/v1/document-series", 409, json={"prefix": "CTR", "type": "proforma"})
    assert conflict["error"]
    a.call("POST", "/api/v1/document-series", 400, json={"prefix": "has space", "type": "invoice"})
    a.call("POST", "/api/v1/document-series", 400, json={"prefix": "X", "type": "banana"})
    url = f"/api/v1/document-series/{created['id']}"
    assert a.call("PATCH", url, 200, json={"currentNumber": 41})["nextNumber"] == "CTR0042"
    assert a.call("POST", f"{url}/set-default", 200)["isDefault"] is True
    a.call("PATCH", f"/api/v1/document-series/{uuid.uuid4()}", 404, json={"active": False})
    numbered = a.invoice(documentSeriesId=created["id"])
    assert a.call("POST", f"/api/v1/invoices/{numbered['id']}/issue", 200)["invoice"]["number"] == "CTR0042"
    a.call("DELETE", url, 422)  # it numbers a document now
    spare = a.call("POST", "/api/v1/document-series", 201, json={"prefix": "TMP", "type": "proforma"})
    assert a.call("DELETE", f"/api/v1/document-series/{spare['id']}", 200)["message"]
    a.call("DELETE", f"/api/v1/document-series/{spare['id']}", 404)
