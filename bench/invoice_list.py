"""Speed of ``GET /api/v1/invoices`` page 1 on a company with many invoices.

    STORNO_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/invoice_list.py [--count 100000] [--requests 50] [--database-url URL]

Without ``--database-url`` a fresh database is created on STORNO_TEST_DATABASE_URL's server and
dropped at the end (SQLite in a temporary directory when that variable is unset). The real app
(:class:`core.api.server.BackgroundServer`) migrates the database and creates the tenant over
HTTP; the invoices are then seeded for its company with bulk SQL (``COPY`` on PostgreSQL,
``executemany`` on SQLite), the planner statistics refreshed, and each query shape requested
``--requests`` times after two warm-up calls. Prints the seeding time and, per shape, median and
p95 in ms. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("STORNO_ENV", "development")

import httpx  # noqa: E402

from tests.support.sql import execute  # noqa: E402

COLUMNS = (
    "id", "company", "direction", "document_type", "status", "number", "client", "sender_cif", "sender_name",
    "receiver_cif", "receiver_name", "currency", "invoice_type_code", "issue_date", "due_date", "language",
    "subtotal", "vat_total", "total", "discount", "amount_paid", "created_at", "updated_at",
)
STATUSES = ("draft", "issued", "sent_to_provider", "validated", "validated", "validated", "rejected", "cancelled", "synced")
START = dt.date(2023, 1, 1)
DAYS = 3 * 365

#: (label, query string) of each measured request; all page 1, 20 rows.
SHAPES: list[tuple[str, dict[str, str]]] = [
    ("no filter, sort=issueDate", {"sort": "issueDate"}),
    ("status=validated", {"status": "validated"}),
    ("direction=incoming", {"direction": "incoming"}),
    ("from/to one month", {"from": "2024-03-01", "to": "2024-03-31"}),
    ("status+direction+from/to", {"status": "validated", "direction": "outgoing", "from": "2024-01-01", "to": "2024-06-30"}),
    ("sort=total", {"sort": "total"}),
    ("status=rejected sort=total", {"status": "rejected", "sort": "total"}),
    ("search=number", {"search": "FCT0004242"}),
    ("search=name", {"search": "Client 4242"}),
]


def rows(count: int, company: str, client: str) -> list[tuple[Any, ...]]:
    """``count`` invoice rows in :data:`COLUMNS` order; deterministic (seeded random)."""
    rnd = random.Random(42)
    now = dt.datetime.now(dt.timezone.utc)
    out = []
    for i in range(count):
        incoming = rnd.random() < 0.2
        issue = START + dt.timedelta(days=rnd.randrange(DAYS))
        subtotal = rnd.randrange(1_000, 10_000_000)
        vat = subtotal * 21 // 100
        partner = f"Client {rnd.randrange(10_000):04d} SRL"
        out.append((
            str(uuid.uuid4()), company, "incoming" if incoming else "outgoing", "invoice", rnd.choice(STATUSES),
            f"{'SUP' if incoming else 'FCT'}{i:07d}", None if incoming else client,
            f"RO{rnd.randrange(10**7, 10**8)}" if incoming else "18547290", partner if incoming else "Bench SRL",
            "18547290" if incoming else f"RO{rnd.randrange(10**7, 10**8)}", "Bench SRL" if incoming else partner,
            "RON", "standard", issue, issue + dt.timedelta(days=30), "ro", subtotal, vat, subtotal + vat, 0, 0, now, now,
        ))
    return out


async def seed_postgres(url: str, data: list[tuple[Any, ...]]) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table("invoices", records=data, columns=list(COLUMNS))
        await conn.execute("VACUUM ANALYZE invoices")  # the steady state autovacuum reaches: visibility map set
    finally:
        await conn.close()


def seed_sqlite(path: str, data: list[tuple[Any, ...]]) -> None:
    import sqlite3

    import piccolo.engine.sqlite  # noqa: F401 - registers the date/datetime adapters piccolo reads back

    conn = sqlite3.connect(path)
    try:
        names = ", ".join(f'"{c}"' for c in COLUMNS)
        conn.executemany(f'INSERT INTO "invoices" ({names}) VALUES ({", ".join("?" * len(COLUMNS))})', data)
        conn.commit()
        conn.execute("ANALYZE")
    finally:
        conn.close()


def tenant(http: httpx.Client) -> tuple[str, str]:
    """Register, log in, create the company and one client; returns (company id, client id)."""
    http.post("/api/auth/register", json={"email": "bench@bench.ro", "password": "bench-password-1"})
    http.headers["Authorization"] = "Bearer " + http.post("/api/auth", json={"email": "bench@bench.ro", "password": "bench-password-1"}).json()["token"]
    company = http.post("/api/v1/companies", json={"name": "Bench SRL", "cif": "18547290", "registrationNumber": "J40/1/2020", "address": "Str. Bench 1", "city": "Sector 1", "state": "Bucuresti", "country": "RO", "vatPayer": True}).json()
    company_id = (company.get("company") or company)["id"]
    http.headers["X-Company"] = company_id
    client = http.post("/api/v1/clients", json={"type": "company", "name": "Client SRL", "cui": "6859662", "isVatPayer": True, "address": "Str. Client 2", "city": "Cluj-Napoca", "county": "Cluj", "country": "RO"}).json()["client"]
    return company_id, client["id"]


def measure(http: httpx.Client, params: dict[str, str], n: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, total rows matched) over ``n`` requests after two warm-ups."""
    query = {"page": "1", "limit": "20", **params}
    for _ in range(2):
        response = http.get("/api/v1/invoices", params=query)
        response.raise_for_status()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = http.get("/api/v1/invoices", params=query)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    samples.sort()
    total = response.json().get("total", -1)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], total


