"""Invoice attachments (EN 16931 BG-24): multipart upload into the document store, listed in the
invoice detail, downloaded byte for byte with Content-Disposition; size and type limits; 404 and
403 for other companies."""

from __future__ import annotations

import uuid

import pytest

from core.documents.attachments import MAX_ATTACHMENT_BYTES
from tests.core.conftest import ok
from tests.support.tenants import two_organisations

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINES = [{"description": "Consultanță", "quantity": "2", "unitPrice": "100.00", "vatRate": "21", "unitOfMeasure": "ore"}]


@pytest.fixture
async def orgs(settings):
    async with two_organisations(settings) as (api, a, b):
        for tenant in (a, b):
            body = {"clientId": tenant.extra["client_id"], "lines": LINES}
            tenant.extra["invoice_id"] = ok(await api.post("/api/v1/invoices", json=body, headers=tenant.headers), 201)["invoice"]["id"]
        yield api, a, b


async def test_upload_list_and_download(orgs):
    api, a, _ = orgs
    invoice_id = a.extra["invoice_id"]
    url = f"/api/v1/invoices/{invoice_id}/attachments"
    created = await api.post(url, files={"file": ("Contract semnat ș.pdf", PDF, "application/pdf")}, data={"description": "Contract cadru"}, headers=a.headers)
    assert created.status_code == 201, created.text
    attachment = created.json()["attachment"]
    assert attachment == {"id": attachment["id"], "filename": "Contract semnat ș.pdf", "mimeType": "application/pdf", "description": "Contract cadru", "size": len(PDF)}
    csv = ok(await api.post(url, files={"file": ("../../etc/ore.csv", b"data;ore\n2026-11-20;8\n", "text/csv")}, headers=a.headers), 201)["attachment"]
    assert csv["filename"] == "ore.csv" and csv["description"] is None

    detail = ok(await api.get(f"/api/v1/invoices/{invoice_id}", headers=a.headers))
    assert detail["attachments"] == [attachment, csv]

    download = await api.get(f"{url}/{attachment['id']}", headers=a.headers)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Contract semnat _.pdf"') and "filename*=UTF-8''Contract%20semnat%20%C8%99.pdf" in disposition


async def test_upload_refusals(orgs):
    api, a, _ = orgs
    url = f"/api/v1/invoices/{a.extra['invoice_id']}/attachments"
    too_big = await api.post(url, files={"file": ("big.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES, "application/pdf")}, headers=a.headers)
    assert too_big.status_code == 413 and too_big.json()["code"] == "FILE_TOO_LARGE"
    exe = await api.post(url, files={"file": ("run.exe", b"MZ\x90\x00", "application/x-msdownload")}, headers=a.headers)
    assert exe.status_code == 415 and exe.json()["code"] == "INVALID_TYPE"
    disguised = await api.post(url, files={"file": ("fake.pdf", b"MZ not a pdf", "application/pdf")}, headers=a.headers)
    assert disguised.status_code == 415 and disguised.json()["code"] == "INVALID_TYPE"
    empty = await api.post(url, files={"file": ("empty.pdf", b"", "application/pdf")}, headers=a.headers)
    assert empty.status_code == 400 and empty.json()["field"] == "file"
    no_file = await api.post(url, data={"description": "only text"}, headers=a.headers)
    assert no_file.status_code == 400 and no_file.json()["error"]
    assert ok(await api.get(f"/api/v1/invoices/{a.extra['invoice_id']}", headers=a.headers))["attachments"] == []


async def test_unknown_and_foreign_invoices_and_attachments(orgs):
    api, a, b = orgs
    theirs = b.extra["invoice_id"]
    stored = ok(await api.post(f"/api/v1/invoices/{theirs}/attachments", files={"file": ("b.pdf", PDF, "application/pdf")}, headers=b.headers), 201)["attachment"]
    missing = await api.post(f"/api/v1/invoices/{uuid.uuid4()}/attachments", files={"file": ("a.pdf", PDF, "application/pdf")}, headers=a.headers)
    assert missing.status_code == 404 and missing.json() == {"error": "Invoice not found."}
    # B's invoice through A's company: not found; through B's company header: forbidden
    assert (await api.get(f"/api/v1/invoices/{theirs}/attachments/{stored['id']}", headers=a.headers)).status_code == 404
    for answer in (
        await api.get(f"/api/v1/invoices/{theirs}/attachments/{stored['id']}", headers={**a.auth, "X-Company": b.company_id}),
        await api.post(f"/api/v1/invoices/{theirs}/attachments", files={"file": ("a.pdf", PDF, "application/pdf")}, headers={**a.auth, "X-Company": b.company_id}),
    ):
        assert answer.status_code == 403 and answer.json()["error"]
    # an attachment id of another invoice is not found under this one
    assert (await api.get(f"/api/v1/invoices/{a.extra['invoice_id']}/attachments/{stored['id']}", headers=a.headers)).status_code == 404
    unknown = await api.get(f"/api/v1/invoices/{theirs}/attachments/{uuid.uuid4()}", headers=b.headers)
    assert unknown.status_code == 404 and unknown.json() == {"error": "Attachment not found."}
