"""Contract of invoices, credit notes/storno and payments over real HTTP (objects.md §1–§3.1,
§3.6, §3.8, §5.1, §7): success paths, documented errors, envelopes; every body is checked
against its OpenAPI schema by :meth:`Api.call`."""

from __future__ import annotations

import uuid

from tests.contract.conftest import LINE, World


def test_create_replay_list_and_exact_totals(world: World) -> None:
    a, b = world.a, world.b
    key = {**a.headers, "Idempotency-Key": "order-1"}
    first = a.call("POST", "/api/v1/invoices", 201, json={"clientId": a.client_id, "lines": [LINE]}, headers=key)
    assert first["validation"] is None and first["invoice"]["status"] == "draft" and first["invoice"]["number"].startswith("DRAFT-")
    assert first["invoice"]["lines"][0]["quantity"] == 2 and first["invoice"]["total"] == 242
    replay = a.call("POST", "/api/v1/invoices", 200, json={"clientId": a.client_id, "lines": [LINE]}, headers=key)
    assert replay["invoice"]["id"] == first["invoice"]["id"]
    a.call("POST", "/api/v1/invoices", 409, json={"clientId": a.client_id, "lines": [LINE, LINE]}, headers=key)
    credit = a.invoice(documentType="credit_note")
    drafts = [a.invoice() for _ in range(3)]
    b.invoice()

    page = a.call("GET", "/api/v1/invoices", 200)
    assert (page["total"], page["page"], page["limit"], page["pages"]) == (5, 1, 20, 1)
    assert len(page["data"]) == 5 and "lines" not in page["data"][0]
    small = a.call("GET", "/api/v1/invoices", 200, params={"limit": 2, "page": 3})
    assert (small["total"], small["page"], small["limit"], small["pages"], len(small["data"])) == (5, 3, 2, 3, 1)
    # the unfiltered total is exact after deletes, and agrees with the filtered counts
    a.call("DELETE", f"/api/v1/invoices/{drafts[0]['id']}", 204)
    done = a.call("POST", "/api/v1/invoices/bulk-delete", 200, json={"ids": [drafts[1]["id"], str(uuid.uuid4())]})
    assert done["deleted"] == 1 and len(done["errors"]) == 1 and done["errors"][0]["error"]
    total = a.call("GET", "/api/v1/invoices", 200)["total"]
    by_type = sum(a.call("GET", "/api/v1/invoices", 200, params={"type": kind})["total"] for kind in ("invoice", "credit_note"))
    assert total == by_type == 3
    assert a.call("GET", "/api/v1/invoices", 200, params={"type": "credit_note"})["data"][0]["id"] == credit["id"]
    assert b.call("GET", "/api/v1/invoices", 200)["total"] == 1

    for params in ({"limit": 101}, {"limit": 0}, {"page": 0}, {"status": "bogus"}, {"totalMin": "abc"}, {"currency": "EURO"}, {"sort": "colour"}):
        a.call("GET", "/api/v1/invoices", 422, params=params)


def test_draft_edit_errors_and_lookups(world: World) -> None:
    a, b = world.a, world.b
    draft = a.invoice()
    url = f"/api/v1/invoices/{draft['id']}"
    detail = a.call("GET", url, 200)
    assert detail["payments"] == [] and detail["lines"][0]["description"] == "Consultanță"
    updated = a.call("PUT", url, 200, json={"clientId": a.client_id, "lines": [LINE, {**LINE, "quantity": "1"}], "notes": "Două linii"})
    assert len(updated["invoice"]["lines"]) == 2 and updated["invoice"]["notes"] == "Două linii"
    for body in ({"lines": []}, {"lines": [{**LINE, "quantity": "abc"}]}, {"lines": [{**LINE, "quantity": "0"}]}, {"lines": [LINE], "currency": "EUR"}, {"clientId": a.client_id}):
        a.call("PUT", url, 400, json=body)
        a.call("POST", "/api/v1/invoices", 400, json=body)
    a.call("POST", "/api/v1/invoices", 400, content=b"{not json", headers={**a.headers, "Content-Type": "application/json"})
    unknown = f"/api/v1/invoices/{uuid.uuid4()}"
    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/issue"), ("POST", "/cancel"), ("POST", "/restore"), ("POST", "/storno"),
                           ("GET", "/events"), ("GET", "/payments"), ("POST", "/validate"), ("GET", "/xml")):
        kwargs = {"json": {"clientId": a.client_id, "lines": [LINE]}} if method == "PUT" else {}
        a.call(method, unknown + suffix, 404, **kwargs)
    theirs = b.invoice()
    a.call("GET", f"/api/v1/invoices/{theirs['id']}", 404)  # another company's invoice is not found in this one
    a.call("GET", f"{url}/xml", 404)  # no XML before issue
    events = a.call("GET", f"{url}/events", 200)
    assert events and events[0]["metadata"]["action"] == "created"
    a.call("POST", f"{url}/restore", 422)  # only a cancelled invoice is restored
    cancelled = a.call("POST", f"{url}/cancel", 200, json={"reason": "Greșit"})["invoice"]
    assert cancelled["status"] == "cancelled" and cancelled["cancellationReason"] == "Greșit"
    assert a.call("POST", f"{url}/restore", 200)["invoice"]["status"] == "draft"
    a.call("POST", f"{url}/storno", 400)  # only an issued invoice has a storno


