"""Incoming sync: official samples served by the SPV inbox become incoming invoices with their
supplier and lines; duplicates are skipped; the cursor never advances past an error."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import pytest

from tests.support.appliance import running_appliance

EXPECTED_TO_FAIL = {"anaf_eInvoice_ex.xml", "anaf_creditNote_ex.xml", "ubl_b2g_example6.xml", "CII_example0.xml", "CII_example10.xml"}


@pytest.fixture
def inbox(tmp_path: Path, artifacts_dir: Path) -> Path:
    directory = tmp_path / "inbox"
    directory.mkdir()
    for sub in ("cius-ro/examples/ubl", "cius-ro/examples/cii", "en16931/examples/ubl", "en16931/examples/cii"):
        for path in sorted((artifacts_dir / sub).glob("*")):
            if path.suffix.lower() == ".xml" and path.name not in EXPECTED_TO_FAIL:
                shutil.copy(path, directory / f"{sub.split('/')[0]}-{sub.split('/')[-1]}-{path.name}")
    return directory


def _sync(app, timeout: float = 120) -> dict:
    assert app.http.post("/api/v1/sync/trigger").status_code == 202
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = app.http.get("/api/v1/sync/status").json()
        if state["status"] in ("idle", "error") and (state["lastSyncedAt"] or state["status"] == "error"):
            return state
        time.sleep(0.3)
    raise AssertionError(f"sync did not finish: {state}")


def _incoming(app) -> list[dict]:
    rows, page = [], 1
    while True:
        answer = app.http.get("/api/v1/invoices", params={"direction": "incoming", "limit": 100, "page": page}).json()
        rows += answer["data"]
        if page >= answer["pages"]:
            return rows
        page += 1


def test_every_valid_official_sample_is_imported_once(settings, registry, inbox: Path):
    files = sorted(inbox.glob("*.xml"))
    with running_appliance(settings, registry, inbox=inbox) as app:
        # an error mid-batch: the second download fails, nothing past it is committed as seen
        httpx.post(f"{app.sim.base_url}/__sim/faults", json=[{"endpoint": "descarcare", "kind": "zip_missing_entry"}]).raise_for_status()
        failed = _sync(app)
        assert failed["status"] == "error" and failed["lastError"]
        partial = len(_incoming(app))
        assert partial < len(files)
        state = _sync(app)
        assert state["status"] == "idle", state
        rows = _incoming(app)
        assert len(rows) == len(files), (len(rows), len(files))
        message_ids = set()
        for row in rows:
            detail = app.http.get(f"/api/v1/invoices/{row['id']}").json()
            message_ids.add(detail["anafMessageId"])
            assert detail["supplierId"] and detail["senderName"] and detail["lines"], detail["number"]
            assert detail["status"] == "synced"
        assert len(message_ids) == len(files)  # one invoice per SPV message, none twice
        suppliers = app.http.get("/api/v1/suppliers", params={"limit": 100}).json()
        assert suppliers["total"] >= 1
        again = _sync(app)
        assert again["stats"]["imported"] == 0
        assert len(_incoming(app)) == len(files)
        messages = app.http.get("/api/v1/efactura-messages", params={"limit": 100}).json()
        assert messages["total"] == len(files)
