"""Delivery notes over HTTP (objects.md §3.9, §5.3, §6): lifecycle, numbering at issue, conversion."""

from __future__ import annotations

import re

from tests.support.appliance import running_appliance
from tests.support.transitions import advance, assert_refused

BASE = "/api/v1/delivery-notes"
LINES = [
    {"description": "Marfa A", "quantity": "3", "unitPrice": "10.50", "vatRate": "21", "unitOfMeasure": "buc"},
    {"description": "Marfa B", "quantity": "2.25", "unitPrice": "4", "vatRate": "9", "unitOfMeasure": "kg"},
]


def _new(app, **overrides):
    body = {"clientId": app.client_id, "lines": LINES, **overrides}
    response = app.http.post(BASE, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _to(app, note, *actions):
    return advance(app.http, BASE, note, *actions)


def test_create_and_issue_without_a_series_keeps_the_temporary_number(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        note = _new(app, deputyName="Ion Popescu", etransportOperationType=30, skipEtransport=True)
        assert re.fullmatch(r"AVIZ-[0-9a-f]{8}", note["number"]) and note["status"] == "draft"
        # 3 x 10.50 = 31.50 at 21 % (6.62); 2.25 x 4 = 9.00 at 9 % (0.81)
        assert (note["subtotal"], note["vatTotal"], note["total"]) == (40.5, 7.43, 47.93)
        assert note["deputyName"] == "Ion Popescu" and note["etransportOperationType"] == 30 and note["skipEtransport"] is True
        issued = _to(app, note, "issue")
        assert issued["status"] == "issued" and issued["number"] == note["number"] and issued["issuedAt"]


def test_issue_takes_the_default_delivery_note_series(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        created = app.http.post("/api/v1/document-series", json={"prefix": "AVZ", "type": "delivery_note", "isDefault": True})
        assert created.status_code in (200, 201), created.text
        first, second = _to(app, _new(app), "issue"), _to(app, _new(app), "issue")
        assert (first["number"], second["number"]) == ("AVZ0001", "AVZ0002")
        assert first["documentSeries"]["prefix"] == "AVZ"


def test_lifecycle_transitions_allowed_and_forbidden(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        draft = _new(app)
        issued = _to(app, _new(app), "issue")
        cancelled_draft = _to(app, _new(app), "cancel")
        cancelled_issued = _to(app, _new(app), "issue", "cancel")
        assert cancelled_draft["status"] == cancelled_issued["status"] == "cancelled" and cancelled_issued["cancelledAt"]
        restored = _to(app, _new(app), "cancel", "restore")
        assert restored["status"] == "draft" and restored["cancelledAt"] is None
        converted = _to(app, _new(app), "issue", "convert")
        assert converted["status"] == "converted"
        forbidden = {
            "issue": [(issued, "issued"), (cancelled_draft, "cancelled"), (converted, "converted")],
            "cancel": [(converted, "converted"), (cancelled_issued, "cancelled")],
            "restore": [(draft, "draft"), (issued, "issued"), (converted, "converted")],
            "convert": [(draft, "draft"), (cancelled_issued, "cancelled"), (converted, "converted")],
        }
        for action, cases in forbidden.items():
            for note, current in cases:
                assert_refused(app.http.post(f"{BASE}/{note['id']}/{action}"), current)
        # edit draft/issued; delete draft/cancelled
        for note in (draft, issued):
            edited = app.http.put(f"{BASE}/{note['id']}", json={"clientId": app.client_id, "notes": "edited", "lines": LINES[:1]})
            assert edited.status_code == 200, edited.text
            assert edited.json()["notes"] == "edited" and edited.json()["number"] == note["number"] and len(edited.json()["lines"]) == 1
        for note, current in ((converted, "converted"), (cancelled_draft, "cancelled")):
            assert_refused(app.http.put(f"{BASE}/{note['id']}", json={"lines": LINES}), current)
        for note, current in ((issued, "issued"), (converted, "converted")):
            assert_refused(app.http.delete(f"{BASE}/{note['id']}"), current)
        assert app.http.delete(f"{BASE}/{draft['id']}").status_code == 204
        assert app.http.delete(f"{BASE}/{cancelled_draft['id']}").status_code == 204
        assert app.http.get(f"{BASE}/{draft['id']}").status_code == 404


def test_convert_creates_a_draft_invoice_with_the_same_lines_and_totals(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        note = _to(app, _new(app), "issue")
        response = app.http.post(f"{BASE}/{note['id']}/convert")
        assert response.status_code == 201, response.text
        invoice = response.json()
        assert invoice["status"] == "draft" and invoice["clientId"] == app.client_id
        for key in ("subtotal", "vatTotal", "total", "currency"):
            assert invoice[key] == note[key], key
        keys = ("description", "quantity", "unitOfMeasure", "unitPrice", "vatRate", "vatAmount", "lineTotal")
        assert [{k: l[k] for k in keys} for l in invoice["lines"]] == [{k: l[k] for k in keys} for l in note["lines"]]
        after = app.http.get(f"{BASE}/{note['id']}").json()
        assert after["convertedInvoice"] == {"id": invoice["id"], "number": invoice["number"], "status": "draft"}


def test_bulk_convert_merges_notes_of_one_client_and_currency(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        a, b = _to(app, _new(app), "issue"), _to(app, _new(app), "issue")
        response = app.http.post(f"{BASE}/bulk-convert", json={"ids": [a["id"], b["id"]]})
        assert response.status_code == 201, response.text
        invoice = response.json()
        assert len(invoice["lines"]) == 4 and invoice["subtotal"] == a["subtotal"] + b["subtotal"]
        # VAT is computed once per rate over the merged lines (BR-CO-17): 63.00 x 21 % + 18.00 x 9 %
        assert (invoice["vatTotal"], invoice["total"]) == (14.85, 95.85)
        assert {app.http.get(f"{BASE}/{n['id']}").json()["status"] for n in (a, b)} == {"converted"}
        ron = _to(app, _new(app), "issue")
        eur = _to(app, _new(app, currency="EUR", exchangeRate="4.97"), "issue")
        mixed = app.http.post(f"{BASE}/bulk-convert", json={"ids": [ron["id"], eur["id"]]})
        assert mixed.status_code == 422 and mixed.json()["code"] == "mixed_delivery_notes"
        draft = _new(app)
        assert_refused(app.http.post(f"{BASE}/bulk-convert", json={"ids": [ron["id"], draft["id"]]}), "draft")
        assert app.http.get(f"{BASE}/{ron['id']}").json()["status"] == "issued"
        assert app.http.post(f"{BASE}/bulk-convert", json={"ids": []}).status_code == 400


def test_storno_and_from_proforma(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        note = _to(app, _new(app), "issue")
        response = app.http.post(f"{BASE}/{note['id']}/storno")
        assert response.status_code == 201, response.text
        storno = response.json()
        assert storno["status"] == "draft" and storno["number"].startswith("AVIZ-") and storno["id"] != note["id"]
        assert [l["quantity"] for l in storno["lines"]] == [-l["quantity"] for l in note["lines"]]
        assert storno["total"] == -note["total"]
        proforma = app.http.post("/api/v1/proforma-invoices", json={"clientId": app.client_id, "lines": LINES}).json()
        response = app.http.post(f"{BASE}/from-proforma", json={"proformaId": proforma["id"]})
        assert response.status_code == 201, response.text
        from_proforma = response.json()
        assert from_proforma["status"] == "draft" and from_proforma["clientId"] == app.client_id
        assert from_proforma["total"] == proforma["total"] and len(from_proforma["lines"]) == 2
        assert app.http.post(f"{BASE}/from-proforma", json={"proformaId": "00000000-0000-0000-0000-000000000000"}).status_code == 404


def test_list_envelope_and_filters(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        ids = [_new(app, issueDate=f"2026-02-0{day}")["id"] for day in range(1, 4)]
        _to(app, {"id": ids[0]}, "issue")
        page = app.http.get(BASE, params={"page": 1, "limit": 2}).json()
        assert (page["total"], page["page"], page["limit"], page["pages"]) == (3, 1, 2, 2)
        assert [row["id"] for row in page["data"]] == [ids[2], ids[1]] and "lines" not in page["data"][0]
        assert [r["id"] for r in app.http.get(BASE, params={"status": "issued"}).json()["data"]] == [ids[0]]
        assert app.http.get(BASE, params={"from": "2026-02-02"}).json()["total"] == 2
        assert app.http.get(BASE, params={"clientId": app.client_id, "to": "2026-02-01"}).json()["total"] == 1
