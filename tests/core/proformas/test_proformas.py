"""Proforma invoices over HTTP (objects.md §3.7, §5.2, §6): lifecycle, numbering, conversion, lists."""

from __future__ import annotations

import re

from tests.support.appliance import running_appliance
from tests.support.transitions import advance, assert_refused

BASE = "/api/v1/proforma-invoices"


def _body(app, **overrides):
    body = {
        "clientId": app.client_id,
        "lines": [
            {"description": "Consultanta", "quantity": "2", "unitPrice": "100.00", "vatRate": "21", "unitOfMeasure": "ore"},
            {"description": "Licenta", "quantity": "1.5", "unitPrice": "33.33", "vatRate": "9", "discount": "1.00"},
        ],
    }
    body.update(overrides)
    return body


def _new(app, **overrides):
    response = app.http.post(BASE, json=_body(app, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def _to(app, proforma, *actions):
    return advance(app.http, BASE, proforma, *actions)


def test_create_detail_and_temporary_number(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        created = _new(app)
        assert re.fullmatch(r"PRO-[0-9a-f]{8}", created["number"])
        assert created["status"] == "draft" and created["documentSeries"] is None
        assert created["clientName"] and created["clientId"] == app.client_id
        # 2 x 100 = 200.00 at 21 %; 1.5 x 33.33 = 50.00 - 1.00 = 49.00 at 9 % (49 x 0.09 = 4.41)
        assert (created["subtotal"], created["vatTotal"], created["total"], created["discount"]) == (249.0, 46.41, 295.41, 1.0)
        assert [line["lineTotal"] for line in created["lines"]] == [200.0, 49.0]
        detail = app.http.get(f"{BASE}/{created['id']}").json()
        assert detail == created
        assert app.http.get(f"{BASE}/00000000-0000-0000-0000-000000000000").status_code == 404


def test_numbered_at_creation_with_a_proforma_series(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        rows = app.http.get("/api/v1/document-series").json()["data"]
        proforma_series = next(s for s in rows if s["type"] == "proforma")
        first = _new(app, documentSeriesId=proforma_series["id"])
        second = _new(app, documentSeriesId=proforma_series["id"])
        prefix = proforma_series["prefix"]
        assert (first["number"], second["number"]) == (f"{prefix}0001", f"{prefix}0002")
        assert first["documentSeries"]["id"] == proforma_series["id"]
        invoice_series = next(s for s in rows if s["type"] == "invoice")
        wrong = app.http.post(BASE, json=_body(app, documentSeriesId=invoice_series["id"]))
        assert wrong.status_code == 400, wrong.text
        assert app.http.post(BASE, json=_body(app, documentSeriesId="00000000-0000-0000-0000-000000000000")).status_code == 404


def test_lifecycle_transitions_allowed_and_forbidden(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        sent = _to(app, _new(app), "send")
        assert sent["status"] == "sent" and sent["sentAt"]
        accepted = _to(app, _new(app), "send", "accept")
        assert accepted["status"] == "accepted" and accepted["acceptedAt"]
        rejected = _to(app, _new(app), "send", "reject")
        assert rejected["status"] == "rejected" and rejected["rejectedAt"]
        for start in ([], ["send"], ["send", "accept"], ["send", "reject"]):
            cancelled = _to(app, _new(app), *start, "cancel")
            assert cancelled["status"] == "cancelled" and cancelled["cancelledAt"]
        draft = _new(app)
        converted = _to(app, _new(app), "send")
        assert app.http.post(f"{BASE}/{converted['id']}/convert").status_code == 201
        cancelled = _to(app, _new(app), "cancel")
        forbidden = {
            "send": [(sent, "sent"), (accepted, "accepted"), (cancelled, "cancelled")],
            "accept": [(draft, "draft"), (accepted, "accepted"), (rejected, "rejected")],
            "reject": [(draft, "draft"), (rejected, "rejected"), (converted, "converted")],
            "cancel": [(converted, "converted"), (cancelled, "cancelled")],
            "convert": [(draft, "draft"), (rejected, "rejected"), (cancelled, "cancelled"), (converted, "converted")],
        }
        for action, cases in forbidden.items():
            for proforma, current in cases:
                assert_refused(app.http.post(f"{BASE}/{proforma['id']}/{action}"), current)
        # edit only draft; delete draft/cancelled
        edited = app.http.put(f"{BASE}/{draft['id']}", json=_body(app, notes="updated", lines=[{"description": "X", "quantity": "1", "unitPrice": "10"}]))
        assert edited.status_code == 200, edited.text
        assert edited.json()["notes"] == "updated" and edited.json()["total"] == 12.1 and len(edited.json()["lines"]) == 1
        assert_refused(app.http.put(f"{BASE}/{sent['id']}", json=_body(app)), "sent")
        assert_refused(app.http.delete(f"{BASE}/{sent['id']}"), "sent")
        assert_refused(app.http.delete(f"{BASE}/{converted['id']}"), "converted")
        assert app.http.delete(f"{BASE}/{draft['id']}").status_code == 204
        assert app.http.delete(f"{BASE}/{cancelled['id']}").status_code == 204
        assert app.http.get(f"{BASE}/{draft['id']}").status_code == 404


def test_convert_creates_a_draft_invoice_with_the_same_lines_and_totals(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        proforma = _to(app, _new(app, notes="Per contract", orderNumber="PO-7"), "send", "accept")
        response = app.http.post(f"{BASE}/{proforma['id']}/convert")
        assert response.status_code == 201, response.text
        invoice = response.json()
        assert invoice["status"] == "draft" and invoice["number"].startswith("DRAFT-")
        assert invoice["clientId"] == app.client_id and invoice["notes"] == "Per contract" and invoice["orderNumber"] == "PO-7"
        for key in ("subtotal", "vatTotal", "total", "discount", "currency"):
            assert invoice[key] == proforma[key], key
        keys = ("description", "quantity", "unitOfMeasure", "unitPrice", "vatRate", "vatCategoryCode", "vatAmount", "lineTotal", "discount")
        assert [{k: l[k] for k in keys} for l in invoice["lines"]] == [{k: l[k] for k in keys} for l in proforma["lines"]]
        after = app.http.get(f"{BASE}/{proforma['id']}").json()
        assert after["status"] == "converted"
        assert after["convertedInvoice"] == {"id": invoice["id"], "number": invoice["number"], "status": "draft"}
        assert app.http.get(f"/api/v1/invoices/{invoice['id']}").json()["total"] == proforma["total"]


def test_list_envelope_filters_and_bulk_delete(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        ids = [_new(app, issueDate=f"2026-01-0{day}")["id"] for day in range(1, 6)]
        _to(app, {"id": ids[0]}, "send")
        page = app.http.get(BASE, params={"page": 2, "limit": 2}).json()
        assert (page["total"], page["page"], page["limit"], page["pages"]) == (5, 2, 2, 3)
        assert [row["id"] for row in page["data"]] == [ids[2], ids[1]]
        assert "lines" not in page["data"][0]
        assert app.http.get(BASE, params={"status": "sent"}).json()["total"] == 1
        assert app.http.get(BASE, params={"from": "2026-01-02", "to": "2026-01-03"}).json()["total"] == 2
        assert app.http.get(BASE, params={"clientId": app.client_id}).json()["total"] == 5
        number = app.http.get(f"{BASE}/{ids[4]}").json()["number"]
        assert [r["id"] for r in app.http.get(BASE, params={"search": number}).json()["data"]] == [ids[4]]
        result = app.http.post(f"{BASE}/bulk-delete", json={"ids": [ids[0], ids[1], ids[2]]})
        assert result.status_code == 200, result.text
        assert result.json()["deleted"] == 2 and [e["id"] for e in result.json()["errors"]] == [ids[0]]
        assert app.http.get(BASE).json()["total"] == 3
        assert app.http.post(f"{BASE}/bulk-delete", json={"ids": []}).status_code == 400
        assert app.http.post(f"{BASE}/bulk-delete", json={"ids": ["x"] * 101}).status_code == 400


def test_the_expiry_job_expires_sent_and_accepted_proformas_past_their_validity(settings, registry):
    import datetime as dt
    import time

    yesterday, today = (dt.date.today() - dt.timedelta(days=1)).isoformat(), dt.date.today().isoformat()
    with running_appliance(settings, registry, embedded_workers=False) as app:
        cases = {
            "sent, past": _to(app, _new(app, validUntil=yesterday), "send"),
            "accepted, past": _to(app, _new(app, validUntil=yesterday), "send", "accept"),
            "sent, valid today": _to(app, _new(app, validUntil=today), "send"),
            "draft, past": _new(app, validUntil=yesterday),
            "sent, no validity": _to(app, _new(app), "send"),
        }
        headers = {"Authorization": app.http.headers["Authorization"], "X-Company": app.company_id}
    # The next start runs the day's expiry job in its embedded workers.
    with running_appliance(settings, registry, tenant=False) as app:
        def status(proforma):
            return app.http.get(f"{BASE}/{proforma['id']}", headers=headers).json()

        deadline = time.monotonic() + 30
        while status(cases["sent, past"])["status"] != "expired" and time.monotonic() < deadline:
            time.sleep(0.2)
        after = {name: status(proforma) for name, proforma in cases.items()}
    assert {name: row["status"] for name, row in after.items()} == {
        "sent, past": "expired", "accepted, past": "expired", "sent, valid today": "sent", "draft, past": "draft", "sent, no validity": "sent",
    }
    assert after["sent, past"]["expiredAt"] and after["sent, valid today"]["expiredAt"] is None
    # An expired proforma can be cancelled, not converted (objects.md §5.2).
    with running_appliance(settings, registry, tenant=False, embedded_workers=False) as app:
        expired = cases["accepted, past"]["id"]
        assert_refused(app.http.post(f"{BASE}/{expired}/convert", headers=headers), "expired")
        assert app.http.post(f"{BASE}/{expired}/cancel", headers=headers).status_code == 200
