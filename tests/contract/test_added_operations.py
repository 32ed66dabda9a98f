"""Contract of the operations added beside the first invoicing areas: receipts, recurring
invoices, supplier writes, client bulk delete and lookups, proforma/delivery-note PDFs, invoice
attachments, submit-einvoice, upload, verify-signature and the sync log (objects.md §1–§3.11,
§3.19); every body is checked against its OpenAPI schema by :meth:`Api.call`."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.contract.conftest import LINE, World, execute


def test_receipts(world: World) -> None:
    a = world.a
    body = {"lines": [LINE], "paymentMethod": "cash", "cashPayment": "242.00"}
    key = {**a.headers, "Idempotency-Key": "till-1"}
    receipt = a.call("POST", "/api/v1/receipts", 201, json=body, headers=key)
    assert receipt["status"] == "draft" and receipt["number"].startswith("BON-") and receipt["total"] == 242
    assert a.call("POST", "/api/v1/receipts", 200, json=body, headers=key)["id"] == receipt["id"]
    a.call("POST", "/api/v1/receipts", 409, json={**body, "notes": "altceva"}, headers=key)
    url = f"/api/v1/receipts/{receipt['id']}"
    assert a.call("PUT", url, 200, json={**body, "notes": "Casa 1"})["notes"] == "Casa 1"
    a.call("POST", f"{url}/refund", 422)  # only an issued receipt is refunded
    issued = a.call("POST", f"{url}/issue", 200)
    assert issued["status"] == "issued" and not issued["number"].startswith("BON-")
    a.call("POST", f"{url}/issue", 422)
    pdf = a.http.get(f"{url}/pdf", headers=a.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    refund = a.call("POST", f"{url}/refund", 201)
    assert refund["total"] == -242 and refund["refundOf"]["id"] == receipt["id"]

    other = a.call("POST", "/api/v1/receipts", 201, json=body)
    a.call("POST", f"/api/v1/receipts/{other['id']}/issue", 200)
    invoice = a.call("POST", f"/api/v1/receipts/{other['id']}/convert", 201)
    assert invoice["status"] == "draft" and invoice["total"] == 242
    spare = a.call("POST", "/api/v1/receipts", 201, json=body)
    assert a.call("POST", f"/api/v1/receipts/{spare['id']}/cancel", 200)["status"] == "cancelled"
    assert a.call("POST", f"/api/v1/receipts/{spare['id']}/restore", 200)["status"] == "draft"
    a.call("DELETE", f"/api/v1/receipts/{spare['id']}", 204)
    page = a.call("GET", "/api/v1/receipts", 200)
    assert page["total"] == 3 and page["page"] == 1 and "lines" not in page["data"][0]
    a.call("POST", "/api/v1/receipts", 400, json={"lines": []})
    a.call("POST", "/api/v1/receipts", 400, json={"lines": [{**LINE, "quantity": "-1"}]})
    a.call("GET", "/api/v1/receipts", 422, params={"limit": 101})
    for method, suffix in (("GET", ""), ("DELETE", ""), ("POST", "/issue"), ("POST", "/refund")):
        a.call(method, f"/api/v1/receipts/{uuid.uuid4()}{suffix}", 404)
    world.b.call("GET", url, 404)


def test_recurring_invoices(world: World) -> None:
    a = world.a
    today = dt.date.today()
    body = {"frequency": "monthly", "frequencyDay": 1, "clientId": a.client_id, "lines": [LINE], "reference": "Abonament", "nextIssuanceDate": today.isoformat()}
    key = {**a.headers, "Idempotency-Key": "plan-1"}
    template = a.call("POST", "/api/v1/recurring-invoices", 201, json=body, headers=key)
    assert template["isActive"] is True and template["frequency"] == "monthly" and template["total"] == 242
    assert a.call("POST", "/api/v1/recurring-invoices", 200, json=body, headers=key)["id"] == template["id"]
    a.call("POST", "/api/v1/recurring-invoices", 409, json={**body, "reference": "Altul"}, headers=key)
    url = f"/api/v1/recurring-invoices/{template['id']}"
    assert a.call("GET", url, 200)["reference"] == "Abonament"
    assert a.call("PUT", url, 200, json={**body, "reference": "Mentenanță"})["reference"] == "Mentenanță"
    assert a.call("POST", f"{url}/toggle", 200)["isActive"] is False
    assert a.call("POST", f"{url}/toggle", 200)["isActive"] is True
    issued = a.call("POST", f"{url}/issue-now", 201)
    assert issued["invoice"]["status"] == "issued" and issued["recurringInvoice"]["lastInvoiceId"] == issued["invoice"]["id"]
    second = a.call("POST", "/api/v1/recurring-invoices", 201, json={**body, "reference": "Al doilea"})
    stranger = str(uuid.uuid4())
    toggled = a.call("POST", "/api/v1/recurring-invoices/bulk-toggle-active", 200, json={"ids": [second["id"], stranger], "isActive": False})
    assert toggled["errors"][0]["id"] == stranger
    issued_now = a.call("POST", "/api/v1/recurring-invoices/bulk-issue-now", 200, json={"ids": [template["id"], stranger]})
    assert issued_now["errors"] and issued_now["errors"][0]["id"] == stranger
    page = a.call("GET", "/api/v1/recurring-invoices", 200)
    assert page["total"] == 2 and page["pages"] == 1
    assert a.call("POST", "/api/v1/recurring-invoices", 400, json={**body, "frequency": "hourly"})["field"] == "frequency"
    assert a.call("POST", "/api/v1/recurring-invoices", 400, json={**body, "lines": []})["field"] == "lines"
    a.call("POST", "/api/v1/recurring-invoices", 400, json={**body, "frequencyDay": "first"})
    for verb in ("bulk-delete", "bulk-toggle-active", "bulk-issue-now"):
        a.call("POST", f"/api/v1/recurring-invoices/{verb}", 400, json={"ids": []})
    for method, suffix in (("GET", ""), ("DELETE", ""), ("POST", "/toggle"), ("POST", "/issue-now")):
        a.call(method, f"/api/v1/recurring-invoices/{uuid.uuid4()}{suffix}", 404)
    deleted = a.call("POST", "/api/v1/recurring-invoices/bulk-delete", 200, json={"ids": [second["id"]]})
    assert deleted["deleted"] == 1
    a.call("DELETE", url, 204)
    assert a.call("GET", "/api/v1/recurring-invoices", 200)["total"] == 0


def test_supplier_writes_and_client_bulk_delete(world: World) -> None:
    a = world.a
    created = a.call("POST", "/api/v1/suppliers", 201, json={"name": "Furnizor Test SRL", "cif": "RO14399840", "county": "Iasi"})
    supplier = created["supplier"]
    assert supplier["cif"] == "14399840"
    again = a.call("POST", "/api/v1/suppliers", 200, json={"name": "Furnizor Test SRL", "cif": "14399840"})
    assert again["existing"] is True and again["supplier"]["id"] == supplier["id"]
    a.call("POST", "/api/v1/suppliers", 422, json={"cif": "123"})
    url = f"/api/v1/suppliers/{supplier['id']}"
    assert a.call("PATCH", url, 200, json={"phone": "0232000000"})["supplier"]["phone"] == "0232000000"
    a.call("PATCH", url, 400, json={"name": "Renamed"})  # the registry identity is read-only
    assert a.call("GET", "/api/v1/suppliers", 200)["total"] == 1
    spare = a.call("POST", "/api/v1/suppliers", 201, json={"name": "Al doilea SRL"})["supplier"]
    stranger = str(uuid.uuid4())
    done = a.call("POST", "/api/v1/suppliers/bulk-delete", 200, json={"ids": [spare["id"], stranger]})
    assert done["deleted"] == 1 and done["errors"][0]["id"] == stranger
    a.call("DELETE", url, 204)
    a.call("DELETE", url, 404)
    assert a.call("GET", "/api/v1/suppliers", 200)["total"] == 0

    person = a.call("POST", "/api/v1/clients", 201, json={"type": "individual", "name": "Maria Ionescu", "county": "Cluj"})["client"]
    done = a.call("POST", "/api/v1/clients/bulk-delete", 200, json={"ids": [person["id"], stranger]})
    assert done["deleted"] == 1 and done["errors"][0]["id"] == stranger
    a.call("POST", "/api/v1/clients/bulk-delete", 400, json={"ids": []})
    found = a.call("GET", "/api/v1/clients/anaf-lookup", 200, params={"cui": "RO6859662"})
    assert found["cui"] == "6859662" and found["name"]
    a.call("GET", "/api/v1/clients/anaf-lookup", 404, params={"cui": "123456"})
    a.call("GET", "/api/v1/clients/anaf-lookup", 400, params={"cui": "RO12AB"})
    a.call("GET", "/api/v1/clients/vies-lookup", 400)


def test_document_pdfs_attachments_and_transport_extras(world: World) -> None:
    a = world.a
    proforma = a.call("POST", "/api/v1/proforma-invoices", 201, json={"clientId": a.client_id, "lines": [LINE]})
    note = a.call("POST", "/api/v1/delivery-notes", 201, json={"clientId": a.client_id, "lines": [LINE]})
    for path in (f"/api/v1/proforma-invoices/{proforma['id']}/pdf", f"/api/v1/delivery-notes/{note['id']}/pdf"):
        answer = a.http.get(path, headers=a.headers)
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF"), answer.text[:200]
    a.call("GET", f"/api/v1/proforma-invoices/{uuid.uuid4()}/pdf", 404)
    a.call("GET", f"/api/v1/delivery-notes/{uuid.uuid4()}/pdf", 404)

    invoice = a.invoice()
    url = f"/api/v1/invoices/{invoice['id']}"
    stored = a.call("POST", f"{url}/attachments", 201, files={"file": ("contract.pdf", b"%PDF-1.4 contract", "application/pdf")}, data={"description": "Contract"})
    attachment = stored["attachment"]
    assert attachment["size"] == len(b"%PDF-1.4 contract") and attachment["description"] == "Contract"
    assert a.call("GET", url, 200)["attachments"] == [attachment]
    download = a.http.get(f"{url}/attachments/{attachment['id']}", headers=a.headers)
    assert download.status_code == 200 and download.content == b"%PDF-1.4 contract"
    a.call("GET", f"{url}/attachments/{uuid.uuid4()}", 404)
    a.call("POST", f"{url}/attachments", 400, data={"description": "no file"}, files={"other": ("x.txt", b"x", "text/plain")})

    a.call("POST", f"{url}/submit-einvoice", 422, json={"provider": "anaf"})  # a draft is not sent
    a.call("POST", f"{url}/issue", 200)
    a.call("POST", f"{url}/submit-einvoice", 400, json={"provider": "carrier-pigeon"})
    a.call("POST", f"{url}/verify-signature", 422)  # ANAF has not signed anything yet
    submitted = a.call("POST", f"{url}/submit-einvoice", 200, json={"provider": "anaf"})
    assert submitted["invoice"]["status"] == "sent_to_provider" and submitted["submission"]["provider"] == "anaf"
    other = a.invoice()
    a.call("POST", f"/api/v1/invoices/{other['id']}/issue", 200)
    assert a.call("POST", f"/api/v1/invoices/{other['id']}/upload", 200)["invoice"]["status"] == "sent_to_provider"
    a.call("POST", f"/api/v1/invoices/{uuid.uuid4()}/verify-signature", 404)

    assert a.call("GET", "/api/v1/sync/log", 200)["total"] == 0
    execute(
        world.database_url,
        "INSERT INTO efactura_messages (id, company, anaf_message_id, message_type, cif, details, status, invoice, created_at) "
        f"VALUES ('{uuid.uuid4()}', '{a.company_id}', '3009876543', 'FACTURA PRIMITA', '18547290', '', 'processed', '{invoice['id']}', '2026-11-20T10:00:00+00:00')",
    )
    log = a.call("GET", "/api/v1/sync/log", 200, params={"status": "processed"})
    assert log["total"] == 1 and log["data"][0]["invoice"]["id"] == invoice["id"]
    a.call("GET", "/api/v1/sync/log", 422, params={"status": "maybe"})
