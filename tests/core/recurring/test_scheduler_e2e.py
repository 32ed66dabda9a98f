"""The scheduler sweep of a running appliance (embedded workers) issues a due template's invoice
through the ``recurring.generate`` job, once, while it keeps sweeping."""

from __future__ import annotations

import datetime as dt
import time

from tests.support.appliance import running_appliance

BASE = "/api/v1/recurring-invoices"


def _invoices(app) -> list[dict]:
    return app.http.get("/api/v1/invoices").json()["data"]


def test_embedded_scheduler_generates_the_due_period_once(settings, registry):
    with running_appliance(settings, registry) as app:
        yesterday = dt.date.today() - dt.timedelta(days=1)
        body = {
            "clientId": app.client_id, "frequency": "weekly", "frequencyDay": yesterday.isoweekday(),
            "nextIssuanceDate": yesterday.isoformat(), "lines": [{"description": "Abonament", "quantity": 1, "unitPrice": 50, "vatRate": 21}],
        }
        created = app.http.post(BASE, json=body)
        assert created.status_code == 201, created.text
        deadline = time.monotonic() + 120
        while not _invoices(app):
            assert time.monotonic() < deadline, "the scheduler did not generate the due invoice"
            time.sleep(0.2)
        template = app.http.get(f"{BASE}/{created.json()['id']}").json()
        assert template["nextIssuanceDate"] == (yesterday + dt.timedelta(days=7)).isoformat()
        time.sleep(3)  # several more sweeps run; the period is not generated again
        invoices = _invoices(app)
        assert [(i["number"], i["status"], i["total"]) for i in invoices] == [("FCT0001", "issued", 60.5)]
        assert template["lastInvoiceId"] == invoices[0]["id"]