def test_issue_pay_storno_and_submit(world: World) -> None:
    a = world.a
    draft = a.invoice()
    url = f"/api/v1/invoices/{draft['id']}"
    checked = a.call("POST", f"{url}/validate", 200)
    assert checked["valid"] is True and checked["errors"] == []
    issued = a.call("POST", f"{url}/issue", 200)
    assert issued["invoice"]["status"] == "issued" and not issued["invoice"]["number"].startswith("DRAFT-")
    a.call("POST", f"{url}/issue", 422)
    a.call("PUT", url, 422, json={"clientId": a.client_id, "lines": [LINE]})
    a.call("DELETE", url, 422)
    xml = a.http.get(f"{url}/xml", headers=a.headers)
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml") and b"<Invoice" in xml.content
    pdf = a.http.get(f"{url}/pdf", headers=a.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    payment = a.call("POST", f"{url}/payments", 201, json={"amount": "100.00", "paymentMethod": "bank_transfer", "reference": "OP 12"})
    assert payment["amount"] == 100 and payment["isReconciled"] is False
    a.call("POST", f"{url}/payments", 422, json={"amount": "500.00", "paymentMethod": "cash"})  # over the balance
    a.call("POST", f"{url}/payments", 400, json={"amount": "10.00"})
    a.call("POST", f"{url}/payments", 400, json={"amount": "-1", "paymentMethod": "cash"})
    assert [p["id"] for p in a.call("GET", f"{url}/payments", 200)] == [payment["id"]]
    detail = a.call("GET", url, 200)
    assert detail["amountPaid"] == 100 and detail["balance"] == 142 and detail["payments"][0]["id"] == payment["id"]
    a.call("DELETE", f"{url}/payments/{uuid.uuid4()}", 404)
    a.call("DELETE", f"{url}/payments/{payment['id']}", 204)
    marked = a.call("POST", "/api/v1/invoices/bulk-mark-paid", 200, json={"ids": [draft["id"]]})
    assert marked == {"marked": 1, "errors": []}
    assert a.call("GET", url, 200)["paidAt"] is not None

    submitted = a.call("POST", f"{url}/submit", 200)
    assert submitted["invoice"]["status"] == "sent_to_provider" and submitted["message"]
    submissions = a.call("GET", f"{url}/einvoice-submissions", 200)
    assert submissions and submissions[0]["provider"] == "anaf"
    a.call("POST", f"/api/v1/invoices/{a.invoice()['id']}/submit", 422)  # a draft is not sent

    other = a.invoice()
    a.call("POST", f"/api/v1/invoices/{other['id']}/issue", 200)
    storno = a.call("POST", f"/api/v1/invoices/{other['id']}/storno", 201)["invoice"]
    assert storno["parentDocumentId"] == other["id"] and storno["total"] == -242
    assert a.call("GET", f"/api/v1/invoices/{other['id']}", 200)["refundInvoices"][0]["id"] == storno["id"]


def test_bulk_actions_report_each_id(world: World) -> None:
    a = world.a
    drafts = [a.invoice() for _ in range(2)]
    issued = a.invoice()
    a.call("POST", f"/api/v1/invoices/{issued['id']}/issue", 200)
    stranger = str(uuid.uuid4())
    created = a.call("POST", "/api/v1/invoices/bulk-storno", 200, json={"ids": [issued["id"], drafts[0]["id"]]})
    assert created["created"] == 1 and [e["id"] for e in created["errors"]] == [drafts[0]["id"]]
    cancelled = a.call("POST", "/api/v1/invoices/bulk-cancel", 200, json={"ids": [drafts[0]["id"], stranger]})
    assert cancelled["cancelled"] == 1 and cancelled["errors"][0]["id"] == stranger
    for verb in ("bulk-storno", "bulk-cancel", "bulk-delete", "bulk-mark-paid"):
        a.call("POST", f"/api/v1/invoices/{verb}", 400, json={"ids": []})
        a.call("POST", f"/api/v1/invoices/{verb}", 400, json={"ids": [str(uuid.uuid4()) for _ in range(101)]})
        a.call("POST", f"/api/v1/invoices/{verb}", 400, json={"ids": "not a list"})


def test_import_of_a_supplier_file(world: World) -> None:
    a, b = world.a, world.b
    draft = a.invoice()
    a.call("POST", f"/api/v1/invoices/{draft['id']}/issue", 200)
    xml = a.http.get(f"/api/v1/invoices/{draft['id']}/xml", headers=a.headers).content
    for bad in (b"not xml at all", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><Invoice>&e;</Invoice>'):
        answer = b.call("POST", "/api/v1/invoices/import", 400, content=bad, headers={**b.headers, "Content-Type": "application/xml"})
        assert answer["code"] == "PARSE_ERROR"
    imported = b.call("POST", "/api/v1/invoices/import", 201, content=xml, headers={**b.headers, "Content-Type": "application/xml"})["invoice"]
    assert imported["direction"] == "incoming" and imported["number"] == a.call("GET", f"/api/v1/invoices/{draft['id']}", 200)["number"]
    again = b.call("POST", "/api/v1/invoices/import", 409, content=xml, headers={**b.headers, "Content-Type": "application/xml"})
    assert again["code"] == "DUPLICATE_FILE"
    assert b.call("GET", "/api/v1/invoices", 200, params={"direction": "incoming"})["total"] == 1
    supplier = imported["supplierId"]
    assert b.call("GET", f"/api/v1/suppliers/{supplier}", 200)["invoiceCount"] == 1
