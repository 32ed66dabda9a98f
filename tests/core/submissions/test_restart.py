"""Pending work survives a restart: every invoice reaches its final status, and at ANAF only once."""

from __future__ import annotations

import time

import httpx

from core.api.app import create_app
from core.api.server import BackgroundServer
from core.sandbox import start_simulators
from tests.support.appliance import setup_tenant


def _wait(http: httpx.Client, ids: list[str], timeout: float = 120) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    statuses: dict[str, str] = {}
    while time.monotonic() < deadline:
        statuses = {i: http.get(f"/api/v1/invoices/{i}").json()["status"] for i in ids}
        if all(s in ("validated", "rejected") for s in statuses.values()):
            break
        time.sleep(0.3)
    return statuses


def test_stop_with_submissions_queued_and_in_flight_then_restart(settings, registry):
    servers, sandbox = start_simulators(registry)
    sim = servers[0]
    try:
        with BackgroundServer(create_app(settings, registry=registry, sandbox=sandbox)) as server, httpx.Client(base_url=server.url, timeout=60) as http:
            _, client_id = setup_tenant(http)
            headers = dict(http.headers)
            ids = []
            for _ in range(5):
                draft = http.post("/api/v1/invoices", json={"clientId": client_id, "lines": [{"description": "Servicii", "quantity": 1, "unitPrice": 10, "vatRate": 21}]}).json()["invoice"]
                ids.append(http.post(f"/api/v1/invoices/{draft['id']}/issue").json()["invoice"]["id"])
            # ANAF answers slowly, and drops the answer of the first upload after processing it.
            faults = [{"endpoint": "upload", "kind": "drop"}] + [{"endpoint": "upload", "kind": "delay", "delay_ms": 1500, "times": 10}]
            httpx.post(f"{sim.base_url}/__sim/faults", json=faults).raise_for_status()
            for invoice_id in ids:
                assert http.post(f"/api/v1/invoices/{invoice_id}/submit").status_code == 200
            time.sleep(0.8)  # some uploads are in flight now, the rest queued
        # the appliance stopped mid-work; a new one on the same database takes over
        with BackgroundServer(create_app(settings, registry=registry, sandbox=sandbox)) as server, httpx.Client(base_url=server.url, timeout=60, headers=headers) as http:
            statuses = _wait(http, ids)
            assert set(statuses.values()) == {"validated"}, statuses
            for invoice_id in ids:
                subs = http.get(f"/api/v1/invoices/{invoice_id}/einvoice-submissions").json()
                assert [s["status"] for s in subs] == ["accepted"], subs
                events = [e["metadata"]["action"] for e in http.get(f"/api/v1/invoices/{invoice_id}/events").json()]
                assert events.count("anaf_validated") == 1, events
            numbers = {http.get(f"/api/v1/invoices/{i}").json()["number"] for i in ids}
        uploads = httpx.get(f"{sim.base_url}/__sim/uploads").json()
        accepted = [u["number"] for u in uploads if u["stare"] == "ok"]
        assert sorted(accepted) == sorted(numbers), uploads  # each document accepted exactly once
    finally:
        for server in servers:
            server.stop()
