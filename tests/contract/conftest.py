"""Fixtures of the API contract suite: a real appliance on a loopback port (uvicorn, real HTTP,
the ANAF plugin and its simulator), two organisations each with a company and a client, and a
client that checks every JSON answer against the schema the live ``/schema/openapi.json``
declares for that operation and status.

Runs on SQLite and, when ``STORNO_TEST_DATABASE_URL`` is set, on PostgreSQL (the ``settings``
fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec
import pytest

from tests.contract.openapi import Spec, check
from tests.support.appliance import CLIENT, COMPANY, running_appliance
from tests.support.sql import execute

PASSWORD = "a-long-password-1"
LINE = {"description": "Consultanță", "quantity": "2", "unitPrice": "100.00", "vatRate": "21", "unitOfMeasure": "ore"}


@dataclass
class Api:
    """An HTTP client of the running appliance for one organisation, whose JSON answers are
    checked against the OpenAPI document: :meth:`call` asserts the status and the body."""

    http: httpx.Client
    spec: Spec
    token: str = ""
    company_id: str = ""
    client_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Company": self.company_id}

    def call(self, method: str, path: str, status: int, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """Send the request (as this organisation unless ``headers`` is given), assert ``status``
        and that the body matches its documented schema; returns the decoded JSON (or None)."""
        response = self.http.request(method, path, headers=self.headers if headers is None else headers, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return conforms(self.spec, method, path, response)

    def invoice(self, **overrides: Any) -> dict[str, Any]:
        """A draft invoice of this organisation's client (the create answer's ``invoice``)."""
        body = {"clientId": self.client_id, "lines": [LINE], **overrides}
        return self.call("POST", "/api/v1/invoices", 201, json=body)["invoice"]


def conforms(spec: Spec, method: str, path: str, response: httpx.Response) -> Any:
    """The JSON body of ``response`` after checking it: a 2xx body against the schema documented
    for that status; an error body against the contract's error shapes (objects.md §1)."""
    status = response.status_code
    if status == 204:
        assert not response.content, f"{method} {path}: 204 with a body"
        return None
    media = response.headers.get("content-type", "")
    if 200 <= status < 300:
        schema = spec.response_schema(method, path, status)
        if not media.startswith("application/json"):
            return None
        assert schema is not None, f"{method} {path} sent JSON for {status} but documents none"
        body = response.json()
        errors = check(spec, schema, body)
        assert not errors, f"{method} {path} {status} does not match its documented schema:\n" + "\n".join(errors[:20])
        return body
    assert media.startswith("application/json"), f"{method} {path}: error {status} is not JSON ({media})"
    body = response.json()
    if status == 401:
        assert isinstance(body.get("code"), int) and isinstance(body.get("message"), str), body  # shape E
    elif "errors" in body and "error" not in body:
        assert all(isinstance(e, dict) for e in body["errors"]), body  # shape B
    else:
        assert isinstance(body.get("error"), str) and body["error"], body  # shape A (C carries it too)
    return body


@dataclass
class World:
    """The running appliance: ``a`` and ``b`` are two organisations (a company and a client each),
    ``anonymous`` sends no credentials, ``spec`` is the live OpenAPI document."""

    url: str
    spec: Spec
    a: Api
    b: Api
    anonymous: httpx.Client
    database_url: str


def _tenant(http: httpx.Client, spec: Spec, email: str, database_url: str, **company: Any) -> Api:
    answer = http.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    execute(database_url, f"UPDATE users SET email_verified = TRUE WHERE email = '{email}'")  # no mail here
    token = http.post("/api/auth", json={"email": email, "password": PASSWORD}).json()["token"]
    api = Api(http, spec, token=token)
    created = http.post("/api/v1/companies", json={**COMPANY, **company}, headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201, created.text
    api.company_id = created.json()["id"]
    api.client_id = api.call("POST", "/api/v1/clients", 201, json=CLIENT)["client"]["id"]
    return api


@pytest.fixture
def world(settings: Any, registry: Any) -> Iterator[World]:
    """The appliance (ANAF plugin, simulator, no background workers) with two organisations."""
    settings = msgspec.structs.replace(settings, open_registration=True)
    with running_appliance(settings, registry, tenant=False, embedded_workers=False) as running:
        http = running.http
        spec = Spec(http.get("/schema/openapi.json").json())
        a = _tenant(http, spec, "owner@alfa.ro", settings.database_url)
        b = _tenant(http, spec, "owner@beta.ro", settings.database_url, name="Beta Trading SRL", cif="14399840")
        with httpx.Client(base_url=running.url, timeout=60) as anonymous:
            yield World(running.url, spec, a, b, anonymous, settings.database_url)
