"""Payments over HTTP: amountPaid/balance/paidAt move, status never does (objects.md §3.6, §5.1)."""

from __future__ import annotations

from tests.support.appliance import running_appliance


def test_payments_lifecycle(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        draft = http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]
        invoice = http.post(f"/api/v1/invoices/{draft['id']}/issue").json()["invoice"]
        url = f"/api/v1/invoices/{invoice['id']}/payments"
        assert invoice["total"] == 242 and http.get(url).json() == []

        assert http.post(url, json={"paymentMethod": "cash"}).status_code == 400
        assert http.post(url, json={"amount": 0, "paymentMethod": "cash"}).status_code == 400
        assert http.post(url, json={"amount": 10}).status_code == 400
        over = http.post(url, json={"amount": 242.01, "paymentMethod": "cash"})
        assert over.status_code == 422 and over.json()["code"] == "overpayment"

        first = http.post(url, json={"amount": 100, "paymentMethod": "cash", "reference": "R1"})
        assert first.status_code == 201, first.text
        assert first.json()["amount"] == 100 and first.json()["currency"] == "RON" and first.json()["isReconciled"] is False
        detail = http.get(f"/api/v1/invoices/{invoice['id']}").json()
        assert (detail["amountPaid"], detail["balance"], detail["paidAt"], detail["paymentMethod"], detail["status"]) == (100, 142, None, "cash", "issued")

        second = http.post(url, json={"amount": "142", "paymentMethod": "bank_transfer"}).json()
        detail = http.get(f"/api/v1/invoices/{invoice['id']}").json()
        assert detail["balance"] == 0 and detail["paidAt"] is not None and detail["paymentMethod"] == "bank_transfer"
        assert detail["status"] == "issued"
        assert [p["id"] for p in http.get(url).json()] == [first.json()["id"], second["id"]]
        assert [p["id"] for p in detail["payments"]] == [first.json()["id"], second["id"]]

        assert http.delete(f"{url}/{second['id']}").status_code == 204
        detail = http.get(f"/api/v1/invoices/{invoice['id']}").json()
        assert (detail["amountPaid"], detail["paidAt"], detail["paymentMethod"]) == (100, None, "cash")
        assert http.delete(f"{url}/{second['id']}").status_code == 404
        actions = [e["metadata"]["action"] for e in http.get(f"/api/v1/invoices/{invoice['id']}/events").json()]
        assert actions[-3:] == ["payment_recorded", "payment_recorded", "payment_deleted"]

        storno = http.post(f"/api/v1/invoices/{invoice['id']}/storno").json()["invoice"]
        negative = http.post(f"/api/v1/invoices/{storno['id']}/payments", json={"amount": 1, "paymentMethod": "cash"})
        assert negative.status_code == 422 and negative.json()["code"] == "negative_total"


def test_bulk_actions(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http

        def new_draft() -> str:
            return http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]["id"]

        issued = [new_draft() for _ in range(2)]
        for invoice_id in issued:
            assert http.post(f"/api/v1/invoices/{invoice_id}/issue").status_code == 200
        draft = new_draft()

        assert http.post("/api/v1/invoices/bulk-storno", json={"ids": []}).status_code == 400
        assert http.post("/api/v1/invoices/bulk-storno", json={"ids": [f"x{i}" for i in range(101)]}).status_code == 400

        paid = http.post("/api/v1/invoices/bulk-mark-paid", json={"ids": [issued[0], issued[0], "missing"]}).json()
        assert paid["marked"] == 1 and [e["id"] for e in paid["errors"]] == ["missing"]
        assert http.get(f"/api/v1/invoices/{issued[0]}").json()["balance"] == 0

        result = http.post("/api/v1/invoices/bulk-storno", json={"ids": issued + [draft]}).json()
        assert result["created"] == 2 and [e["id"] for e in result["errors"]] == [draft]
        stornos = http.get("/api/v1/invoices", params={"status": "draft", "limit": 100}).json()["data"]
        children = [s for s in stornos if s["parentDocumentId"] in issued]
        assert len(children) == 2 and all(s["total"] == -242 for s in children)
        again = http.post("/api/v1/invoices/bulk-storno", json={"ids": issued}).json()
        assert again["created"] == 0 and len(again["errors"]) == 2
        issued_storno = http.post(f"/api/v1/invoices/{children[0]['id']}/issue").json()["invoice"]
        assert issued_storno["status"] == "refund"

        cancelled = http.post("/api/v1/invoices/bulk-cancel", json={"ids": [draft, children[1]["id"], issued_storno["id"]]}).json()
        assert cancelled["cancelled"] == 2 and [e["id"] for e in cancelled["errors"]] == [issued_storno["id"]]
        deleted = http.post("/api/v1/invoices/bulk-delete", json={"ids": [draft, issued[0]]}).json()
        assert deleted["deleted"] == 1 and [e["id"] for e in deleted["errors"]] == [issued[0]]
        assert http.get(f"/api/v1/invoices/{draft}").status_code == 404
