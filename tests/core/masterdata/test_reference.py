"""Reference data for invoice forms over the API: VAT category codes and new-invoice defaults."""

from __future__ import annotations

from tests.core.conftest import ok


async def test_vat_category_codes_are_the_en16931_untdid_5305_codes(api, owner):
    body = ok(await api.get("/api/v1/vat-category-codes", headers=owner.headers))
    codes = [row["code"] for row in body["data"]]
    assert codes == ["S", "Z", "E", "AE", "K", "G", "O", "L", "M"]
    assert all(row["label"] and row["labelEn"] for row in body["data"])


async def test_vat_category_codes_need_authentication(api, owner):
    assert (await api.get("/api/v1/vat-category-codes")).status_code == 401


async def test_invoice_defaults_offer_the_company_rates_and_no_bnr_rates(api, owner):
    rates = ok(await api.get("/api/v1/vat-rates", headers=owner.headers))["data"]
    body = ok(await api.get("/api/v1/invoice-defaults", headers=owner.headers))
    assert [r["id"] for r in body["vatRates"]] == [r["id"] for r in rates if r["isActive"]]
    if rates:
        assert body["defaultVatRate"]["id"] in {r["id"] for r in rates}
    assert body["defaultCurrency"] == "RON" and "EUR" in body["currencies"]
    assert {m["code"] for m in body["paymentMethods"]} == {"bank_transfer", "cash", "card", "cheque", "other"}
    assert {"label": "buc", "unitCode": "H87", "name": "Piece"} in body["unitsOfMeasure"]
    assert body["defaultDueDays"] == 30 and 30 in [t["days"] for t in body["paymentTerms"]]
    assert body["exchangeRates"] is None


async def test_invoice_defaults_follow_a_new_default_rate(api, owner):
    created = ok(await api.post("/api/v1/vat-rates", json={"rate": "11", "label": "11%", "categoryCode": "S", "isDefault": True}, headers=owner.headers))
    body = ok(await api.get("/api/v1/invoice-defaults", headers=owner.headers))
    assert body["defaultVatRate"]["id"] == created["id"]
    assert body["defaultVatRate"]["rate"] == 11
