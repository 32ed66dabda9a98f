"""The main job, end to end, through the HTTP API: ``storno demo``.

Starts the appliance on the embedded default (SQLite in a fresh data directory, in-process jobs)
with the ANAF simulator, then as an API client: registers the owner, creates a company, a client
and products, issues invoices (several VAT rates, a discount, one in EUR, one rejected by the
simulator on purpose) and a credit note, submits them, follows each to its final status, runs
the incoming sync and prints a summary table.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from core.api.server import BackgroundServer

__all__ = ["run_demo"]

FINAL = {"validated", "rejected", "refund"}
console = Console(width=None if sys.stdout.isatty() else 150)


class DemoError(Exception):
    """A step of the demo failed; the message says which and what the API answered."""


def _check(response: httpx.Response, step: str, expected: tuple[int, ...] = (200, 201, 202)) -> Any:
    if response.status_code not in expected:
        raise DemoError(f"{step}: HTTP {response.status_code} {response.text[:500]}")
    return response.json() if response.content and response.headers.get("content-type", "").startswith("application/json") else response


def _invoice_bodies(client_id: str, products: dict[str, dict[str, Any]], nok_series: str) -> list[tuple[str, dict[str, Any]]]:
    today = dt.date.today()
    due = (today + dt.timedelta(days=30)).isoformat()
    consulting, licence, book = products["consulting"], products["licence"], products["book"]

    def line(product: dict[str, Any], quantity: str, **extra: Any) -> dict[str, Any]:
        return {"description": product["name"], "quantity": quantity, "unitPrice": product["defaultPrice"], "unitOfMeasure": product["unitOfMeasure"], "vatRate": product["vatRate"], "productId": product["id"], **extra}

    return [
        ("two VAT rates (21 % and 11 %)", {"clientId": client_id, "dueDate": due, "lines": [line(consulting, "12"), line(book, "3")]}),
        ("a line discount and a 0 % line", {"clientId": client_id, "dueDate": due, "lines": [line(licence, "5", discount="150.00"), {"description": "Transport intracomunitar scutit", "quantity": 1, "unitPrice": 200, "vatRate": 0, "vatCategoryCode": "Z"}]}),
        ("in EUR (VAT also in RON)", {"clientId": client_id, "dueDate": due, "currency": "EUR", "exchangeRate": "4.9769", "lines": [{"description": "Software development (EUR)", "quantity": "40", "unitPrice": "55.00", "vatRate": "21", "unitOfMeasure": "ore"}]}),
        ("rejected by ANAF on purpose", {"clientId": client_id, "dueDate": due, "documentSeriesId": nok_series, "lines": [line(consulting, "1")]}),
    ]


def run_demo(*, out: Path | None, inbox: Path | None, data_dir: Path | None) -> int:
    """Run the demo; returns 0 when every document reached its expected final status."""
    import os

    from core.api.app import create_app
    from core.demo.inbox import render_inbox
    from core.plugins import load_plugins
    from core.providers import activate
    from core.sandbox import start_simulators
    from core.settings import load_settings
    from license.gate import run_gate

    os.environ.setdefault("STORNO_ENV", "development")
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", force=True)
    for noisy in ("dramatiq", "httpx", "uvicorn", "piccolo", "storno"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="storno-demo-"))
    settings = load_settings(data_dir=(data_dir or work / "data").resolve(), database_url="")
    status = run_gate("demo")
    registry = load_plugins(allow=settings.plugins_allow, licensed=status.claims.providers)
    activate(registry)
    company = {"name": "Demo Appliance SRL", "cif": "18547290", "registrationNumber": "J40/1234/2006", "vatPayer": True, "address": "Str. Demo nr. 1", "city": "Sector 1", "state": "București", "country": "RO", "email": "contabil@demo.ro", "bankName": "Banca Demo", "bankAccount": "RO49AAAA1B31007593840000"}
    if inbox is None:
        inbox = work / "inbox"
        buyer = {"name": company["name"], "cui": company["cif"], "isVatPayer": True, "address": company["address"], "city": company["city"], "county": company["state"], "country": "RO"}
        files = render_inbox(inbox, buyer)
        console.print(f"[dim]inbox: rendered {len(files)} invoices from other companies into {inbox}[/]")
    servers, sandbox = start_simulators(registry, inbox)
    console.print(f"[bold]Storno appliance demo[/] — data in {settings.data_dir}, ANAF simulator at {sandbox['anaf']['api_base_url']}")
    app = create_app(settings, registry=registry, sandbox=sandbox)
    try:
        with BackgroundServer(app) as appliance, httpx.Client(base_url=appliance.url, timeout=120) as http:
            return _drive(http, company, out)
    except DemoError as exc:
        console.print(f"[red]demo failed:[/] {exc}")
        return 1
    finally:
        for server in servers:
            server.stop()


def _drive(http: httpx.Client, company: dict[str, Any], out: Path | None) -> int:
    step = console.print
    _check(http.post("/api/auth/register", json={"email": "owner@demo.ro", "password": "demo-password-2026", "firstName": "Ana", "lastName": "Popescu", "organizationName": "Demo"}), "register")
    tokens = _check(http.post("/api/auth", json={"email": "owner@demo.ro", "password": "demo-password-2026"}), "login")
    http.headers["Authorization"] = f"Bearer {tokens['token']}"
    step("✔ registered the owner and logged in")
    # Only the CIF: the appliance fills name, address and VAT status from ANAF's VAT registry.
    created = _check(http.post("/api/v1/companies", json={"cif": f"RO{company['cif']}"}), "create company from ANAF's registry")
    found = created.get("company") or created
    http.headers["X-Company"] = found["id"]
    _check(http.patch(f"/api/v1/companies/{found['id']}", json={k: company[k] for k in ("email", "bankName", "bankAccount")}), "add bank account")
    step(f"✔ company {found['name']} (CIF {found['cif']}, {found.get('city')}, VAT payer: {found.get('vatPayer')}) filled from ANAF's registry; bank account added")
    client = _check(http.post("/api/v1/clients", json={"type": "company", "name": "Client Exemplu SRL", "cui": "6859662", "isVatPayer": True, "address": "Str. Clientului 7", "city": "Cluj-Napoca", "county": "Cluj", "country": "RO", "email": "facturi@client.ro"}), "create client")["client"]
    products = {}
    for key, body in {
        "consulting": {"name": "Consultanță IT", "unitOfMeasure": "ore", "defaultPrice": "350.00", "vatRate": "21", "isService": True},
        "licence": {"name": "Licență software anuală", "unitOfMeasure": "buc", "defaultPrice": "1200.00", "vatRate": "21"},
        "book": {"name": "Manual de utilizare tipărit", "unitOfMeasure": "buc", "defaultPrice": "89.90", "vatRate": "11"},
    }.items():
        answer = _check(http.post("/api/v1/products", json=body), f"create product {key}")
        products[key] = answer.get("product") or answer
    step(f"✔ client {client['name']} and {len(products)} products")
    nok = _check(http.post("/api/v1/document-series", json={"prefix": "SIM-NOK-", "type": "invoice"}), "create series")
    nok_id = (nok.get("data") or nok.get("series") or nok)["id"]
    documents: list[dict[str, Any]] = []
    for label, body in _invoice_bodies(client["id"], products, nok_id):
        documents.append(_issue_and_submit(http, label, body))
    _follow(http, documents)
    first = documents[0]["invoice"]
    credit = {"documentType": "credit_note", "clientId": client["id"], "parentDocumentId": first["id"], "lines": [{"description": "Retur parțial: consultanță facturată în plus", "quantity": "2", "unitPrice": "350.00", "vatRate": "21", "unitOfMeasure": "ore"}]}
    documents.append(_issue_and_submit(http, "credit note (CreditNote 381, standard=CN)", credit))
    _follow(http, documents[-1:])
    incoming = _sync(http)
    if out is not None:
        _write_out(http, out, documents, incoming)
    _summary(documents, incoming)
    expected = all(d["invoice"]["status"] == ("rejected" if "rejected" in d["label"] else ("refund" if d["invoice"]["documentType"] == "credit_note" else "validated")) for d in documents)
    return 0 if expected and incoming else 1


def _issue_and_submit(http: httpx.Client, label: str, body: dict[str, Any]) -> dict[str, Any]:
    draft = _check(http.post("/api/v1/invoices", json=body), f"create {label}")["invoice"]
    issued = _check(http.post(f"/api/v1/invoices/{draft['id']}/issue"), f"issue {label}")
    invoice = issued["invoice"]
    _check(http.post(f"/api/v1/invoices/{invoice['id']}/submit"), f"submit {label}")
    console.print(f"✔ issued {invoice['number']} ({label}): total {_money(invoice['total'])} {invoice['currency']}, submitted to ANAF")
    return {"label": label, "invoice": invoice, "validation": issued.get("validation") or {}}


def _follow(http: httpx.Client, documents: list[dict[str, Any]], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    pending = {d["invoice"]["id"]: d for d in documents}
    with console.status("following submissions at ANAF…") as status:
        while pending and time.monotonic() < deadline:
            for invoice_id, doc in list(pending.items()):
                row = _check(http.get(f"/api/v1/invoices/{invoice_id}"), "get invoice")
                doc["invoice"] = row
                if row["status"] in FINAL:
                    pending.pop(invoice_id)
                    subs = _check(http.get(f"/api/v1/invoices/{invoice_id}/einvoice-submissions"), "submissions")
                    doc["submission"] = subs[-1] if subs else {}
                    mark = "[green]✔[/]" if row["status"] != "rejected" else "[yellow]✘[/]"
                    console.print(f"{mark} {row['number']}: ANAF says {row['status']} (index_incarcare {row.get('anafUploadId')})")
                    if row["status"] == "rejected":
                        console.print(f"    ANAF messages: {row.get('anafErrorMessage')}")
            status.update(f"following submissions at ANAF… {len(pending)} still in processing")
            time.sleep(0.5)
    if pending:
        raise DemoError(f"{len(pending)} submissions did not reach a final status within {timeout:.0f} s")


def _sync(http: httpx.Client, timeout: float = 60) -> list[dict[str, Any]]:
    _check(http.post("/api/v1/sync/trigger"), "sync trigger")
    deadline = time.monotonic() + timeout
    with console.status("downloading the SPV inbox…"):
        while time.monotonic() < deadline:
            state = _check(http.get("/api/v1/sync/status"), "sync status")
            if state["status"] in ("idle", "error") and state.get("lastSyncedAt") or state["status"] == "error":
                break
            time.sleep(0.3)
    if state["status"] == "error":
        raise DemoError(f"incoming sync failed: {state.get('lastError')}")
    page = _check(http.get("/api/v1/invoices", params={"direction": "incoming", "limit": 100}), "list incoming")
    console.print(f"✔ incoming sync: {state['stats']} — {page['total']} incoming invoices")
    return page["data"]


def _write_out(http: httpx.Client, out: Path, documents: list[dict[str, Any]], incoming: list[dict[str, Any]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for row in [d["invoice"] for d in documents] + incoming:
        response = http.get(f"/api/v1/invoices/{row['id']}/xml")
        if response.status_code == 200:
            name = response.headers.get("content-disposition", "").split("filename=")[-1].strip('"') or f"{row['number']}.xml"
            prefix = "incoming-" if row["direction"] == "incoming" else ""
            (out / f"{prefix}{name}").write_bytes(response.content)
            count += 1
    console.print(f"✔ wrote {count} XML files to {out}")


def _money(value: Any) -> str:
    return f"{float(value):,.2f}"


def _summary(documents: list[dict[str, Any]], incoming: list[dict[str, Any]]) -> None:
    table = Table(title="Documents")
    for column in ("number", "type", "direction", "status", "net", "VAT", "total", "validation"):
        table.add_column(column)
    for d in documents:
        inv, validation = d["invoice"], d["validation"]
        ran = [layer["name"] for layer in validation.get("layers", []) if layer.get("ran")]
        skipped = [layer["name"] for layer in validation.get("layers", []) if not layer.get("ran")]
        verdict = ("valid" if validation.get("valid") else "no errors" if not validation.get("errors") else "invalid") + f" ({', '.join(ran)})" + (f"; NOT RUN: {', '.join(skipped)}" if skipped else "")
        table.add_row(inv["number"], inv["documentType"], "outgoing", inv["status"], _money(inv["subtotal"]), _money(inv["vatTotal"]), f"{_money(inv['total'])} {inv['currency']}", verdict)
    for inv in incoming:
        table.add_row(inv["number"], inv["documentType"], "incoming", inv["status"], _money(inv["subtotal"]), _money(inv["vatTotal"]), f"{_money(inv['total'])} {inv['currency']}", f"from {inv.get('senderName')}")
    console.print(table)
