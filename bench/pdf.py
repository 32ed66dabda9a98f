"""Median milliseconds to render a 20-line invoice PDF (jinja2 + weasyprint), after warm-up.

    .venv/bin/python bench/pdf.py [--runs 20] [--template classic]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.documents.pdf import TEMPLATES, PdfOptions, render_pdf, view_from_rows  # noqa: E402

COMPANY = {"name": "Firmă Exemplu SRL", "cif": "RO18547290", "registration_number": "J40/1234/2006", "address": "Str. Test 1",
           "city": "București", "state": "Sector 2", "country": "RO", "bank_account": "RO49AAAA1B31007593840000"}


def twenty_line_view(language: str = "ro") -> dict:
    """A 20-line invoice print view (quantities/prices at 6 decimals, amounts in minor units)."""
    lines = [
        {"description": f"Serviciu de consultanță nr. {i}", "quantity": i * 1_000000, "unit_of_measure": "ore",
         "unit_price": 125_500000, "vat_rate": 2100, "line_total": i * 12550, "vat_amount": round(i * 12550 * 0.21)}
        for i in range(1, 21)
    ]
    subtotal = sum(l["line_total"] for l in lines)
    vat = sum(l["vat_amount"] for l in lines)
    invoice = {"document_type": "invoice", "language": language, "number": "FCT0001", "issue_date": dt.date.today(),
               "due_date": dt.date.today() + dt.timedelta(days=30), "currency": "RON",
               "buyer_snapshot": {"name": "Client Test SRL", "cui": "RO6859662", "address": "Str. Clientului 7", "city": "Cluj-Napoca", "county": "Cluj", "country": "RO"},
               "subtotal": subtotal, "vat_total": vat, "total": subtotal + vat, "notes": "Plata în 30 de zile."}
    return view_from_rows(invoice, lines, COMPANY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--template", choices=list(TEMPLATES), default="classic")
    args = parser.parse_args()
    view, options = twenty_line_view(), PdfOptions(template=args.template)
    for _ in range(3):  # warm-up: fonts, fontconfig cache, jinja2 compile
        render_pdf(view, options)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        render_pdf(view, options)
        times.append((time.perf_counter() - start) * 1000)
    print(f"20-line invoice PDF ({args.template}): median {statistics.median(times):.0f} ms over {args.runs} runs "
          f"(min {min(times):.0f}, max {max(times):.0f})")


if __name__ == "__main__":
    main()
