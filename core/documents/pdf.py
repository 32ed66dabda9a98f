"""Document PDFs: a print view of an invoice or credit note, rendered with jinja2 + weasyprint.

Templates are looked up first in ``$STORNO_DATA_DIR/templates/<company_id>/``, then in
``$STORNO_DATA_DIR/templates/``, then in the packaged ``core/documents/templates/``, so a company
can override any template (``classic.html``, ``base.html``, ``base.css`` …) without touching the
code. Credit notes use the ``storno`` template (objects.md §7.5). Rendering never fetches
anything over the network: only ``data:`` URIs (the logo) are resolved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import msgspec

from core.documents import i18n
from core.errors import NotFound
from core.model import Invoice as CanonicalInvoice
from core.money import from_minor

__all__ = ["TEMPLATES", "PdfOptions", "view_from_canonical", "view_from_rows", "view_of_document", "render_html", "render_pdf", "pdf_filename"]

PACKAGED = Path(__file__).parent / "templates"

#: The selectable layouts (``GET /api/v1/pdf-template-config/templates``).
TEMPLATES: dict[str, str] = {
    "classic": "Classic: framed header, bordered line table",
    "modern": "Modern: coloured band header, airy table",
    "minimal": "Minimal: black on white, hairlines only",
    "bold": "Bold: large title and strong colour blocks",
}
#: Font stacks a configuration may choose (fonts installed with the appliance's system packages).
FONTS: dict[str, str] = {
    "dejavu-sans": "'DejaVu Sans', sans-serif",
    "liberation-sans": "'Liberation Sans', 'DejaVu Sans', sans-serif",
    "liberation-serif": "'Liberation Serif', 'DejaVu Serif', serif",
}


class PdfOptions(msgspec.Struct, frozen=True):
    """Layout settings of one render (from the company's PDF template configuration).

    Colours are ``#rrggbb``; ``font`` a key of :data:`FONTS`; ``logo`` a ``data:image/…`` URI or None.
    """

    template: str = "classic"
    primary_color: str = "#1f3a93"
    accent_color: str = "#e8eef9"
    font: str = "dejavu-sans"
    show_logo: bool = True
    show_bank_details: bool = True
    show_notes: bool = True
    footer_text: str | None = None
    logo: str | None = None


def _party(name: str | None, vat_id: str | None, registration: str | None, address: list[str | None], **extra: Any) -> dict[str, Any]:
    return {"name": name or "", "vat_id": vat_id or "", "registration": registration or "", "address": [a for a in address if a], **extra}


def view_from_canonical(document: dict[str, Any], *, document_type: str, language: str) -> dict[str, Any]:
    """The print view of a stored canonical EN 16931 document (the ``document`` column).

    Used for issued outgoing documents and for incoming ones, whose seller (BG-4) is the supplier.
    """
    doc = msgspec.convert(document, CanonicalInvoice)

    def party(p: Any) -> dict[str, Any]:
        a = p.address
        reg = p.legal_registration_id.value if p.legal_registration_id else None
        city = " ".join(x for x in (a.postal_code, a.city) if x)
        return _party(p.name, p.vat_identifier or p.tax_registration_id, reg, [a.line1, a.line2, a.line3, city, a.subdivision, a.country_code])

    pay = doc.payment_instructions
    account = next((acc.account_id for acc in getattr(pay, "credit_transfers", ()) or ()), None) if pay else None
    seller = party(doc.seller)
    seller["bank_account"] = account or ""
    seller["bank_name"] = ""
    totals = doc.totals
    return {
        "document_type": "credit_note" if document_type == "credit_note" or doc.type_code == "381" else "invoice",
        "language": language,
        "number": doc.invoice_number,
        "issue_date": doc.issue_date,
        "due_date": doc.due_date,
        "currency": doc.currency_code,
        "seller": seller,
        "buyer": party(doc.buyer),
        "lines": [
            {"description": l.item_name, "quantity": l.quantity, "unit": l.unit_code, "unit_price": l.net_price,
             "vat_rate": l.vat_rate or Decimal(0), "net_amount": l.net_amount}
            for l in doc.lines
        ],
        "vat_breakdown": [{"rate": v.rate or Decimal(0), "base": v.taxable_amount, "amount": v.vat_amount} for v in doc.vat_breakdown],
        "subtotal": totals.total_without_vat,
        "vat_total": totals.vat_total or Decimal(0),
        "total": totals.total_with_vat,
        "notes": " ".join(n.text for n in doc.notes),
        "payment_terms": doc.payment_terms or "",
        "reference": ", ".join(p.reference for p in doc.preceding_invoices),
    }


def view_from_rows(invoice: dict[str, Any], lines: list[dict[str, Any]], company: dict[str, Any]) -> dict[str, Any]:
    """The print view of a document without a canonical copy yet (a draft): invoice row, line rows
    (amounts in minor units, quantities/prices at 6 decimals) and the company row as seller."""
    buyer = invoice.get("buyer_snapshot") or {}
    seller = _party(
        company.get("name"), company.get("vat_code") or company.get("cif"), company.get("registration_number"),
        [company.get("address"), " ".join(x for x in (company.get("postal_code"), company.get("city")) if x), company.get("state"), company.get("country")],
        bank_account=company.get("bank_account") or "", bank_name=company.get("bank_name") or "",
    )
    buyer_view = _party(
        buyer.get("name") or invoice.get("receiver_name"), buyer.get("vatCode") or buyer.get("cui") or invoice.get("receiver_cif"),
        buyer.get("registrationNumber"),
        [buyer.get("address"), " ".join(x for x in (buyer.get("postalCode"), buyer.get("city")) if x), buyer.get("county"), buyer.get("country")],
    )
    rates: dict[Decimal, dict[str, Decimal]] = {}
    view_lines = []
    for l in lines:
        rate = from_minor(l["vat_rate"]) or Decimal(0)
        net = from_minor(l["line_total"]) or Decimal(0)
        vat = from_minor(l["vat_amount"]) or Decimal(0)
        bucket = rates.setdefault(rate, {"rate": rate, "base": Decimal(0), "amount": Decimal(0)})
        bucket["base"] += net
        bucket["amount"] += vat
        view_lines.append({"description": l["description"], "quantity": from_minor(l["quantity"], 6), "unit": l["unit_of_measure"],
                           "unit_price": from_minor(l["unit_price"], 6), "vat_rate": rate, "net_amount": net})
    return {
        "document_type": invoice.get("document_type") or "invoice",
        "language": invoice.get("language") or "ro",
        "number": invoice.get("number") or "",
        "issue_date": invoice.get("issue_date"),
        "due_date": invoice.get("due_date"),
        "currency": invoice.get("currency") or "RON",
        "seller": seller,
        "buyer": buyer_view,
        "lines": view_lines,
        "vat_breakdown": list(rates.values()),
        "subtotal": from_minor(invoice.get("subtotal")) or Decimal(0),
        "vat_total": from_minor(invoice.get("vat_total")) or Decimal(0),
        "total": from_minor(invoice.get("total")) or Decimal(0),
        "notes": invoice.get("notes") or "",
        "payment_terms": invoice.get("payment_terms") or "",
        "reference": invoice.get("parent_number") or "",
    }


def _environment(data_dir: Path | None, company_id: str | None) -> jinja2.Environment:
    paths: list[Path] = []
    if data_dir is not None:
        if company_id:
            paths.append(Path(data_dir) / "templates" / company_id)
        paths.append(Path(data_dir) / "templates")
    paths.append(PACKAGED)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in paths]),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    return env


def render_html(view: dict[str, Any], options: PdfOptions, *, data_dir: Path | None = None, company_id: str | None = None, preview: bool = False) -> str:
    """The HTML of ``view`` in its template: ``receipt`` for receipts, ``storno`` for credit notes and
    negative documents referring to a parent (storno invoices, objects.md §7), else ``options.template``."""
    language = view.get("language") or "ro"
    env = _environment(data_dir, company_id)
    env.filters["amount"] = lambda v, currency=None: i18n.format_amount(v, language, currency)
    env.filters["qty"] = lambda v: i18n.format_quantity(v, language)
    env.filters["date"] = lambda v: i18n.format_date(v, language)
    layout = options.template if options.template in TEMPLATES else "classic"
    storno = view.get("document_type") == "credit_note" or (bool(view.get("reference")) and (view.get("total") or 0) < 0)
    name = "storno.html" if storno else f"{layout}.html"
    if view.get("document_type") == "receipt":  # its own title, stamp and tenders over the layout (objects.md §3.10)
        name = "receipt.html"
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:  # only when an override directory breaks the chain
        raise NotFound(f"PDF template {exc.name} not found.") from exc
    logo = options.logo if options.show_logo and options.logo and options.logo.startswith("data:image/") else None
    return template.render(
        doc=view, t=i18n.labels(language), options=options, layout=layout, logo=logo,
        font_stack=FONTS.get(options.font, FONTS["dejavu-sans"]), preview=preview,
    )


def _data_only_fetcher() -> Any:
    """A weasyprint URL fetcher that resolves ``data:`` URIs only (no file or network access)."""
    try:
        from weasyprint.urls import URLFetcher  # weasyprint >= 68

        return URLFetcher(allowed_protocols=("data",))
    except ImportError:  # older weasyprint: plain fetcher functions
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
            if not url.startswith("data:"):
                raise ValueError("PDF rendering fetches no external resources")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch


def render_pdf(view: dict[str, Any], options: PdfOptions, *, data_dir: Path | None = None, company_id: str | None = None, preview: bool = False) -> bytes:
    """PDF bytes of ``view`` (blocking, ~0.2 s: call it in a worker thread from async code)."""
    from weasyprint import HTML

    html = render_html(view, options, data_dir=data_dir, company_id=company_id, preview=preview)
    return HTML(string=html, url_fetcher=_data_only_fetcher()).write_pdf()


#: File name prefix per document type (anything else is an invoice).
_FILE_KINDS = {"credit_note": "credit-note", "proforma": "proforma", "delivery_note": "delivery-note", "receipt": "bon"}


def pdf_filename(view: dict[str, Any]) -> str:
    """``<kind>-<number>.pdf`` with characters unsafe in a header replaced by ``_``."""
    number = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(view.get("number") or "draft"))
    return f"{_FILE_KINDS.get(view.get('document_type') or '', 'invoice')}-{number}.pdf"


def client_snapshot(client: dict[str, Any] | None, name: str | None) -> dict[str, Any]:
    """A ``clients`` row as the buyer snapshot :func:`view_from_rows` prints (objects.md §3.1
    ``buyerSnapshot`` keys); only ``name`` when the document has no client row."""
    if client is None:
        return {"name": name}
    return {
        "name": name or client.get("name"), "cui": client.get("cui"), "vatCode": client.get("vat_code"),
        "registrationNumber": client.get("registration_number"), "address": client.get("address"),
        "postalCode": client.get("postal_code"), "city": client.get("city"), "county": client.get("county"),
        "country": client.get("country"),
    }


def view_of_document(kind: str, row: dict[str, Any], lines: list[dict[str, Any]], company: dict[str, Any], client: dict[str, Any] | None) -> dict[str, Any]:
    """The print view of a proforma (``kind`` ``proforma``) or delivery note (``delivery_note``):
    its row and line rows (the shared line columns), the company as seller and the client row
    (or None) as buyer. Titles come from :mod:`core.documents.i18n` in the row's language."""
    document = {**row, "document_type": kind, "buyer_snapshot": client_snapshot(client, row.get("client_name")), "parent_number": None}
    return view_from_rows(document, lines, company)


def sample_view(company: dict[str, Any], language: str) -> dict[str, Any]:
    """A two-line sample invoice of ``company`` for the preview endpoint."""
    today = dt.date.today()
    lines = [
        {"description": "Consultanță / Consulting", "quantity": 2_000000, "unit_of_measure": "ore", "unit_price": 150_000000, "vat_rate": 2100, "line_total": 30000, "vat_amount": 6300},
        {"description": "Licență / Licence", "quantity": 1_000000, "unit_of_measure": "buc", "unit_price": 1234_560000, "vat_rate": 2100, "line_total": 123456, "vat_amount": 25926},
    ]
    invoice = {
        "document_type": "invoice", "language": language, "number": "PREVIEW-0001", "issue_date": today,
        "due_date": today + dt.timedelta(days=30), "currency": company.get("default_currency") or "RON",
        "buyer_snapshot": {"name": "Client Exemplu SRL", "cui": "RO6859662", "address": "Str. Exemplului 7", "city": "Cluj-Napoca", "county": "Cluj", "country": "RO"},
        "subtotal": 153456, "vat_total": 32226, "total": 185682, "notes": "", "payment_terms": "",
    }
    return view_from_rows(invoice, lines, company)
