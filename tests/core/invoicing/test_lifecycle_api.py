"""Update, cancel and restore of invoices over HTTP (objects.md §3.1, §5.1)."""

from __future__ import annotations

from tests.support.appliance import running_appliance


def test_update_cancel_restore(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        draft = http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]
        body = app.invoice_body(notes="updated", lines=[
            {"description": "A", "quantity": "1", "unitPrice": "10", "vatRate": "21"},
            {"description": "B", "quantity": "3", "unitPrice": "5", "vatRate": "21"},
        ])
        updated = http.put(f"/api/v1/invoices/{draft['id']}", json=body)
        assert updated.status_code == 200, updated.text
        invoice = updated.json()["invoice"]
        assert "validation" in updated.json()
        assert invoice["notes"] == "updated" and [l["description"] for l in invoice["lines"]] == ["A", "B"]
        assert invoice["total"] == 30.25

        cancelled = http.post(f"/api/v1/invoices/{draft['id']}/cancel", json={"reason": "typo"})
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["invoice"]["status"] == "cancelled"
        assert cancelled.json()["invoice"]["cancellationReason"] == "typo"
        event = http.get(f"/api/v1/invoices/{draft['id']}/events").json()[-1]
        assert event["metadata"] == {"action": "cancelled", "reason": "typo", "cancelledFromStatus": "draft"}

        refused = http.put(f"/api/v1/invoices/{draft['id']}", json=body)
        assert refused.status_code == 422 and "cancelled" in refused.json()["error"]
        again = http.post(f"/api/v1/invoices/{draft['id']}/cancel")
        assert again.status_code == 422 and "cancelled" in again.json()["error"] and "draft" in again.json()["error"]

        restored = http.post(f"/api/v1/invoices/{draft['id']}/restore")
        assert restored.status_code == 200 and restored.json()["invoice"]["status"] == "draft"
        not_cancelled = http.post(f"/api/v1/invoices/{draft['id']}/restore")
        assert not_cancelled.status_code == 422 and "draft" in not_cancelled.json()["error"]

        # issued, not uploaded: cancellable without a body; then deletable
        issued = http.post(f"/api/v1/invoices/{draft['id']}/issue").json()["invoice"]
        assert issued["status"] == "issued"
        assert http.put(f"/api/v1/invoices/{draft['id']}", json=body).status_code == 422
        cancelled = http.post(f"/api/v1/invoices/{draft['id']}/cancel")
        assert cancelled.status_code == 200, cancelled.text
        assert http.get(f"/api/v1/invoices/{draft['id']}/events").json()[-1]["metadata"]["cancelledFromStatus"] == "issued"


def test_issued_invoice_cannot_be_deleted(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        draft = app.http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]
        app.http.post(f"/api/v1/invoices/{draft['id']}/issue")
        refused = app.http.delete(f"/api/v1/invoices/{draft['id']}")
        assert refused.status_code == 422 and "storno" in refused.json()["error"]
