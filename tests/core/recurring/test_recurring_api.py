"""Recurring invoice templates over HTTP (objects.md §3.11, §1, §2): CRUD, rules, idempotency,
tenancy, toggle and bulk actions."""

from __future__ import annotations

import datetime as dt

from core.recurring.schedule import Rule, first_on_or_after
from core.auth.tables import User
from tests.core.conftest import add_company, in_app, login, ok
from tests.core.recurring.conftest import BASE

MISSING = "00000000-0000-0000-0000-000000000000"


async def test_create_detail_list_update_delete(env):
    api, headers = env.api, env.owner.headers
    created = await env.create(stopDate="2030-12-31", notes="Servicii [[luna]] [[an]]")
    assert created["isActive"] is True and created["frequency"] == "monthly" and created["frequencyDay"] == 15
    assert created["nextIssuanceDate"] == first_on_or_after(Rule("monthly", 15), dt.date.today()).isoformat()
    assert created["stopDate"] == "2030-12-31" and created["documentType"] == "invoice"
    assert created["client"]["id"] == env.client_id and created["clientName"] == "Client Test SRL"
    # 2 x 100 = 200.00 at 21 %; 1.5 x 33.33 = 50.00 - 1.00 = 49.00 at 9 % -> VAT 42 + 4.41
    assert (created["subtotal"], created["vatTotal"], created["total"]) == (249.0, 46.41, 295.41)
    assert (created["estimatedSubtotal"], created["estimatedVatTotal"], created["estimatedTotal"]) == (249.0, 46.41, 295.41)
    assert [line["lineTotal"] for line in created["lines"]] == [200.0, 49.0]
    assert created["lines"][0]["priceRule"] == "fixed" and created["lines"][0]["referenceCurrency"] is None
    assert created["lastInvoiceId"] is None and created["lastIssuedAt"] is None

    detail = ok(await api.get(f"{BASE}/{created['id']}", headers=headers))
    assert detail == created

    await env.create(reference="Chirie", frequency="weekly", frequencyDay=1)
    page = ok(await api.get(BASE, headers=headers))
    assert (page["total"], page["page"], page["limit"], page["pages"]) == (2, 1, 20, 1)
    assert {row["reference"] for row in page["data"]} == {"Abonament mentenanta", "Chirie"}
    assert "lines" not in page["data"][0] and "estimatedTotal" in page["data"][0]
    assert ok(await api.get(BASE, params={"search": "chir"}, headers=headers))["total"] == 1
    assert ok(await api.get(BASE, params={"frequency": "weekly"}, headers=headers))["data"][0]["reference"] == "Chirie"
    assert ok(await api.get(BASE, params={"limit": 1, "page": 2}, headers=headers))["pages"] == 2

    updated = ok(await api.put(
        f"{BASE}/{created['id']}",
        json=env.body(frequency="quarterly", frequencyDay=31, nextIssuanceDate="2027-01-31", lines=[{"description": "Audit", "quantity": 1, "unitPrice": 1000, "vatRate": 21}]),
        headers=headers,
    ))
    assert (updated["frequency"], updated["frequencyDay"], updated["nextIssuanceDate"]) == ("quarterly", 31, "2027-01-31")
    assert [line["description"] for line in updated["lines"]] == ["Audit"] and updated["total"] == 1210.0
    assert updated["stopDate"] is None  # PUT replaces the template wholesale

    assert (await api.delete(f"{BASE}/{created['id']}", headers=headers)).status_code == 204
    assert (await api.get(f"{BASE}/{created['id']}", headers=headers)).status_code == 404
    assert ok(await api.get(BASE, headers=headers))["total"] == 1


async def test_unknown_template_is_404_everywhere(env):
    api, headers = env.api, env.owner.headers
    for method, path in (("get", ""), ("delete", ""), ("post", "/toggle"), ("post", "/issue-now")):
        answer = await api.request(method.upper(), f"{BASE}/{MISSING}{path}", headers=headers)
        assert answer.status_code == 404 and answer.json() == {"error": "Recurring invoice not found."}
    answer = await api.put(f"{BASE}/{MISSING}", json=env.body(), headers=headers)
    assert answer.status_code == 404
    foreign_client = await api.post(BASE, json=env.body(clientId=MISSING), headers=headers)
    assert foreign_client.status_code == 404 and foreign_client.json() == {"error": "Client not found."}


async def test_rule_violations_are_400_with_the_field(env):
    api, headers = env.api, env.owner.headers
    cases = [
        ({"frequency": "daily"}, "frequency"),
        ({"frequency": "weekly", "frequencyDay": 8}, "frequencyDay"),
        ({"frequencyDay": 0}, "frequencyDay"),
        ({"frequency": "yearly", "frequencyDay": 10}, "frequencyMonth"),
        ({"clientId": None}, "clientId"),
        ({"lines": []}, "lines"),
        ({"documentType": "receipt"}, "documentType"),
        ({"nextIssuanceDate": "2027-03-15", "stopDate": "2027-02-01"}, "stopDate"),
        ({"currency": "EUR"}, "exchangeRate"),
        ({"dueDateType": "days_after"}, "dueDateType"),
        ({"dueDateType": "fixed_day"}, "dueDateFixedDay"),
        ({"autoEmailTime": "25:00"}, "autoEmailTime"),
        ({"lines": [{"description": "X", "quantity": 1, "unitPrice": 10, "referenceCurrency": "EUR"}]}, "exchangeRate"),
        ({"lines": [{"description": "X", "quantity": 1, "unitPrice": 10, "priceRule": "updated_product"}]}, "lines[0].productId"),
    ]
    for overrides, field in cases:
        answer = await api.post(BASE, json=env.body(**overrides), headers=headers)
        assert answer.status_code == 400, (overrides, answer.text)
        assert answer.json()["field"] == field and answer.json()["error"], overrides
    # bodies that do not decode are 400, like every document body
    no_lines = env.body()
    del no_lines["lines"]
    assert (await api.post(BASE, json=no_lines, headers=headers)).status_code == 400
    bad_line = env.body(lines=[{"description": "", "quantity": 1, "unitPrice": 1}])
    assert (await api.post(BASE, json=bad_line, headers=headers)).status_code == 400
    assert ok(await api.get(BASE, headers=headers))["total"] == 0  # nothing was stored