def run(url: str, count: int, requests: int, data_dir: Path, custom_plans: bool = False) -> None:
    from core.api.app import create_app
    from core.api.server import BackgroundServer
    from core.plugins import load_plugins
    from core.settings import load_settings

    if custom_plans and not url.startswith("sqlite"):
        # asyncpg prepares each statement; after five runs PostgreSQL may switch to a generic plan,
        # which cannot see that a search pattern is selective (it walks the issue-date index).
        execute(url, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database()); END $$")
    settings = load_settings({**os.environ, "STORNO_ENV": "development", "STORNO_DATA_DIR": str(data_dir), "STORNO_DATABASE_URL": url})
    app = create_app(settings, registry=load_plugins(), embedded_workers=False)
    with BackgroundServer(app) as server, httpx.Client(base_url=server.url, timeout=120) as http:
        company_id, client_id = tenant(http)
        data = rows(count, company_id, client_id)
        started = time.perf_counter()
        if url.startswith("sqlite"):
            seed_sqlite(url.removeprefix("sqlite:///"), data)
        else:
            asyncio.run(seed_postgres(url, data))
        seeded = time.perf_counter() - started
        engine = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
        plans = " (plan_cache_mode=force_custom_plan)" if custom_plans and engine == "PostgreSQL" else ""
        print(f"{engine}{plans}: seeded {count} invoices in {seeded:.1f} s ({count / seeded:,.0f}/s); {requests} requests per shape, page 1, limit 20")
        print(f"{'query shape':<30} {'median ms':>10} {'p95 ms':>8} {'matched':>8}")
        for label, params in SHAPES:
            median, p95, total = measure(http, params, requests)
            print(f"{label:<30} {median:>10.1f} {p95:>8.1f} {total:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="invoices to seed")
    parser.add_argument("--requests", type=int, default=50, help="requests per query shape (at least 50 recommended)")
    parser.add_argument("--database-url", default="", help="an empty database to use (kept afterwards)")
    parser.add_argument("--custom-plans", action="store_true", help="PostgreSQL: set plan_cache_mode=force_custom_plan on the database first")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="storno-bench-list-"))
    if args.database_url:
        run(args.database_url, args.count, args.requests, data_dir, args.custom_plans)
        return
    server = os.environ.get("STORNO_TEST_DATABASE_URL", "")
    if not server:
        run(f"sqlite:///{data_dir / 'bench.sqlite'}", args.count, args.requests, data_dir)
        return
    name = f"storno_bench_{uuid.uuid4().hex[:12]}"
    base, _, _ = server.rpartition("/")
    execute(server, f'CREATE DATABASE "{name}"')
    try:
        run(f"{base}/{name}", args.count, args.requests, data_dir, args.custom_plans)
    finally:
        execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
