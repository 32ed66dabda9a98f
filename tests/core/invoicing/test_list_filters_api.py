"""Invoice list filters of objects.md §2: currency, supplierId, isPaid, isOverdue, totalMin/Max."""

from __future__ import annotations

import datetime as dt

from tests.support.appliance import running_appliance


def test_list_filters(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        past = (dt.date.today() - dt.timedelta(days=40)).isoformat()
        overdue = http.post("/api/v1/invoices", json=app.invoice_body(issueDate=past, dueDate=past)).json()["invoice"]
        http.post(f"/api/v1/invoices/{overdue['id']}/issue")
        paid = http.post("/api/v1/invoices", json=app.invoice_body(lines=[{"description": "X", "quantity": "1", "unitPrice": "10", "vatRate": "21"}])).json()["invoice"]
        http.post(f"/api/v1/invoices/{paid['id']}/issue")
        http.post(f"/api/v1/invoices/{paid['id']}/payments", json={"amount": 12.1, "paymentMethod": "card"})
        euro = http.post("/api/v1/invoices", json=app.invoice_body(currency="EUR", exchangeRate="4.97")).json()["invoice"]

        def ids(**params) -> set[str]:
            response = http.get("/api/v1/invoices", params=params)
            assert response.status_code == 200, response.text
            return {row["id"] for row in response.json()["data"]}

        assert ids(currency="eur") == {euro["id"]}
        assert ids(currency="RON") == {overdue["id"], paid["id"]}
        assert ids(isPaid="true") == {paid["id"]}
        assert ids(isPaid="false") == {overdue["id"], euro["id"]}
        assert ids(isOverdue="true") == {overdue["id"]}
        assert ids(isOverdue="false") == {paid["id"], euro["id"]}
        assert ids(totalMin="100") == {overdue["id"], euro["id"]}
        assert ids(totalMax="12.10") == {paid["id"]}
        assert ids(totalMin="12.10", totalMax="12.10") == {paid["id"]}
        assert ids(supplierId="00000000-0000-0000-0000-000000000000") == set()

        for params in ({"currency": "EURO"}, {"isPaid": "maybe"}, {"totalMin": "abc"}, {"totalMin": "10", "totalMax": "5"}, {"status": "nope"}, {"limit": "0"}):
            response = http.get("/api/v1/invoices", params=params)
            assert response.status_code == 422, (params, response.status_code, response.text)
