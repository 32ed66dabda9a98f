"""What authentication costs per request, and what a password login costs.

    .venv/bin/python bench/auth.py [--database-url URL] [--iterations N] [--requests N] [--logins N]

Prints medians (µs per request, ms per login):

* ``dependency`` — :func:`core.auth.deps.provide_caller` called in-process on a built request,
  for ``Authorization: Bearer <jwt>`` and ``Authorization: af_…`` (verification, user and
  membership load, the per-credential token bucket; the API key also looks its digest up and
  writes ``lastUsedAt``);
* ``end-to-end`` — ``GET /api/v1/me`` over HTTP against uvicorn on loopback, one client, one
  request at a time;
* ``login`` — :func:`core.auth.service.login` (argon2id verification, tokens, refresh-token row).

Rate limits run with the production values in memory (the bucket is part of the path). The
database is a temporary SQLite file unless ``--database-url`` names a PostgreSQL database
(which must be empty or already migrated by this appliance).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("STORNO_ENV", "development")

PASSWORD = "a-long-bench-password"


def _median_us(samples_ns: list[int]) -> float:
    return statistics.median(samples_ns) / 1000


async def _prepare(settings, app) -> tuple[str, str, str]:
    """Register the bench user (or reuse it), return (email, access token, API key)."""
    from core.auth import service
    from core.auth.apikeys import service as apikeys
    from core.auth.schemas import RegisterIn
    from core.auth.tables import User

    email = f"bench-{time.time_ns()}@bench.ro"
    await service.register(settings, RegisterIn(email=email, password=PASSWORD, organization_name="Bench"))
    await User.update({User.email_verified: True}).where(User.email == email)
    tokens = await service.login(settings, email, PASSWORD)
    user = await User.select(User.id).where(User.email == email).first()
    caller = await service.load_caller(user["id"], None)
    created = await apikeys.create_key(caller, apikeys.ApiKeyIn(name="bench", scopes=["client.view", "invoice.view"]))
    return email, tokens["token"], created["token"]


async def _dependency(app, authorization: str, iterations: int) -> float:
    from litestar.testing import RequestFactory

    from core.auth.deps import provide_caller

    factory = RequestFactory(app=app)
    request = factory.get("/api/v1/me", headers={"Authorization": authorization})
    for _ in range(min(200, iterations)):  # warm-up
        await provide_caller(request)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        await provide_caller(request)
        samples.append(time.perf_counter_ns() - start)
    return _median_us(samples)


async def _logins(settings, email: str, count: int) -> float:
    from core.auth import service

    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        await service.login(settings, email, PASSWORD)
        samples.append(time.perf_counter_ns() - start)
    return _median_us(samples) / 1000


async def in_process(settings, app, iterations: int, logins: int) -> dict[str, object]:
    from core.db import engine as db

    await db.connect(settings)
    try:
        await db.migrate()
        email, token, key = await _prepare(settings, app)
        return {
            "token": token,
            "key": key,
            "jwt_us": await _dependency(app, f"Bearer {token}", iterations),
            "key_us": await _dependency(app, key, iterations),
            "login_ms": await _logins(settings, email, logins),
        }
    finally:
        await db.disconnect()


def end_to_end(app, token: str, key: str, requests: int) -> tuple[float, float]:
    import httpx

    from core.api.server import BackgroundServer

    results = []
    with BackgroundServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        for authorization in (f"Bearer {token}", key):
            headers = {"Authorization": authorization}
            for _ in range(50):
                assert http.get("/api/v1/me", headers=headers).status_code == 200
            samples = []
            for _ in range(requests):
                start = time.perf_counter_ns()
                answer = http.get("/api/v1/me", headers=headers)
                samples.append(time.perf_counter_ns() - start)
                assert answer.status_code == 200, answer.text
            results.append(_median_us(samples))
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--iterations", type=int, default=3000, help="in-process calls per credential")
    parser.add_argument("--requests", type=int, default=1000, help="HTTP requests per credential")
    parser.add_argument("--logins", type=int, default=30, help="password logins")
    args = parser.parse_args()

    from core.api.app import create_app
    from core.plugins import load_plugins
    from core.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        database = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        settings = load_settings(
            {**os.environ, "STORNO_DATA_DIR": tmp, "STORNO_DATABASE_URL": database, "STORNO_RATE_LIMITS": "production"},
            open_registration=True,
        )
        app = create_app(settings, registry=load_plugins(modules=[]), embedded_workers=False)
        figures = asyncio.run(in_process(settings, app, args.iterations, args.logins))
        e2e_jwt, e2e_key = end_to_end(
            create_app(settings, registry=load_plugins(modules=[]), embedded_workers=False),
            str(figures["token"]),
            str(figures["key"]),
            args.requests,
        )
    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    print(f"database: {engine}; medians")
    print(f"dependency path (provide_caller), JWT:     {figures['jwt_us']:8.1f} µs/request  ({args.iterations} calls)")
    print(f"dependency path (provide_caller), API key: {figures['key_us']:8.1f} µs/request  ({args.iterations} calls)")
    print(f"end-to-end GET /api/v1/me, JWT:            {e2e_jwt:8.1f} µs/request  ({args.requests} requests)")
    print(f"end-to-end GET /api/v1/me, API key:        {e2e_key:8.1f} µs/request  ({args.requests} requests)")
    print(f"login (argon2id verify + tokens):          {figures['login_ms']:8.1f} ms/login    ({args.logins} logins)")


if __name__ == "__main__":
    main()
