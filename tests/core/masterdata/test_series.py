"""Document series (objects.md §3.5, §6): prefix unique per company, nextNumber, default choice."""

from __future__ import annotations

from core.invoicing.series import default_series, format_number
from tests.core.conftest import in_app, ok

URL = "/api/v1/document-series"


def _default(api, company_id: str, kind: str) -> str:
    """Prefix of the series :func:`default_series` picks (run where the app's database lives)."""
    return in_app(api, default_series, company_id, kind)["prefix"]


def test_number_format():
    assert format_number("FCT", 43) == "FCT0043"
    assert format_number("A", 1) == "A0001"
    assert format_number("BIG", 123456) == "BIG123456"


async def test_create_and_next_number(owner, api):
    created = await api.post(URL, json={"prefix": "TST", "currentNumber": 41}, headers=owner.headers)
    assert created.status_code == 201
    series = created.json()
    assert (series["prefix"], series["type"], series["currentNumber"], series["nextNumber"]) == (
        "TST",
        "invoice",
        41,
        "TST0042",
    )
    assert series["source"] == "manual" and series["isDefault"] is False and series["active"] is True
    big = ok(await api.patch(f"{URL}/{series['id']}", json={"currentNumber": 12345}, headers=owner.headers))
    assert big["nextNumber"] == "TST12346"


async def test_duplicate_prefix_is_409_across_types(owner, api):
    duplicate = await api.post(URL, json={"prefix": "FCT", "type": "receipt"}, headers=owner.headers)
    assert duplicate.status_code == 409 and duplicate.json()["error"]


async def test_bad_series_input_is_400(owner, api):
    for body in (
        {"prefix": ""},
        {"prefix": "A B"},
        {"prefix": "X", "type": "order"},
        {"prefix": "X", "currentNumber": -1},
        {"type": "invoice"},
    ):
        answer = await api.post(URL, json=body, headers=owner.headers)
        assert answer.status_code == 400 and answer.json()["error"], body


async def test_default_choice_and_set_default(owner, api):
    fct = _default(api, owner.company_id, "invoice")
    assert fct == "FCT"
    other = ok(await api.post(URL, json={"prefix": "FX"}, headers=owner.headers), 201)
    assert _default(api, owner.company_id, "invoice") == "FCT"  # explicit default wins
    made = ok(await api.post(f"{URL}/{other['id']}/set-default", headers=owner.headers), 200)
    assert made["isDefault"] is True
    rows = ok(await api.get(URL, headers=owner.headers))["data"]
    assert [s["prefix"] for s in rows if s["type"] == "invoice" and s["isDefault"]] == ["FX"]
    assert _default(api, owner.company_id, "invoice") == "FX"
    # no flagged default left: the oldest active series of the type
    ok(await api.patch(f"{URL}/{other['id']}", json={"isDefault": False}, headers=owner.headers))
    assert _default(api, owner.company_id, "invoice") == "FCT"
    fct_id = next(s["id"] for s in rows if s["prefix"] == "FCT")
    ok(await api.patch(f"{URL}/{fct_id}", json={"active": False}, headers=owner.headers))
    assert _default(api, owner.company_id, "invoice") == "FX"
    assert in_app(api, default_series, owner.company_id, "credit_note") is None


async def test_delete_and_other_company(owner, api):
    series = ok(await api.post(URL, json={"prefix": "DEL", "type": "proforma"}, headers=owner.headers), 201)
    other = ok(
        await api.post(
            "/api/v1/companies", json={"cif": "14399840", "name": "Beta SRL", "state": "Cluj"}, headers=owner.auth
        ),
        201,
    )
    foreign = {**owner.auth, "X-Company": other["id"]}
    assert (await api.delete(f"{URL}/{series['id']}", headers=foreign)).status_code == 404
    assert (await api.patch(f"{URL}/{series['id']}", json={"active": False}, headers=foreign)).status_code == 404
    # each company has its own prefixes: FCT exists in both
    assert "FCT" in [s["prefix"] for s in ok(await api.get(URL, headers=foreign))["data"]]
    deleted = await api.delete(f"{URL}/{series['id']}", headers=owner.headers)
    assert deleted.status_code == 200 and deleted.json() == {"message": "Document series deleted."}
    assert "DEL" not in [s["prefix"] for s in ok(await api.get(URL, headers=owner.headers))["data"]]


async def test_a_series_that_numbers_documents_cannot_be_deleted(owner, api):
    import datetime as dt

    from core.invoicing.tables import Invoice

    series = ok(await api.post(URL, json={"prefix": "USED"}, headers=owner.headers), 201)
    invoice = Invoice(company=owner.company_id, number="USED0001", series=series["id"], issue_date=dt.date(2026, 1, 5))
    in_app(api, invoice.save().run)
    refused = await api.delete(f"{URL}/{series['id']}", headers=owner.headers)
    assert refused.status_code == 422 and "deactivate" in refused.json()["error"]
    assert in_app(api, Invoice.count().where(Invoice.series == series["id"]).run) == 1
