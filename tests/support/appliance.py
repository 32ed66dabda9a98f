"""A real appliance for tests: the app on a loopback port with the ANAF simulator, plus an API
client that has registered an owner, a company and a client."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from core.api.app import create_app
from core.api.server import BackgroundServer
from core.sandbox import start_simulators

COMPANY = {
    "name": "Test Appliance SRL", "cif": "18547290", "registrationNumber": "J40/1234/2006", "vatPayer": True,
    "address": "Str. Test 1", "city": "Sector 2", "state": "Bucuresti", "country": "RO", "bankAccount": "RO49AAAA1B31007593840000",
}
CLIENT = {"type": "company", "name": "Client Test SRL", "cui": "6859662", "isVatPayer": True, "address": "Str. Clientului 7", "city": "Cluj-Napoca", "county": "Cluj", "country": "RO"}


@dataclass
class Running:
    """A running appliance: ``http`` is authenticated for ``company_id``; ``sim`` the ANAF simulator."""

    url: str
    http: httpx.Client
    sim: Any
    company_id: str = ""
    client_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def invoice_body(self, **overrides: Any) -> dict[str, Any]:
        body = {"clientId": self.client_id, "lines": [{"description": "Consultanță", "quantity": "2", "unitPrice": "100.00", "vatRate": "21", "unitOfMeasure": "ore"}]}
        body.update(overrides)
        return body


def _json(response: httpx.Response, *expected: int) -> Any:
    assert response.status_code in (expected or (200, 201)), f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:400]}"
    return response.json()


def setup_tenant(http: httpx.Client, email: str = "owner@test.ro") -> tuple[str, str]:
    """Register (first run) and log in, create the company and a client; returns their ids."""
    _json(http.post("/api/auth/register", json={"email": email, "password": "a-long-password-1"}), 201, 200)
    token = _json(http.post("/api/auth", json={"email": email, "password": "a-long-password-1"}))["token"]
    http.headers["Authorization"] = f"Bearer {token}"
    company = _json(http.post("/api/v1/companies", json=COMPANY), 201)
    company_id = (company.get("company") or company)["id"]
    http.headers["X-Company"] = company_id
    client = _json(http.post("/api/v1/clients", json=CLIENT), 201)["client"]
    return company_id, client["id"]


@contextlib.contextmanager
def running_appliance(settings: Any, registry: Any, *, inbox: Path | None = None, sim_state: Any = None, tenant: bool = True, embedded_workers: bool = True) -> Iterator[Running]:
    """Start the ANAF simulator and the appliance (embedded workers), optionally set up a tenant."""
    servers, sandbox = start_simulators(registry, inbox)
    try:
        app = create_app(settings, registry=registry, sandbox=sandbox, embedded_workers=embedded_workers)
        with BackgroundServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as http:
            running = Running(server.url, http, servers[0])
            if tenant:
                running.company_id, running.client_id = setup_tenant(http)
            yield running
    finally:
        for sim in servers:
            sim.stop()
