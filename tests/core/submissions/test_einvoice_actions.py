"""Submitting to a named provider, the legacy ``upload`` name of submit, the check of ANAF's
signature on the stored response, and the e-Factura sync log — against the real appliance and
the ANAF simulator (which signs its ZIPs with its own key and checks signatures like ANAF)."""

from __future__ import annotations

import io
import shutil
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.core.conftest import ok
from tests.support.appliance import running_appliance
from tests.support.tenants import two_organisations


def _issued(app) -> dict:
    draft = app.http.post("/api/v1/invoices", json=app.invoice_body())
    assert draft.status_code == 201, draft.text
    issued = app.http.post(f"/api/v1/invoices/{draft.json()['invoice']['id']}/issue")
    assert issued.status_code == 200, issued.text
    return issued.json()["invoice"]


def _final(app, invoice_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        invoice = app.http.get(f"/api/v1/invoices/{invoice_id}").json()
        if invoice["status"] in ("validated", "rejected"):
            return invoice
        time.sleep(0.3)
    raise AssertionError(f"invoice {invoice_id} stayed {invoice['status']}")


@pytest.fixture
def app(settings, registry):
    with running_appliance(settings, registry) as running:
        yield running


def test_submit_to_anaf_by_name_then_verify_its_signature(app, settings):
    invoice = _issued(app)
    early = app.http.post(f"/api/v1/invoices/{invoice['id']}/verify-signature")
    assert early.status_code == 422 and early.json()["code"] == "NO_SIGNATURE"

    answer = app.http.post(f"/api/v1/invoices/{invoice['id']}/submit-einvoice", json={"provider": "ANAF"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["invoice"]["status"] == "sent_to_provider" and body["message"]
    assert body["submission"]["provider"] == "anaf" and body["submission"]["status"] == "pending"
    listed = app.http.get(f"/api/v1/invoices/{invoice['id']}/einvoice-submissions").json()
    assert [s["id"] for s in listed] == [body["submission"]["id"]]
    again = app.http.post(f"/api/v1/invoices/{invoice['id']}/submit-einvoice", json={"provider": "anaf"})
    assert again.status_code == 422 and again.json()["code"] == "invalid_transition"

    assert _final(app, invoice["id"])["status"] == "validated"
    checked = app.http.post(f"/api/v1/invoices/{invoice['id']}/verify-signature")
    assert checked.status_code == 200, checked.text
    verdict = checked.json()
    assert verdict["valid"] is True and verdict["provider"] == "anaf" and "validate cu succes" in verdict["message"]
    assert verdict["signedFile"].endswith(".xml") and verdict["checkedAt"]
    assert app.http.get(f"/api/v1/invoices/{invoice['id']}").json()["signatureValid"] is True
    asked = [r for r in app.sim.state.request_log() if r["path"] == "/api/validate/signature"]
    assert len(asked) == 1  # ANAF's (simulated) signature service gave the verdict

    # a stored response altered on disk no longer carries a valid signature
    altered = 0
    for path in (Path(settings.data_dir) / "documents").rglob("*"):
        if path.is_file() and path.read_bytes()[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zipped:
                entries = {name: zipped.read(name) for name in zipped.namelist()}
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as out:
                for name, data in entries.items():
                    out.writestr(name, data if name.startswith("semnatura_") else data.replace(b"Consultan", b"Consultam"))
            path.write_bytes(buffer.getvalue())
            altered += 1
    assert altered == 1
    tampered = app.http.post(f"/api/v1/invoices/{invoice['id']}/verify-signature").json()
    assert tampered["valid"] is False and "NU au putut fi validate" in tampered["message"]
    assert app.http.get(f"/api/v1/invoices/{invoice['id']}").json()["signatureValid"] is False


def test_submit_einvoice_refusals(app):
    invoice = _issued(app)
    url = f"/api/v1/invoices/{invoice['id']}/submit-einvoice"
    for body in ({"provider": "peppol"}, {}, {"provider": ""}):
        refused = app.http.post(url, json=body)
        assert refused.status_code == 400 and refused.json()["field"] == "provider"
    assert app.http.post(url, content=b"not json", headers={"Content-Type": "application/json"}).status_code == 400
    absent = app.http.post(url, json={"provider": "sdi"})
    assert absent.status_code == 422 and absent.json()["code"] == "PROVIDER_UNAVAILABLE" and "sdi" in absent.json()["error"]
    draft = app.http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]
    not_issued = app.http.post(f"/api/v1/invoices/{draft['id']}/submit-einvoice", json={"provider": "anaf"})
    assert not_issued.status_code == 422 and not_issued.json()["code"] == "invalid_transition"
    missing = app.http.post(f"/api/v1/invoices/{uuid.uuid4()}/submit-einvoice", json={"provider": "anaf"})
    assert missing.status_code == 404 and missing.json()["error"]
    assert app.http.get(f"/api/v1/invoices/{invoice['id']}").json()["status"] == "issued"  # nothing changed
    assert app.http.post(f"/api/v1/invoices/{uuid.uuid4()}/verify-signature").status_code == 404


def test_upload_is_the_legacy_name_of_submit(app):
    invoice = _issued(app)
    answer = app.http.post(f"/api/v1/invoices/{invoice['id']}/upload")
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"invoice", "message"} and answer.json()["invoice"]["status"] == "sent_to_provider"
    assert [s["provider"] for s in app.http.get(f"/api/v1/invoices/{invoice['id']}/einvoice-submissions").json()] == ["anaf"]
    assert _final(app, invoice["id"])["status"] == "validated"
    twice = app.http.post(f"/api/v1/invoices/{invoice['id']}/upload")
    assert twice.status_code == 422 and twice.json()["code"] == "invalid_transition"


def test_sync_log_lists_what_the_sync_brought_in(settings, registry, tmp_path, artifacts_dir):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("ubl_b2g_example0.xml", "ubl_b2g_example1.xml"):
        shutil.copy(artifacts_dir / "cius-ro/examples/ubl" / name, inbox / name)
    with running_appliance(settings, registry, inbox=inbox) as app:
        empty = app.http.get("/api/v1/sync/log").json()
        assert empty == {"data": [], "total": 0, "page": 1, "limit": 20, "pages": 0}
        assert app.http.post("/api/v1/sync/trigger").status_code == 202
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and app.http.get("/api/v1/sync/status").json()["status"] not in ("idle", "error"):
            time.sleep(0.3)
        log = app.http.get("/api/v1/sync/log").json()
        assert log["total"] == 2 and log["pages"] == 1
        for entry in log["data"]:
            assert entry["status"] == "processed" and entry["messageType"] == "FACTURA PRIMITA" and entry["anafMessageId"]
            assert entry["invoice"]["direction"] == "incoming" and entry["invoice"]["number"] and entry["invoice"]["senderName"]
            assert isinstance(entry["invoice"]["total"], (int, float))
        first = app.http.get("/api/v1/sync/log", params={"limit": 1, "page": 2}).json()
        assert first["pages"] == 2 and len(first["data"]) == 1 and first["data"][0]["id"] == log["data"][1]["id"]
        assert app.http.get("/api/v1/sync/log", params={"status": "error"}).json()["total"] == 0
        assert app.http.get("/api/v1/sync/log", params={"limit": 101}).status_code == 422
        # an incoming invoice keeps ANAF's signed original: its signature checks out
        incoming = log["data"][0]["invoice"]["id"]
        verdict = app.http.post(f"/api/v1/invoices/{incoming}/verify-signature").json()
        assert verdict["valid"] is True and verdict["provider"] == "anaf"


async def test_other_organisations_company_is_403(settings):
    async with two_organisations(settings) as (api, a, b):
        intruder = {**a.auth, "X-Company": b.company_id}
        some = str(uuid.uuid4())
        for answer in (
            await api.post(f"/api/v1/invoices/{some}/submit-einvoice", json={"provider": "anaf"}, headers=intruder),
            await api.post(f"/api/v1/invoices/{some}/upload", headers=intruder),
            await api.post(f"/api/v1/invoices/{some}/verify-signature", headers=intruder),
            await api.get("/api/v1/sync/log", headers=intruder),
        ):
            assert answer.status_code == 403 and answer.json()["error"]
        assert ok(await api.get("/api/v1/sync/log", headers=a.headers))["total"] == 0
