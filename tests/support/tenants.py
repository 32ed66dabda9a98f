"""Two organisations in one in-process app, for tests of the company check (403 for a company of
another organisation): A registers first, B through open registration; each has one company and
one client (:func:`two_organisations`), or none (:func:`two_companies`)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import msgspec

from core.auth.tables import User
from tests.core.conftest import Tenant, add_company, in_app, login, ok, register, start_api

CLIENT = {"type": "company", "name": "Client Test SRL", "cui": "6859662", "isVatPayer": True, "address": "Str. Clientului 7", "city": "Cluj-Napoca", "county": "Cluj", "country": "RO"}


@contextlib.asynccontextmanager
async def two_companies(settings: Any, plugins: list[Any] | None = None) -> AsyncIterator[tuple[Any, Tenant, Tenant]]:
    """``(api, a, b)``: organisations A (first run) and B (open registration), one company each."""
    async with start_api(msgspec.structs.replace(settings, open_registration=True), plugins=plugins) as api:
        a = await register(api, "a@alfa.ro")
        await add_company(api, a)
        ok(await api.post("/api/auth/register", json={"email": "b@beta.ro", "password": "a-long-password-1"}), 201)
        in_app(api, User.update({User.email_verified: True}).where(User.email == "b@beta.ro").run)  # no mail here
        b = await login(api, "b@beta.ro")
        await add_company(api, b, cif="14399840", name="Beta Trading SRL")
        yield api, a, b


@contextlib.asynccontextmanager
async def two_organisations(settings: Any, plugins: list[Any] | None = None) -> AsyncIterator[tuple[Any, Tenant, Tenant]]:
    """:func:`two_companies` plus one client per company: ``extra["client_id"]`` of each tenant."""
    async with two_companies(settings, plugins) as (api, a, b):
        for tenant in (a, b):
            tenant.extra["client_id"] = ok(await api.post("/api/v1/clients", json=CLIENT, headers=tenant.headers), 201)["client"]["id"]
        yield api, a, b
