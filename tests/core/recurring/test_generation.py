"""Generating invoices from templates (objects.md §3.11, §7.4): issue-now, the scheduler job,
exactly once per period under concurrent schedulers, catch-up, stop date, failures."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from core.recurring.schedule import Rule, next_after, periods_due
from tests.conftest import REPO
from tests.core.conftest import in_app, ok
from tests.core.recurring.conftest import BASE

TODAY = dt.date.today


def _services(env):
    return env.api.app.state.services


async def _invoices(env) -> list[dict]:
    return ok(await env.api.get("/api/v1/invoices", params={"limit": 100, "sort": "number", "order": "asc"}, headers=env.owner.headers))["data"]


async def _template(env, template_id: str) -> dict:
    return ok(await env.api.get(f"{BASE}/{template_id}", headers=env.owner.headers))


async def test_issue_now_issues_the_template_lines_and_advances_the_schedule(env):
    api, headers = env.api, env.owner.headers
    template = await env.create(nextIssuanceDate="2027-01-31", frequencyDay=31, notes="Servicii [[luna]] [[an]], scadenta [[luna_nr+1]]",
                                dueDateType="days", dueDateDays=10)
    answer = await api.post(f"{BASE}/{template['id']}/issue-now", headers=headers)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    invoice = ok(await api.get(f"/api/v1/invoices/{body['invoice']['id']}", headers=headers))
    assert invoice["status"] == "issued" and invoice["number"] == "FCT0001" == body["invoice"]["number"]
    assert invoice["issueDate"] == TODAY().isoformat()
    assert invoice["dueDate"] == (TODAY() + dt.timedelta(days=10)).isoformat()
    assert invoice["notes"] == "Servicii ianuarie 2027, scadenta 02"  # the period's month, not today's
    assert [(l["description"], l["quantity"], l["unitPrice"], l["vatRate"], l["lineTotal"]) for l in invoice["lines"]] == [
        (l["description"], l["quantity"], l["unitPrice"], l["vatRate"], l["lineTotal"]) for l in template["lines"]
    ]
    assert (invoice["subtotal"], invoice["vatTotal"], invoice["total"]) == (249.0, 46.41, 295.41)
    assert invoice["receiverName"] == "Client Test SRL" and invoice["clientId"] == env.client_id
    events = ok(await api.get(f"/api/v1/invoices/{invoice['id']}/events", headers=headers))
    assert events[1]["metadata"] == {"action": "created_from_recurring", "recurringInvoiceId": template["id"], "period": "2027-01-31"}

    after = body["recurringInvoice"]
    assert after["nextIssuanceDate"] == "2027-02-28"  # month-end safe: 31 Jan -> 28 Feb -> 31 Mar
    assert (after["lastInvoiceId"], after["lastInvoiceNumber"], after["lastDocumentType"]) == (invoice["id"], "FCT0001", "invoice")
    assert after["lastIssuedAt"] and after["isActive"] is True
    second = ok(await api.post(f"{BASE}/{template['id']}/issue-now", headers=headers), 201)
    assert second["invoice"]["number"] == "FCT0002" and second["recurringInvoice"]["nextIssuanceDate"] == "2027-03-31"


async def test_vat_rules_and_reference_currency_apply_at_generation(env):
    api, headers = env.api, env.owner.headers
    foreign = ok(await api.post("/api/v1/clients", json={
        "type": "company", "name": "Acme Inc", "cui": "US123456", "address": "1 Main St", "city": "Boston", "country": "US",
    }, headers=headers), 201)["client"]
    template = await env.create(clientId=foreign["id"], exchangeRate="5.0", lines=[
        {"description": "Hosting", "quantity": 1, "unitPrice": "100", "vatRate": "21", "referenceCurrency": "EUR", "markupPercent": "1"},
    ])
    # stored: 100 (as entered) at 21 %; estimated: 100 EUR x 5.0 x 1.01 = 505.00 RON, non-EU client -> Z 0 %
    assert (template["subtotal"], template["total"]) == (100.0, 121.0)
    assert (template["estimatedSubtotal"], template["estimatedVatTotal"], template["estimatedTotal"]) == (505.0, 0.0, 505.0)
    listed = ok(await api.get(BASE, headers=headers))["data"][0]
    assert listed["estimatedTotal"] == 505.0
    issued = ok(await api.post(f"{BASE}/{template['id']}/issue-now", headers=headers), 201)
    invoice = ok(await api.get(f"/api/v1/invoices/{issued['invoice']['id']}", headers=headers))
    line = invoice["lines"][0]
    assert (line["unitPrice"], line["vatCategoryCode"], line["vatRate"], invoice["total"]) == (505.0, "Z", 0.0, 505.0)


async def test_scheduler_sweep_lists_the_due_template_and_its_job_generates_once(env):
    api = env.api
    due_date = (TODAY() - dt.timedelta(days=1)).isoformat()
    template = await env.create(nextIssuanceDate=due_date, frequency="weekly", frequencyDay=dt.date.fromisoformat(due_date).isoweekday())
    await env.create(reference="not due", nextIssuanceDate=(TODAY() + dt.timedelta(days=3)).isoformat())
    paused = await env.create(reference="paused", nextIssuanceDate=due_date)
    ok(await api.post(f"{BASE}/{paused['id']}/toggle", headers=env.owner.headers))

    services = _services(env)
    items = in_app(api, services.due)
    recurring = [args for name, args in items if name == "recurring.generate"]
    assert recurring == [(template["id"], due_date)]
    job = api.app.state.runtime.handlers["recurring.generate"]
    in_app(api, job, *recurring[0])
    in_app(api, job, *recurring[0])  # the doorbell rang twice: still one invoice
    assert len(await _invoices(env)) == 1
    after = await _template(env, template["id"])
    assert after["nextIssuanceDate"] == (dt.date.fromisoformat(due_date) + dt.timedelta(days=7)).isoformat()
    assert [args for name, args in in_app(api, services.due) if name == "recurring.generate"] == []


async def test_concurrent_generations_of_one_period_issue_exactly_one_invoice(env, settings):
    api = env.api
    period = TODAY() - dt.timedelta(days=2)
    template = await env.create(nextIssuanceDate=period.isoformat(), frequency="monthly", frequencyDay=period.day)
    go = Path(settings.data_dir) / "go"
    environ = {
        **os.environ, "STORNO_ENV": "development", "STORNO_DATA_DIR": str(settings.data_dir),
        "STORNO_DATABASE_URL": settings.database_url, "STORNO_ARTIFACTS_DIR": os.environ.get("STORNO_ARTIFACTS_DIR", ""),
    }
    racers = [
        subprocess.Popen([sys.executable, "-m", "tests.core.recurring.racer", str(go), template["id"], period.isoformat()],
                         cwd=REPO, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    service = _services(env).recurring
    deadline = time.monotonic() + 180
    while len(list(go.parent.glob("ready-*"))) < len(racers):
        assert time.monotonic() < deadline and all(r.poll() is None for r in racers), "a racer did not start"
        time.sleep(0.05)

    async def race() -> list:
        go.touch()  # the other processes start generating now, as do these tasks
        return await asyncio.gather(*(service.generate(template["id"], period) for _ in range(4)))

    here = in_app(api, race)
    outputs = []
    for racer in racers:
        out, err = racer.communicate(timeout=180)
        assert racer.returncode == 0, err[-2000:]
        outputs.append(out.strip().splitlines()[-1])
    winners = [r for r in here if r is not None] + [o for o in outputs if o.startswith("issued")]
    assert len(winners) == 1, (here, outputs)
    invoices = await _invoices(env)
    assert [i["number"] for i in invoices] == ["FCT0001"]
    after = await _template(env, template["id"])
    assert after["nextIssuanceDate"] == next_after(Rule("monthly", period.day), period).isoformat()
    assert after["lastInvoiceId"] == invoices[0]["id"]


async def test_catch_up_issues_one_invoice_per_missed_period(env):
    api = env.api
    start = dt.date(TODAY().year - 1, TODAY().month, 10) if TODAY().day >= 10 else dt.date(TODAY().year - 1, TODAY().month, 1)
    rule = Rule("quarterly", start.day)
    template = await env.create(nextIssuanceDate=start.isoformat(), frequency="quarterly", frequencyDay=start.day)
    owed = periods_due(rule, start, TODAY())
    assert len(owed) >= 4
    issued = in_app(api, _services(env).recurring.run_due)
    assert issued == len(owed)
    invoices = await _invoices(env)
    assert [i["number"] for i in invoices] == [f"FCT{n:04d}" for n in range(1, len(owed) + 1)]
    assert {i["issueDate"] for i in invoices} == {TODAY().isoformat()}  # never backdated
    after = await _template(env, template["id"])
    assert after["nextIssuanceDate"] == next_after(rule, owed[-1]).isoformat() and after["isActive"] is True
    assert in_app(api, _services(env).recurring.run_due) == 0  # nothing left: a second run issues nothing


async def test_stop_date_ends_and_deactivates_the_schedule(env):
    api, headers = env.api, env.owner.headers
    start = TODAY() - dt.timedelta(days=70)
    rule = Rule("monthly", start.day)
    stop = next_after(rule, start) + dt.timedelta(days=1)  # two periods fall on or before it
    template = await env.create(nextIssuanceDate=start.isoformat(), frequencyDay=start.day, stopDate=stop.isoformat())
    assert in_app(api, _services(env).recurring.run_due) == 2
    after = await _template(env, template["id"])
    assert after["isActive"] is False and after["nextIssuanceDate"] is None
    assert len(await _invoices(env)) == 2
    refused = await api.post(f"{BASE}/{template['id']}/toggle", headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "schedule_ended"
    ended = await api.post(f"{BASE}/{template['id']}/issue-now", headers=headers)
    assert ended.status_code == 422 and ended.json()["code"] == "schedule_ended"


async def test_once_generates_a_single_invoice(env):
    template = await env.create(frequency="once", frequencyDay=1, nextIssuanceDate=(TODAY() - dt.timedelta(days=1)).isoformat())
    assert in_app(env.api, _services(env).recurring.run_due) == 1
    after = await _template(env, template["id"])
    assert after["isActive"] is False and after["nextIssuanceDate"] is None
    assert in_app(env.api, _services(env).recurring.run_due) == 0


async def test_a_failing_generation_keeps_its_error_spends_no_number_and_waits(env):
    api, headers = env.api, env.owner.headers
    # CIUS-RO allows 100 characters of item name (BT-153): accepted by the API, refused at issue
    template = await env.create(nextIssuanceDate=(TODAY() - dt.timedelta(days=1)).isoformat(), lines=[
        {"description": "Servicii de mentenanta " * 10, "quantity": 1, "unitPrice": 10, "vatRate": 21},
    ])
    assert in_app(api, _services(env).recurring.run_due) == 0
    after = await _template(env, template["id"])
    assert after["lastError"] and after["nextIssuanceDate"] == template["nextIssuanceDate"]
    assert await _invoices(env) == []
    assert [a for n, a in in_app(api, _services(env).due) if n == "recurring.generate"] == []  # retried later
    manual = await api.post(f"{BASE}/{template['id']}/issue-now", headers=headers)
    assert manual.status_code == 422 and manual.json()["valid"] is False
    good = await env.create(reference="good", nextIssuanceDate=TODAY().isoformat())
    ok(await api.post(f"{BASE}/{good['id']}/issue-now", headers=headers), 201)
    assert [i["number"] for i in await _invoices(env)] == ["FCT0001"]  # the refused attempts spent nothing


async def test_bulk_issue_now_reports_per_id(env):
    api, headers = env.api, env.owner.headers
    a, b = await env.create(reference="A"), await env.create(reference="B")
    missing = "00000000-0000-0000-0000-000000000000"
    result = ok(await api.post(f"{BASE}/bulk-issue-now", json={"ids": [a["id"], b["id"], missing]}, headers=headers))
    assert result == {"issued": 2, "errors": [{"id": missing, "error": "Recurring invoice not found."}]}
    assert sorted(i["number"] for i in await _invoices(env)) == ["FCT0001", "FCT0002"]


async def test_a_period_generates_once_even_when_the_date_is_set_back(env):
    from core.recurring.tables import RecurringGeneration

    api, headers = env.api, env.owner.headers
    period = TODAY() - dt.timedelta(days=1)
    template = await env.create(nextIssuanceDate=period.isoformat(), frequency="weekly", frequencyDay=period.isoweekday())
    assert in_app(api, _services(env).recurring.run_due) == 1
    ok(await api.put(f"{BASE}/{template['id']}", json=env.body(nextIssuanceDate=period.isoformat(), frequency="weekly", frequencyDay=period.isoweekday()), headers=headers))
    assert in_app(api, _services(env).recurring.run_due) == 0  # that period already has its invoice
    assert len(await _invoices(env)) == 1
    assert (await _template(env, template["id"]))["nextIssuanceDate"] == (period + dt.timedelta(days=7)).isoformat()
    duplicate = RecurringGeneration.insert(RecurringGeneration(recurring_invoice=template["id"], period_date=period, created_at=dt.datetime.now(dt.timezone.utc)))
    try:
        in_app(api, duplicate.run)
    except Exception as exc:  # the unique index of m0009, on either engine
        from core.db.engine import is_unique_violation

        assert is_unique_violation(exc), exc
    else:
        raise AssertionError("a second generation row for the same period was accepted")


async def test_a_proforma_template_generates_an_accepted_proforma(env):
    api, headers = env.api, env.owner.headers
    rows = ok(await api.get("/api/v1/document-series", headers=headers))["data"]
    invoice_series = next(s for s in rows if s["type"] == "invoice")
    wrong = await api.post(BASE, json=env.body(documentType="proforma", documentSeriesId=invoice_series["id"]), headers=headers)
    assert wrong.status_code == 422 and wrong.json()["field"] == "documentSeriesId"
    template = await env.create(documentType="proforma", nextIssuanceDate=(TODAY() - dt.timedelta(days=1)).isoformat())
    assert in_app(api, _services(env).recurring.run_due) == 1
    after = await _template(env, template["id"])
    assert after["lastDocumentType"] == "proforma" and after["lastInvoiceNumber"] == "PRO0001"
    proforma = ok(await api.get(f"/api/v1/proforma-invoices/{after['lastInvoiceId']}", headers=headers))
    assert (proforma["number"], proforma["status"], proforma["total"]) == ("PRO0001", "accepted", 295.41)
    assert [line["description"] for line in proforma["lines"]] == ["Mentenanta lunara", "Licenta"]
    assert await _invoices(env) == []  # a proforma is not a fiscal invoice
    now = ok(await api.post(f"{BASE}/{template['id']}/issue-now", headers=headers), 201)
    assert (now["invoice"]["documentType"], now["invoice"]["number"], now["invoice"]["status"]) == ("proforma", "PRO0002", "accepted")
