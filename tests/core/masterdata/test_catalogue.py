"""Products, VAT rates and suppliers (objects.md §3.4, §3.13): exact amounts as JSON numbers,
shape-B product errors, default flags, soft deletes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.masterdata.tables import Supplier
from tests.core.conftest import in_app, ok

PRODUCT = {
    "name": "Consultanță IT",
    "unitOfMeasure": "ore",
    "defaultPrice": "150.5",
    "vatRate": 21,
    "code": "CONS-1",
    "isService": True,
}


def exact(response) -> dict:
    """The body with every JSON number as an exact Decimal."""
    return json.loads(response.text, parse_float=Decimal)


async def test_product_crud_with_exact_numbers(owner, api):
    created = await api.post("/api/v1/products", json=PRODUCT, headers=owner.headers)
    assert created.status_code == 201
    product = exact(created)
    assert product["defaultPrice"] == Decimal("150.50") and '"defaultPrice":150.50' in created.text
    assert product["vatRate"] == Decimal("21.00") and product["vatCategoryCode"] == "S" and product["usage"] == "both"
    assert product["name"] == "Consultanță IT" and product["isService"] is True and product["description"] is None

    url = f"/api/v1/products/{product['id']}"
    assert exact(await api.get(url, headers=owner.headers)) == product
    patched = exact(
        await api.patch(
            url, json={"defaultPrice": "123456789.123456", "description": "Ore de consultanță"}, headers=owner.headers
        )
    )
    assert patched["defaultPrice"] == Decimal("123456789.123456") and patched["description"] == "Ore de consultanță"
    assert patched["vatRate"] == Decimal("21.00") and patched["code"] == "CONS-1"

    listed = exact(await api.get("/api/v1/products", headers=owner.headers))
    assert (listed["total"], listed["page"], listed["limit"], listed["pages"]) == (1, 1, 20, 1)
    assert listed["data"][0]["defaultPrice"] == Decimal("123456789.123456") and "description" not in listed["data"][0]

    deleted = await api.delete(url, headers=owner.headers)
    assert deleted.status_code == 204
    assert (await api.get(url, headers=owner.headers)).status_code == 404
    assert ok(await api.get("/api/v1/products", headers=owner.headers))["total"] == 0


async def test_product_field_errors_are_400_shape_b(owner, api):
    answer = await api.post("/api/v1/products", json={"code": "X"}, headers=owner.headers)
    assert answer.status_code == 400
    assert {e["key"] for e in answer.json()["errors"]} == {"name", "unitOfMeasure", "defaultPrice", "vatRate"}
    mismatch = await api.post("/api/v1/products", json={**PRODUCT, "vatCategoryCode": "E"}, headers=owner.headers)
    assert mismatch.status_code == 400 and mismatch.json()["errors"][0]["key"] == "vatRate"
    bad_usage = await api.post("/api/v1/products", json={**PRODUCT, "usage": "everywhere"}, headers=owner.headers)
    assert bad_usage.status_code == 400 and bad_usage.json()["errors"][0]["key"] == "usage"


@pytest.mark.parametrize(
    "change",
    [
        {"defaultPrice": "1.1234567"},
        {"defaultPrice": -1},
        {"vatRate": "101"},
        {"vatRate": "9.999"},
        {"defaultPrice": "NaN"},
        {"defaultPrice": "lots"},
        {"isService": "yes"},
    ],
)
async def test_bad_numbers_and_types_are_400(owner, api, change):
    answer = await api.post("/api/v1/products", json={**PRODUCT, **change}, headers=owner.headers)
    assert answer.status_code == 400 and answer.json()["error"], answer.text


async def test_product_pagination_and_limit_bounds(owner, api):
    for n in range(3):
        ok(
            await api.post(
                "/api/v1/products", json={**PRODUCT, "name": f"P{n}", "code": f"C{n}"}, headers=owner.headers
            ),
            201,
        )
    page = ok(await api.get("/api/v1/products", params={"limit": 2, "page": 2, "search": "p"}, headers=owner.headers))
    assert (page["total"], page["pages"], [p["name"] for p in page["data"]]) == (3, 2, ["P2"])
    assert (await api.get("/api/v1/products", params={"limit": 500}, headers=owner.headers)).status_code == 422


async def test_vat_rates_create_update_default_and_delete(owner, api):
    created = await api.post(
        "/api/v1/vat-rates",
        json={"rate": "9", "label": "9% (locuințe)", "isDefault": True, "position": 4},
        headers=owner.headers,
    )
    assert created.status_code == 201
    rate = exact(created)
    assert rate["rate"] == Decimal("9.00") and rate["categoryCode"] == "S" and rate["isDefault"] is True
    rates = exact(await api.get("/api/v1/vat-rates", headers=owner.headers))["data"]
    assert [r["id"] for r in rates if r["isDefault"]] == [rate["id"]] and len(rates) == 5

    twenty_one = next(r for r in rates if r["rate"] == Decimal("21.00"))
    updated = exact(
        await api.patch(
            f"/api/v1/vat-rates/{twenty_one['id']}", json={"isDefault": True, "label": "TVA 21%"}, headers=owner.headers
        )
    )
    assert updated["isDefault"] is True and updated["label"] == "TVA 21%"
    rates = exact(await api.get("/api/v1/vat-rates", headers=owner.headers))["data"]
    assert [r["id"] for r in rates if r["isDefault"]] == [twenty_one["id"]]

    wrong = await api.patch(f"/api/v1/vat-rates/{twenty_one['id']}", json={"categoryCode": "Z"}, headers=owner.headers)
    assert wrong.status_code == 400 and wrong.json()["error"]
    assert (
        await api.post("/api/v1/vat-rates", json={"rate": 5, "label": "x", "categoryCode": "Q"}, headers=owner.headers)
    ).status_code == 400
    assert (await api.post("/api/v1/vat-rates", json={"label": "no rate"}, headers=owner.headers)).status_code == 400

    assert (await api.delete(f"/api/v1/vat-rates/{rate['id']}", headers=owner.headers)).status_code == 204
    assert len(exact(await api.get("/api/v1/vat-rates", headers=owner.headers))["data"]) == 4
    assert (
        await api.patch(f"/api/v1/vat-rates/{rate['id']}", json={"label": "x"}, headers=owner.headers)
    ).status_code == 404


async def test_suppliers_list_and_detail(owner, api):
    empty = ok(await api.get("/api/v1/suppliers", headers=owner.headers))
    assert (empty["data"], empty["total"], empty["pages"]) == ([], 0, 0)
    supplier = Supplier(
        company=owner.company_id,
        name="Furnizor SRL",
        cif="14399840",
        vat_code="RO14399840",
        is_vat_payer=True,
        county="Cluj",
    )
    in_app(api, supplier.save().run)  # suppliers arrive through the e-Factura sync; seeded directly here
    listed = ok(await api.get("/api/v1/suppliers", params={"search": "1439"}, headers=owner.headers))
    assert listed["total"] == 1 and listed["data"][0]["name"] == "Furnizor SRL"
    detail = ok(await api.get(f"/api/v1/suppliers/{supplier.id}", headers=owner.headers))
    assert detail["supplier"]["cif"] == "14399840" and detail["invoiceHistory"] == [] and detail["invoiceCount"] == 0
    assert (await api.get("/api/v1/suppliers/0000", headers=owner.headers)).status_code == 404
