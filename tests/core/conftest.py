"""Fixtures for API tests of accounts, companies and master data.

Builds on ``tests/conftest.py`` (``settings`` over a fresh database per test: SQLite always,
PostgreSQL when ``STORNO_TEST_DATABASE_URL`` is set). ``api`` is the real app from
:func:`core.api.app.create_app` (licence gate, migrations, every route) driven in-process; plugins
are registered explicitly: none by default, or the modules a test passes to :func:`start_api`.

Litestar's test client runs the app in its own event loop (a portal thread), where the database
pool lives: tests that touch the database directly go through :func:`in_app`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

PASSWORD = "a-long-password-1"
COMPANY = {
    "cif": "RO18547290",
    "name": "Alfa Software SRL",
    "registrationNumber": "J40/1234/2006",
    "vatPayer": True,
    "address": "Str. Test 1",
    "city": "Sector 2",
    "state": "Bucuresti",
}


@contextlib.asynccontextmanager
async def start_api(
    settings: Any, plugins: list[tuple[str, ModuleType]] | None = None
) -> AsyncIterator[AsyncTestClient]:
    """The appliance app on ``settings`` with exactly ``plugins`` registered, as an in-process client."""
    from core.api.app import create_app
    from core.plugins import load_plugins

    app = create_app(settings, registry=load_plugins(modules=plugins or []), embedded_workers=False)
    async with AsyncTestClient(app) as client:
        yield client


def in_app(api: AsyncTestClient, fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
    """Await ``fn(*args, **kwargs)`` in the app's event loop and return its result.

    For database work a test does itself (seeding rows, calling a service function): asyncpg
    connections belong to the loop that opened them. Pass a piccolo query's ``run`` method.
    """
    return api.blocking_portal.call(functools.partial(fn, *args, **kwargs))


@pytest.fixture
async def api(settings: Any) -> AsyncIterator[AsyncTestClient]:
    """The app with no plugins, on a fresh database."""
    async with start_api(settings) as client:
        yield client


@pytest.fixture
async def with_registry(settings: Any) -> AsyncIterator[tuple[AsyncTestClient, ModuleType]]:
    """The app with only the test registry plugin (:mod:`tests.core.registry_plugin`): ``(client, plugin)``."""
    from tests.core.registry_plugin import registry_plugin

    plugin = registry_plugin()
    async with start_api(settings, plugins=[("registry-test", plugin)]) as client:
        yield client, plugin


@dataclass
class Tenant:
    """A logged-in user of one organisation; ``headers`` authenticate (and select ``company_id``)."""

    email: str
    token: str
    refresh_token: str
    company_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def auth(self) -> dict[str, str]:
        """Only the bearer header (no company)."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def headers(self) -> dict[str, str]:
        """Bearer plus ``X-Company`` of the tenant's company."""
        return {**self.auth, "X-Company": self.company_id} if self.company_id else self.auth


def ok(response: httpx.Response, *status: int) -> Any:
    """The JSON body, after checking the status (default 200/201) with a readable failure."""
    expected = status or (200, 201)
    assert (
        response.status_code in expected
    ), f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:500]}"
    return response.json() if response.content else None


async def register(client: AsyncTestClient, email: str, **extra: Any) -> Tenant:
    """Register ``email`` (must be allowed: first run or open registration) and log in."""
    ok(await client.post("/api/auth/register", json={"email": email, "password": PASSWORD, **extra}), 201)
    return await login(client, email)


async def login(client: AsyncTestClient, email: str) -> Tenant:
    """Log ``email`` in with :data:`PASSWORD`."""
    tokens = ok(await client.post("/api/auth", json={"email": email, "password": PASSWORD}), 200)
    return Tenant(email=email, token=tokens["token"], refresh_token=tokens["refresh_token"])


async def add_company(client: AsyncTestClient, tenant: Tenant, **fields: Any) -> str:
    """Create a company for ``tenant`` (full data, no lookup) and make it the tenant's company."""
    body = ok(await client.post("/api/v1/companies", json={**COMPANY, **fields}, headers=tenant.auth), 201)
    tenant.company_id = body["id"]
    return body["id"]


@pytest.fixture
async def owner(api: AsyncTestClient) -> Tenant:
    """The first-run owner with one company (``Alfa Software SRL``)."""
    tenant = await register(api, "owner@alfa.ro", firstName="Ana", lastName="Pop", organizationName="Alfa")
    await add_company(api, tenant)
    return tenant


@pytest.fixture
async def two_orgs(settings: Any) -> AsyncIterator[tuple[AsyncTestClient, Tenant, Tenant]]:
    """``(api, a, b)``: organisations A (first run) and B (open registration), each with one
    company (:func:`tests.support.tenants.two_companies`)."""
    from tests.support.tenants import two_companies  # it imports this module

    async with two_companies(settings) as orgs:
        yield orgs
