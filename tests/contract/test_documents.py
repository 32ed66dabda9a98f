"""Contract of proformas, delivery notes, the PDF template configuration, e-invoice provider
configuration, the e-Factura sync and SPV messages over real HTTP (objects.md §3.7, §3.9, §3.19,
§5.2, §5.3); every body is checked against its OpenAPI schema by :meth:`Api.call`."""

from __future__ import annotations

import uuid

from tests.contract.conftest import LINE, World, execute


def test_proforma_lifecycle(world: World) -> None:
    a, b = world.a, world.b
    body = {"clientId": a.client_id, "lines": [LINE]}
    proforma = a.call("POST", "/api/v1/proforma-invoices", 201, json=body)
    assert proforma["status"] == "draft" and proforma["number"].startswith("PRO-") and proforma["total"] == 242
    url = f"/api/v1/proforma-invoices/{proforma['id']}"
    assert a.call("PUT", url, 200, json={**body, "notes": "Ofertă"})["notes"] == "Ofertă"
    a.call("POST", f"{url}/accept", 422)  # only a sent proforma is accepted
    a.call("POST", f"{url}/convert", 422)
    assert a.call("POST", f"{url}/send", 200)["status"] == "sent"
    a.call("PUT", url, 422, json=body)  # only a draft is edited
    assert a.call("POST", f"{url}/accept", 200)["acceptedAt"] is not None
    invoice = a.call("POST", f"{url}/convert", 201)
    assert invoice["status"] == "draft" and invoice["lines"][0]["description"] == LINE["description"]
    converted = a.call("GET", url, 200)
    assert converted["status"] == "converted" and converted["convertedInvoice"]["id"] == invoice["id"]
    page = a.call("GET", "/api/v1/proforma-invoices", 200, params={"status": "converted"})
    assert (page["total"], page["pages"]) == (1, 1) and "lines" not in page["data"][0]

    other = a.call("POST", "/api/v1/proforma-invoices", 201, json=body)
    a.call("POST", f"/api/v1/proforma-invoices/{other['id']}/send", 200)
    assert a.call("POST", f"/api/v1/proforma-invoices/{other['id']}/reject", 200)["status"] == "rejected"
    assert a.call("POST", f"/api/v1/proforma-invoices/{other['id']}/cancel", 200)["status"] == "cancelled"
    stranger = str(uuid.uuid4())
    done = a.call("POST", "/api/v1/proforma-invoices/bulk-delete", 200, json={"ids": [other["id"], stranger]})
    assert done["deleted"] == 1 and done["errors"][0]["id"] == stranger
    a.call("POST", "/api/v1/proforma-invoices/bulk-delete", 400, json={"ids": []})
    a.call("POST", "/api/v1/proforma-invoices", 400, json={"lines": []})
    a.call("GET", "/api/v1/proforma-invoices", 422, params={"status": "lost"})
    a.call("DELETE", url, 422)  # a converted proforma stays
    theirs = b.call("POST", "/api/v1/proforma-invoices", 201, json={"clientId": b.client_id, "lines": [LINE]})
    for method, path in (("GET", f"/api/v1/proforma-invoices/{uuid.uuid4()}"), ("POST", f"/api/v1/proforma-invoices/{uuid.uuid4()}/send"),
                         ("DELETE", f"/api/v1/proforma-invoices/{uuid.uuid4()}"), ("GET", f"/api/v1/proforma-invoices/{theirs['id']}")):
        a.call(method, path, 404)
    spare = a.call("POST", "/api/v1/proforma-invoices", 201, json=body)
    a.call("DELETE", f"/api/v1/proforma-invoices/{spare['id']}", 204)


