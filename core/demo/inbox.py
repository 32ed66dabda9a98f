"""Invoices from other companies to the demo company, rendered as CIUS-RO for the simulated inbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from core import providers
from core.invoicing.canonical import build_document
from core.invoicing.totals import DraftLine, compute_totals
from core.money import to_minor

__all__ = ["render_inbox"]

_SUPPLIERS = [
    {"name": "Furnizor Energie SRL", "cif": "14399840", "registration_number": "J12/1234/2001", "address": "Str. Fabricii 10", "city": "Cluj-Napoca", "state": "Cluj", "country": "RO", "vat_payer": True, "bank_account": "RO49AAAA1B31007593840000"},
    {"name": "Papetăria Centrală SA", "cif": "6859662", "registration_number": "J40/555/1995", "address": "Bd. Unirii 5", "city": "Sector 3", "state": "Bucuresti", "country": "RO", "vat_payer": True},
]
_LINES = [
    [("Energie electrică noiembrie", "1250", "kwh", "0.85", "21")],
    [("Hârtie copiator A4", "20", "buc", "24.50", "21"), ("Cărți tehnice", "3", "buc", "80", "11")],
]


def render_inbox(directory: Path, buyer: dict, *, dialect: str = "cius-ro") -> list[Path]:
    """Write one CIUS-RO invoice per demo supplier into ``directory`` with ``buyer`` (company
    fields as the API's client snapshot: name, cui, isVatPayer, address, city, county, country)
    as BG-7; returns the files."""
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for index, (supplier, lines) in enumerate(zip(_SUPPLIERS, _LINES, strict=True), start=1):
        drafts = [DraftLine(Decimal(q), Decimal(p), Decimal(v)) for _, q, _, p, v in lines]
        totals = compute_totals(drafts)
        rows = [
            {"position": i, "description": d, "quantity": to_minor(Decimal(q), 6), "unit_of_measure": u, "unit_price": to_minor(Decimal(p), 6), "discount": 0}
            for i, (d, q, u, p, _) in enumerate(lines, start=1)
        ]
        issue = dt.date.today() - dt.timedelta(days=index)
        invoice = {
            "currency": "RON", "document_type": "invoice", "invoice_type_code": "standard",
            "due_date": issue + dt.timedelta(days=30), "buyer_snapshot": buyer,
        }
        number = f"{supplier['name'][:3].upper()}{1000 + index}"
        document = build_document(company=supplier, invoice=invoice, lines=rows, totals=totals, number=number, issue_date=issue)
        path = directory / f"{number}.xml"
        path.write_bytes(providers.render(document, dialect).content)
        files.append(path)
    return files
