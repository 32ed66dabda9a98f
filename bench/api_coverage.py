"""How much of the Storno v1 API contract the appliance serves: its OpenAPI paths and methods
against the ``core`` rows of ../shared/api/endpoints.tsv.

    .venv/bin/python bench/api_coverage.py [--endpoints FILE] [--all-areas]

By default only the areas of the invoicing issue are counted (invoices, with payments and credit
notes/storno under them, proformas, delivery notes, receipts, recurring invoices, clients,
products, suppliers, document series, VAT rates, defaults, e-invoice, e-Factura messages, the
ANAF sync rows ``/api/v1/sync/*`` and the PDF template config); ``--all-areas`` also reports every
core row. A second report, ``issue-4 areas``, counts the accounts issue's areas (auth, API keys,
companies, members, invitations, licensing, and the ANAF rows not under ``/api/v1/sync/``).
Path parameters are compared by position only (``{uuid}`` = ``{id}`` = ``{invoice_id}``).
Prints ``covered N/M`` and the missing rows (method, path, area); always exits 0.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("STORNO_ENV", "development")

ENDPOINTS = Path(__file__).resolve().parents[1].parent / "shared/api/endpoints.tsv"

#: endpoints.tsv areas of the invoicing issue (credit notes/storno rows are in ``invoices``).
ISSUE_AREAS = {
    "invoices", "payments", "proforma-invoices", "delivery-notes", "receipts", "recurring-invoices",
    "clients", "products", "suppliers", "document-series", "vat-rates", "defaults", "einvoice",
    "efactura-messages", "pdf-template-config",
}

#: endpoints.tsv areas of issue 4 (accounts, companies, licence); ANAF rows other than sync count too.
ISSUE4_AREAS = {"auth", "api-keys", "companies", "members", "invitations", "licensing"}

Row = tuple[str, str, str]  # (method, path, area)


def normalise(path: str) -> str:
    """``path`` with every ``{parameter}`` (and Litestar's ``{name:type}``) as ``{}``, no trailing slash."""
    path = re.sub(r"\{[^}]*\}", "{}", path)
    return path.rstrip("/") or "/"


def served() -> set[tuple[str, str]]:
    """(METHOD, normalised path) of every operation in the app's OpenAPI document."""
    from core.api.app import create_app
    from core.plugins import load_plugins
    from core.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({**os.environ, "STORNO_ENV": "development", "STORNO_DATA_DIR": tmp, "STORNO_DATABASE_URL": f"sqlite:///{tmp}/coverage.sqlite"})
        app = create_app(settings, registry=load_plugins(), embedded_workers=False)
        schema = app.openapi_schema.to_schema()
    methods = {"get", "post", "put", "patch", "delete"}
    return {(method.upper(), normalise(path)) for path, item in schema.get("paths", {}).items() for method in item if method in methods}


def contract(path: Path) -> list[Row]:
    """The ``core`` rows of endpoints.tsv as (METHOD, path, area)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [(r["method"].upper(), r["path"], r["area"]) for r in csv.DictReader(handle, delimiter="\t") if r.get("tier") == "core"]


def in_issue(row: Row) -> bool:
    """Whether a contract row belongs to the invoicing issue's areas (sync rows count, other ANAF rows not)."""
    _, path, area = row
    return area in ISSUE_AREAS or (area == "anaf" and path.startswith("/api/v1/sync/"))


def in_issue4(row: Row) -> bool:
    """Whether a contract row belongs to issue 4's areas (ANAF rows count unless under ``/api/v1/sync/``)."""
    _, path, area = row
    return area in ISSUE4_AREAS or (area == "anaf" and not path.startswith("/api/v1/sync/"))


def report(title: str, rows: list[Row], have: set[tuple[str, str]]) -> None:
    """Print ``covered N/M`` for ``rows`` and the missing ones, sorted by area then path."""
    missing = [r for r in rows if (r[0], normalise(r[1])) not in have]
    print(f"{title}: covered {len(rows) - len(missing)}/{len(rows)}")
    for method, path, area in sorted(missing, key=lambda r: (r[2], r[1], r[0])):
        print(f"  missing  {method:<6} {path}  [{area}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=Path, default=ENDPOINTS, help="endpoints.tsv to compare with")
    parser.add_argument("--all-areas", action="store_true", help="also report every core row")
    args = parser.parse_args()
    rows = contract(args.endpoints)
    have = served()
    report("issue areas", [r for r in rows if in_issue(r)], have)
    print()
    report("issue-4 areas", [r for r in rows if in_issue4(r)], have)
    if args.all_areas:
        print()
        report("all core areas", rows, have)


if __name__ == "__main__":
    main()