async def test_idempotency_key_replays_or_conflicts(env):
    api, headers = env.api, env.owner.headers
    keyed = {**headers, "Idempotency-Key": "tpl-1"}
    first = await api.post(BASE, json=env.body(), headers=keyed)
    again = await api.post(BASE, json=env.body(), headers=keyed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = await api.post(BASE, json=env.body(reference="another"), headers=keyed)
    assert other.status_code == 409 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    by_body = await api.post(BASE, json=env.body(idempotencyKey="tpl-2"), headers=headers)
    assert by_body.status_code == 201
    assert (await api.post(BASE, json=env.body(idempotencyKey="tpl-2"), headers=headers)).json()["id"] == by_body.json()["id"]
    assert ok(await api.get(BASE, headers=headers))["total"] == 2


async def test_another_organisations_company_is_403(env):
    api = env.api
    mine = await env.create()
    ok(await api.post("/api/auth/register", json={"email": "b@beta.ro", "password": "a-long-password-1"}), 201)
    in_app(api, User.update({User.email_verified: True}).where(User.email == "b@beta.ro").run)
    other = await login(api, "b@beta.ro")
    await add_company(api, other, cif="14399840", name="Beta Trading SRL")
    for method, path in (("GET", BASE), ("GET", f"{BASE}/{mine['id']}"), ("POST", f"{BASE}/{mine['id']}/toggle"), ("POST", f"{BASE}/{mine['id']}/issue-now")):
        answer = await api.request(method, path, headers={**other.auth, "X-Company": env.owner.company_id})
        assert answer.status_code == 403 and answer.json() == {"error": "Permission denied."}
    # within its own company, the other organisation does not see the template
    assert (await api.get(f"{BASE}/{mine['id']}", headers=other.headers)).status_code == 404
    assert ok(await api.get(BASE, headers=other.headers))["total"] == 0


async def test_toggle_flips_is_active(env):
    api, headers = env.api, env.owner.headers
    created = await env.create()
    paused = ok(await api.post(f"{BASE}/{created['id']}/toggle", headers=headers))
    assert paused["isActive"] is False and paused["nextIssuanceDate"] == created["nextIssuanceDate"]
    assert ok(await api.get(BASE, params={"isActive": "false"}, headers=headers))["total"] == 1
    resumed = ok(await api.post(f"{BASE}/{created['id']}/toggle", headers=headers))
    assert resumed["isActive"] is True


async def test_bulk_toggle_and_delete_report_per_id(env):
    api, headers = env.api, env.owner.headers
    a, b = await env.create(reference="A"), await env.create(reference="B")
    off = ok(await api.post(f"{BASE}/bulk-toggle-active", json={"ids": [a["id"], b["id"], MISSING], "isActive": False}, headers=headers))
    assert off == {"updated": 2, "errors": [{"id": MISSING, "error": "Recurring invoice not found."}]}
    assert {r["isActive"] for r in ok(await api.get(BASE, headers=headers))["data"]} == {False}
    flipped = ok(await api.post(f"{BASE}/bulk-toggle-active", json={"ids": [a["id"]]}, headers=headers))
    assert flipped == {"updated": 1, "errors": []}
    assert ok(await api.get(f"{BASE}/{a['id']}", headers=headers))["isActive"] is True
    assert (await api.post(f"{BASE}/bulk-delete", json={"ids": []}, headers=headers)).status_code == 400
    too_many = {"ids": [f"00000000-0000-0000-0000-{i:012d}" for i in range(101)]}
    assert (await api.post(f"{BASE}/bulk-delete", json=too_many, headers=headers)).status_code == 400
    deleted = ok(await api.post(f"{BASE}/bulk-delete", json={"ids": [a["id"], b["id"], MISSING]}, headers=headers))
    assert deleted == {"deleted": 2, "errors": [{"id": MISSING, "error": "Recurring invoice not found."}]}
    assert ok(await api.get(BASE, headers=headers))["total"] == 0


async def test_an_employee_may_read_but_not_manage(env):
    from core.auth.tables import Membership

    api, headers = env.api, env.owner.headers
    created = await env.create()
    in_app(api, Membership.update({Membership.role: "employee"}).where(Membership.organisation.is_not_null()).run)
    assert (await api.get(f"{BASE}/{created['id']}", headers=headers)).status_code == 200
    for method, path in (("POST", f"{BASE}/{created['id']}/toggle"), ("DELETE", f"{BASE}/{created['id']}"), ("POST", f"{BASE}/{created['id']}/issue-now")):
        answer = await api.request(method, path, headers=headers)
        assert answer.status_code == 403 and answer.json() == {"error": "Permission denied."}
