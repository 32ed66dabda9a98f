"""Fixtures of the recurring-invoice tests: the app with the ANAF plugin (so generated invoices are
rendered and validated for real), an owner, a Romanian company and a client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from tests.core.conftest import Tenant, add_company, ok, register, start_api
from tests.support.appliance import CLIENT, COMPANY

BASE = "/api/v1/recurring-invoices"


@dataclass
class Env:
    """The running app (in-process), its owner (headers select the company) and a client id."""

    api: AsyncTestClient
    owner: Tenant
    client_id: str

    def body(self, **overrides: Any) -> dict[str, Any]:
        """A monthly template body on day 15 with two lines (21 % and 9 %)."""
        body: dict[str, Any] = {
            "reference": "Abonament mentenanta",
            "clientId": self.client_id,
            "frequency": "monthly",
            "frequencyDay": 15,
            "lines": [
                {"description": "Mentenanta lunara", "quantity": "2", "unitPrice": "100.00", "vatRate": "21", "unitOfMeasure": "ore"},
                {"description": "Licenta", "quantity": "1.5", "unitPrice": "33.33", "vatRate": "9", "discount": "1.00"},
            ],
        }
        body.update(overrides)
        return body

    async def create(self, **overrides: Any) -> dict[str, Any]:
        return ok(await self.api.post(BASE, json=self.body(**overrides), headers=self.owner.headers), 201)


@pytest.fixture
async def env(settings) -> AsyncIterator[Env]:
    from plugins.anaf import plugin as anaf

    async with start_api(msgspec.structs.replace(settings, open_registration=True), plugins=[("anaf", anaf)]) as api:
        owner = await register(api, "owner@test.ro")
        await add_company(api, owner, **COMPANY)
        client = ok(await api.post("/api/v1/clients", json=CLIENT, headers=owner.headers), 201)["client"]
        yield Env(api, owner, client["id"])
