"""Storno of issued invoices over HTTP: mirrored lines, links both ways, one transaction (objects.md §7)."""

from __future__ import annotations

import pytest

from core import providers
from tests.support.appliance import running_appliance


def _issued(app, **overrides):
    draft = app.http.post("/api/v1/invoices", json=app.invoice_body(**overrides)).json()["invoice"]
    issued = app.http.post(f"/api/v1/invoices/{draft['id']}/issue")
    assert issued.status_code == 200, issued.text
    return issued.json()["invoice"]


def _current_number(app) -> int:
    series = app.http.get("/api/v1/document-series").json()["data"]
    return next(s["currentNumber"] for s in series if s["prefix"] == "FCT")


def test_storno_mirrors_and_links(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        source = _issued(app, lines=[
            {"description": "A", "quantity": "2", "unitPrice": "100", "vatRate": "21"},
            {"description": "B", "quantity": "1", "unitPrice": "50", "vatRate": "9"},
        ])
        created = http.post(f"/api/v1/invoices/{source['id']}/storno")
        assert created.status_code == 201, created.text
        storno = created.json()["invoice"]
        assert storno["status"] == "refund" and storno["number"] == "FCT0002"
        assert storno["parentDocumentId"] == source["id"] and storno["parentDocumentNumber"] == source["number"]
        assert storno["clientId"] == source["clientId"] and storno["currency"] == source["currency"]
        assert storno["buyerSnapshot"] == http.get(f"/api/v1/invoices/{source['id']}").json()["buyerSnapshot"]
        assert [(l["description"], l["quantity"]) for l in storno["lines"]] == [("A", -2), ("B", -1)]
        assert storno["total"] == -source["total"] and storno["vatTotal"] == -source["vatTotal"]
        assert storno["balance"] == 0 and storno["paidAt"] is not None
        assert http.get(f"/api/v1/invoices/{storno['id']}/xml").status_code == 200

        detail = http.get(f"/api/v1/invoices/{source['id']}").json()
        assert detail["status"] == "refunded"
        assert [r["id"] for r in detail["refundInvoices"]] == [storno["id"]]
        assert http.get(f"/api/v1/invoices/{source['id']}/events").json()[-1]["metadata"]["action"] == "storno_created"
        assert http.get(f"/api/v1/invoices/{storno['id']}/events").json()[-1]["metadata"]["action"] == "refund_issued"

        again = http.post(f"/api/v1/invoices/{source['id']}/storno")
        assert again.status_code == 400 and again.json()["code"] == "invoice_already_storned"
        of_storno = http.post(f"/api/v1/invoices/{storno['id']}/storno")
        assert of_storno.status_code == 400 and of_storno.json()["code"] == "invoice_cannot_be_storned"
        draft = http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]
        of_draft = http.post(f"/api/v1/invoices/{draft['id']}/storno")
        assert of_draft.status_code == 400 and of_draft.json()["code"] == "invoice_cannot_be_storned"
        http.post(f"/api/v1/invoices/{draft['id']}/cancel")
        of_cancelled = http.post(f"/api/v1/invoices/{draft['id']}/storno")
        assert of_cancelled.status_code == 400 and of_cancelled.json()["code"] == "invoice_cannot_be_storned"


def test_failed_storno_leaves_no_row_and_spends_no_number(settings, registry, monkeypatch: pytest.MonkeyPatch):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        source = _issued(app)
        before_number = _current_number(app)
        before_total = http.get("/api/v1/invoices").json()["total"]

        def broken_render(document, dialect):
            raise ValueError("renderer exploded after the number was taken")

        monkeypatch.setattr(providers, "render", broken_render)
        failed = http.post(f"/api/v1/invoices/{source['id']}/storno")
        assert failed.status_code == 422, failed.text
        assert failed.json()["errors"][0]["source"] == "xml_generation"
        monkeypatch.undo()

        assert _current_number(app) == before_number
        assert http.get("/api/v1/invoices").json()["total"] == before_total
        detail = http.get(f"/api/v1/invoices/{source['id']}").json()
        assert detail["status"] == "issued" and "refundInvoices" not in detail
        assert [e["metadata"]["action"] for e in http.get(f"/api/v1/invoices/{source['id']}/events").json()] == ["created", "issued"]

        retried = http.post(f"/api/v1/invoices/{source['id']}/storno")
        assert retried.status_code == 201 and retried.json()["invoice"]["number"] == f"FCT{before_number + 1:04d}"


def test_concurrent_issue_and_storno_of_one_invoice_happen_once(settings, registry):
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    with running_appliance(settings, registry, embedded_workers=False) as app:
        headers = dict(app.http.headers)
        draft = app.http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]

        def post(path: str) -> int:
            with httpx.Client(base_url=app.url, headers=headers, timeout=120) as http:
                return http.post(path).status_code

        with ThreadPoolExecutor(4) as pool:
            codes = sorted(pool.map(post, [f"/api/v1/invoices/{draft['id']}/issue"] * 4))
        assert codes == [200, 422, 422, 422]
        assert _current_number(app) == 1
        with ThreadPoolExecutor(4) as pool:
            codes = sorted(pool.map(post, [f"/api/v1/invoices/{draft['id']}/storno"] * 4))
        assert codes == [201, 400, 400, 400]
        assert _current_number(app) == 2
