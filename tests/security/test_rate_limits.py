"""Rate limits over real HTTP (uvicorn on loopback; objects.md §9): the 6th login attempt within a
minute is 429 with ``Retry-After``, per client address and per account; on Redis the limits hold
across two replicas (two ``storno serve`` processes); every authenticated credential draws from its own token bucket.

The suite's settings run in development, where limits are off; these tests switch them to the
production values (``rate_limits="production"``). Client addresses 127.0.0.x are real source
addresses of the connections (the whole 127/8 is loopback on Linux).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import msgspec
import pytest

from core.api.app import create_app
from core.api.server import BackgroundServer
from core.plugins import load_plugins
from core.ratelimit.limiter import Limiter
from core.ratelimit.memory import MemoryBackend
from core.ratelimit.policies import LIMITS, PUBLIC_PATHS, TokenBucket
from tests.core.conftest import PASSWORD, ok

REDIS_URL = os.environ.get("STORNO_TEST_REDIS_URL", "").strip()
EMAIL = "owner@alfa.ro"


@contextlib.contextmanager
def serving(settings) -> Iterator[str]:
    with BackgroundServer(create_app(settings, registry=load_plugins(modules=[]), embedded_workers=False)) as server:
        yield server.url


@contextlib.contextmanager
def client_from(url: str, address: str) -> Iterator[httpx.Client]:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, transport=transport, timeout=30) as http:
        yield http


def login(http: httpx.Client, email: str = EMAIL, password: str = "wrong-password") -> httpx.Response:
    return http.post("/api/auth", json={"email": email, "password": password})


def assert_limited(answer: httpx.Response, window: int = 60) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json()["error"] == "Too many requests."
    assert 1 <= int(answer.headers["Retry-After"]) <= window


@pytest.fixture
def production(settings):
    return msgspec.structs.replace(settings, rate_limits="production", redis_url="")


def test_sixth_login_attempt_from_one_address_is_429(production):
    with serving(production) as url, client_from(url, "127.0.0.1") as first, client_from(url, "127.0.0.2") as second:
        for n in range(5):
            assert login(first, f"nobody{n}@alfa.ro").status_code == 401
        assert_limited(login(first, "someone-else@alfa.ro"))  # any account: the address is spent
        assert login(second, "nobody0@alfa.ro").status_code == 401  # another address is not


def test_sixth_login_attempt_on_one_account_is_429_from_any_address(production):
    with serving(production) as url:
        with client_from(url, "127.0.0.9") as setup:
            ok(setup.post("/api/auth/register", json={"email": EMAIL, "password": PASSWORD}), 201)
        addresses = ["127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"]
        for address in addresses:
            with client_from(url, address) as http:
                assert login(http).status_code == 401
        with client_from(url, "127.0.0.3") as fresh:
            assert_limited(login(fresh, password=PASSWORD))  # even the right password: not checked at all
            assert login(fresh, "another@alfa.ro").status_code == 401  # other accounts are unaffected


def test_registration_is_limited_per_address(production):
    with serving(production) as url, client_from(url, "127.0.0.4") as http:
        for n in range(10):
            assert (
                http.post("/api/auth/register", json={"email": f"u{n}@alfa.ro", "password": PASSWORD}).status_code
                != 429
            )
        assert_limited(
            http.post("/api/auth/register", json={"email": "u10@alfa.ro", "password": PASSWORD}), window=3600
        )


def test_every_public_limiter_guards_its_routes(production):
    """Each public path of objects.md §9 is a route of the app, and its (limit + 1)th request
    from one address within the window is 429, whatever the body."""
    with serving(production) as url:
        served = set(httpx.get(f"{url}/schema/openapi.json").json()["paths"])
        assert set(PUBLIC_PATHS) <= served, sorted(set(PUBLIC_PATHS) - served)
        for n, (path, name) in enumerate(sorted(PUBLIC_PATHS.items())):
            policy = LIMITS[name]
            with client_from(url, f"127.0.1.{n + 1}") as http:
                for _ in range(policy.limit):
                    assert http.post(path, json={}).status_code != 429, path
                assert_limited(http.post(path, json={}), window=int(policy.window))


@contextlib.contextmanager
def replica(settings, redis_url: str) -> Iterator[str]:
    """``storno serve --no-workers`` in its own process on the test's database, limits in Redis."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "STORNO_ENV": "development",
        "STORNO_DATA_DIR": str(settings.data_dir),
        "STORNO_DATABASE_URL": settings.database_url,
        "STORNO_SECRET_KEY": settings.secret_key,
        "STORNO_RATE_LIMITS": "production",
        "STORNO_REDIS_URL": redis_url,
        "STORNO_BROKER_URL": "",
    }
    command = [sys.executable, "-m", "core.cli", "serve", "--no-workers", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the replica did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.skipif(not REDIS_URL, reason="STORNO_TEST_REDIS_URL is not set")
def test_redis_limits_hold_across_two_replicas(settings):
    """Two ``storno serve`` processes (replicas) on one database and one Redis share the limits."""
    with replica(settings, REDIS_URL) as one, replica(settings, REDIS_URL) as two:
        with client_from(one, "127.0.0.5") as first, client_from(two, "127.0.0.5") as second:
            for http in (first, second, first, second, first):
                assert login(http, "nobody@alfa.ro").status_code == 401
            assert_limited(login(second, "other@alfa.ro"))
            assert_limited(login(first, "other@alfa.ro"))
        with client_from(one, "127.0.0.6") as elsewhere:
            assert login(elsewhere, "other@alfa.ro").status_code == 401


async def test_each_credential_draws_from_its_own_bucket(owner, api):
    """A 3-token bucket: the 4th request of one JWT user is 429; the user's API key is another
    credential with its own bucket."""
    key = ok(
        await api.post("/api/v1/api-tokens", json={"name": "k", "scopes": ["client.view"]}, headers=owner.auth), 201
    )
    api.app.state.limiter = Limiter(MemoryBackend(), limits={**LIMITS, "authenticated_api": TokenBucket(3, 1, 60)})
    for _ in range(3):
        ok(await api.get("/api/v1/me", headers=owner.auth))
    refused = await api.get("/api/v1/me", headers=owner.auth)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"] == "Too many requests."
    ok(await api.get("/api/v1/clients", headers={"Authorization": key["token"], "X-Company": owner.company_id}))
