"""Figures for a 10-line CIUS-RO invoice: render ms, validation ms (XSD + schematron, after
warm-up) and issue-to-stored ms through the HTTP API (create draft + issue), as medians.

    STORNO_ARTIFACTS_DIR=../shared/conformance .venv/bin/python bench/issue.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("STORNO_ENV", "development")

import httpx  # noqa: E402

from core import providers  # noqa: E402
from core.api.app import create_app  # noqa: E402
from core.api.server import BackgroundServer  # noqa: E402
from core.invoicing.canonical import build_document  # noqa: E402
from core.invoicing.totals import DraftLine, compute_totals  # noqa: E402
from core.money import to_minor  # noqa: E402
from core.plugins import load_plugins  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.validation.engine import validate, warm_up  # noqa: E402

COMPANY = {"name": "Bench SRL", "cif": "18547290", "registration_number": "J40/1/2020", "address": "Str. Bench 1", "city": "Sector 1", "state": "Bucuresti", "country": "RO", "vat_payer": True}
BUYER = {"name": "Client SRL", "cui": "6859662", "isVatPayer": True, "address": "Str. Client 2", "city": "Cluj-Napoca", "county": "Cluj", "country": "RO"}
LINES = [(f"Articol {i}", Decimal(i), Decimal("12.50") * i, Decimal("21") if i % 2 else Decimal("11")) for i in range(1, 11)]


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms (p90 {sorted(samples)[int(len(samples) * 0.9) - 1] * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    registry = load_plugins()
    providers.activate(registry)
    totals = compute_totals([DraftLine(q, p, v) for _, q, p, v in LINES])
    rows = [{"position": i, "description": d, "quantity": to_minor(q, 6), "unit_of_measure": "buc", "unit_price": to_minor(p, 6), "discount": 0} for i, (d, q, p, _) in enumerate(LINES, 1)]
    today = __import__("datetime").date.today()
    invoice = {"currency": "RON", "document_type": "invoice", "invoice_type_code": "standard", "buyer_snapshot": BUYER, "due_date": today + __import__("datetime").timedelta(days=30)}
    document = build_document(company=COMPANY, invoice=invoice, lines=rows, totals=totals, number="BENCH0001", issue_date=today)

    render = []
    for _ in range(args.runs):
        started = time.perf_counter()
        xml = providers.render(document, "cius-ro").content
        render.append(time.perf_counter() - started)
    pipeline = providers.validation_pipeline("cius-ro")
    warm_up(pipeline)
    validation = []
    for _ in range(args.runs):
        started = time.perf_counter()
        report = validate(xml, pipeline)
        validation.append(time.perf_counter() - started)
    print(f"10-line invoice ({len(xml)} bytes), {args.runs} runs, artefacts: {os.environ.get('STORNO_ARTIFACTS_DIR') or 'bundled subset'}")
    print(f"render (CIUS-RO UBL):              {_median_ms(render)}")
    print(f"validation (XSD + schematron):     {_median_ms(validation)}  valid={report.valid} layers={[l.name for l in report.layers if l.ran]}")
    if not report.valid:
        raise SystemExit(f"the bench invoice is not valid: {[(f.rule_id, f.message) for f in report.findings if f.blocking]}")

    data = Path(tempfile.mkdtemp(prefix="storno-bench-"))
    settings = load_settings(data_dir=data, database_url="")
    with BackgroundServer(create_app(settings, registry=registry, embedded_workers=False)) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        http.post("/api/auth/register", json={"email": "bench@bench.ro", "password": "bench-password-1"})
        http.headers["Authorization"] = "Bearer " + http.post("/api/auth", json={"email": "bench@bench.ro", "password": "bench-password-1"}).json()["token"]
        company = http.post("/api/v1/companies", json={"name": COMPANY["name"], "cif": COMPANY["cif"], "registrationNumber": COMPANY["registration_number"], "address": COMPANY["address"], "city": COMPANY["city"], "state": COMPANY["state"], "country": "RO", "vatPayer": True}).json()
        http.headers["X-Company"] = (company.get("company") or company)["id"]
        client = http.post("/api/v1/clients", json={"type": "company", "name": BUYER["name"], "cui": BUYER["cui"], "isVatPayer": True, "address": BUYER["address"], "city": BUYER["city"], "county": BUYER["county"], "country": "RO"}).json()["client"]
        body = {"clientId": client["id"], "lines": [{"description": d, "quantity": str(q), "unitPrice": str(p), "vatRate": str(v)} for d, q, p, v in LINES]}
        timings = []
        for i in range(args.runs + 3):
            started = time.perf_counter()
            draft = http.post("/api/v1/invoices", json=body).json()["invoice"]
            issued = http.post(f"/api/v1/invoices/{draft['id']}/issue")
            elapsed = time.perf_counter() - started
            assert issued.status_code == 200, issued.text
            if i >= 3:  # the first issues compile the stylesheets
                timings.append(elapsed)
    print(f"issue-to-stored via API (SQLite):  {_median_ms(timings)}  (create draft + issue: number, render, validate, store)")


if __name__ == "__main__":
    main()