def test_delivery_note_lifecycle(world: World) -> None:
    a = world.a
    body = {"clientId": a.client_id, "lines": [LINE]}
    note = a.call("POST", "/api/v1/delivery-notes", 201, json=body)
    assert note["status"] == "draft" and note["number"].startswith("AVIZ-") and note["skipEtransport"] is False
    url = f"/api/v1/delivery-notes/{note['id']}"
    assert a.call("PUT", url, 200, json={**body, "notes": "Livrare"})["notes"] == "Livrare"
    a.call("POST", f"{url}/convert", 422)  # only an issued note is converted
    a.call("POST", f"{url}/restore", 422)
    issued = a.call("POST", f"{url}/issue", 200)
    assert issued["status"] == "issued" and issued["issuedAt"] is not None
    invoice = a.call("POST", f"{url}/convert", 201)
    assert invoice["status"] == "draft" and invoice["total"] == 242
    assert a.call("GET", url, 200)["convertedInvoice"]["id"] == invoice["id"]

    second, third = (a.call("POST", "/api/v1/delivery-notes", 201, json=body) for _ in range(2))
    for extra in (second, third):
        a.call("POST", f"/api/v1/delivery-notes/{extra['id']}/issue", 200)
    merged = a.call("POST", "/api/v1/delivery-notes/bulk-convert", 201, json={"ids": [second["id"], third["id"]]})
    assert merged["total"] == 484 and len(merged["lines"]) == 2
    a.call("POST", "/api/v1/delivery-notes/bulk-convert", 400, json={"ids": []})

    cancelled = a.call("POST", "/api/v1/delivery-notes", 201, json=body)
    assert a.call("POST", f"/api/v1/delivery-notes/{cancelled['id']}/cancel", 200)["cancelledAt"] is not None
    assert a.call("POST", f"/api/v1/delivery-notes/{cancelled['id']}/restore", 200)["status"] == "draft"
    storno_source = a.call("POST", "/api/v1/delivery-notes", 201, json=body)
    a.call("POST", f"/api/v1/delivery-notes/{storno_source['id']}/issue", 200)
    storno = a.call("POST", f"/api/v1/delivery-notes/{storno_source['id']}/storno", 201)
    assert storno["total"] == -242

    proforma = a.call("POST", "/api/v1/proforma-invoices", 201, json=body)
    from_proforma = a.call("POST", "/api/v1/delivery-notes/from-proforma", 201, json={"proformaId": proforma["id"]})
    assert from_proforma["lines"][0]["description"] == LINE["description"]
    a.call("POST", "/api/v1/delivery-notes/from-proforma", 404, json={"proformaId": str(uuid.uuid4())})
    a.call("POST", "/api/v1/delivery-notes/from-proforma", 400, json={})
    page = a.call("GET", "/api/v1/delivery-notes", 200, params={"limit": 2})
    assert (page["limit"], page["pages"], len(page["data"])) == (2, (page["total"] + 1) // 2, 2)
    a.call("GET", f"/api/v1/delivery-notes/{uuid.uuid4()}", 404)
    a.call("DELETE", f"/api/v1/delivery-notes/{from_proforma['id']}", 204)
    a.call("DELETE", url, 422)  # a converted note stays


def test_pdf_template_config(world: World) -> None:
    a = world.a
    config = a.call("GET", "/api/v1/pdf-template-config", 200)
    assert config["updatedAt"] is None and config["templateSlug"] in config["templates"]
    saved = a.call("PUT", "/api/v1/pdf-template-config", 200, json={"templateSlug": "modern", "primaryColor": "#112233"})
    assert (saved["templateSlug"], saved["primaryColor"]) == ("modern", "#112233") and saved["updatedAt"]
    a.call("PUT", "/api/v1/pdf-template-config", 400, json={"templateSlug": "baroque"})
    a.call("PUT", "/api/v1/pdf-template-config", 400, json={"primaryColor": "red"})
    templates = a.call("GET", "/api/v1/pdf-template-config/templates", 200)
    assert {t["slug"] for t in templates} == set(config["templates"])
    preview = a.http.post("/api/v1/pdf-template-config/preview", json={"templateSlug": "minimal"}, headers=a.headers)
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")


def test_einvoice_sync_and_messages(world: World) -> None:
    a = world.a
    providers = a.call("GET", "/api/v1/einvoice/providers", 200)
    assert [p["code"] for p in providers] == ["anaf"]
    base = f"/api/v1/companies/{a.company_id}/einvoice-config"
    assert a.call("GET", base, 200) == []
    created = a.call("POST", base, 201, json={"provider": "anaf", "credentials": {"clientSecret": "s3cret-value-123"}})
    assert created["hasCredentials"] is True and created["credentials"]["clientSecret"] == "****-123"
    assert a.call("POST", base, 200, json={"provider": "anaf", "enabled": False})["enabled"] is False
    assert a.call("POST", f"{base}/test", 200, json={"provider": "anaf"})["provider"] == "anaf"
    a.call("POST", base, 400, json={"enabled": True})
    assert [c["provider"] for c in a.call("GET", base, 200)] == ["anaf"]
    a.call("DELETE", f"{base}/anaf", 204)

    assert a.call("GET", "/api/v1/sync/status", 200)["status"] == "never"
    assert a.call("POST", "/api/v1/sync/trigger", 202) == {"status": "queued"}
    assert a.call("GET", "/api/v1/sync/status", 200)["status"] in ("queued", "idle", "running")

    assert a.call("GET", "/api/v1/efactura-messages", 200)["total"] == 0
    message_id = str(uuid.uuid4())
    execute(
        world.database_url,
        "INSERT INTO efactura_messages (id, company, anaf_message_id, message_type, cif, details, status, created_at) "
        f"VALUES ('{message_id}', '{a.company_id}', '3001234567', 'FACTURA PRIMITA', '18547290', 'Factura cu id_incarcare=1', 'processed', '2026-11-20T10:00:00+00:00')",
    )
    page = a.call("GET", "/api/v1/efactura-messages", 200, params={"messageType": "FACTURA PRIMITA"})
    assert page["total"] == 1 and page["data"][0]["invoice"] is None
    assert a.call("GET", f"/api/v1/efactura-messages/{message_id}", 200)["anafMessageId"] == "3001234567"
    a.call("GET", f"/api/v1/efactura-messages/{uuid.uuid4()}", 404)
    world.b.call("GET", f"/api/v1/efactura-messages/{message_id}", 404)
