"""Printed labels and number/date formats of document PDFs in Romanian, English, German and French.

The language is the document's ``language`` (objects.md §3.1: ``ro`` default, ``en``, ``de``, ``fr``);
anything else falls back to Romanian. Amounts: ``1.234,56`` for ro/de/fr, ``1,234.56`` for en.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["LANGUAGES", "labels", "format_amount", "format_date", "format_quantity"]

LANGUAGES = ("ro", "en", "de", "fr")

_LABELS: dict[str, dict[str, str]] = {
    "ro": {
        "invoice": "Factură", "credit_note": "Factură storno", "proforma": "Factură proformă", "delivery_note": "Aviz de însoțire a mărfii", "number": "Număr", "issue_date": "Data emiterii",
        "due_date": "Data scadenței", "seller": "Furnizor", "buyer": "Cumpărător", "vat_id": "CIF",
        "registration": "Nr. Reg. Com.", "bank_account": "Cont bancar", "bank": "Banca", "description": "Denumire",
        "quantity": "Cant.", "unit": "U.M.", "unit_price": "Preț unitar", "vat_rate": "Cota TVA", "net_amount": "Valoare",
        "vat_amount": "TVA", "subtotal": "Total fără TVA", "vat_total": "Total TVA", "total": "Total de plată",
        "vat_breakdown": "Defalcare TVA", "notes": "Mențiuni", "payment_terms": "Termeni de plată",
        "currency": "Moneda", "page": "Pagina", "reference": "Factura de referință", "preview": "Previzualizare",
        "receipt": "Bon fiscal", "refund_receipt": "Bon fiscal storno", "cash_register": "Casa de marcat", "fiscal_number": "Nr. fiscal",
        "payment_method": "Modalitate de plată", "cash": "Numerar", "card": "Card", "other_payment": "Alte modalități", "refund_of": "Storno la bonul",
    },
    "en": {
        "invoice": "Invoice", "credit_note": "Credit note", "proforma": "Proforma invoice", "delivery_note": "Delivery note", "number": "Number", "issue_date": "Issue date",
        "due_date": "Due date", "seller": "Seller", "buyer": "Buyer", "vat_id": "VAT ID",
        "registration": "Registration no.", "bank_account": "Bank account", "bank": "Bank", "description": "Description",
        "quantity": "Qty", "unit": "Unit", "unit_price": "Unit price", "vat_rate": "VAT rate", "net_amount": "Amount",
        "vat_amount": "VAT", "subtotal": "Total excl. VAT", "vat_total": "Total VAT", "total": "Amount due",
        "vat_breakdown": "VAT breakdown", "notes": "Notes", "payment_terms": "Payment terms",
        "currency": "Currency", "page": "Page", "reference": "Original invoice", "preview": "Preview",
        "receipt": "Receipt", "refund_receipt": "Refund receipt", "cash_register": "Cash register", "fiscal_number": "Fiscal no.",
        "payment_method": "Payment method", "cash": "Cash", "card": "Card", "other_payment": "Other", "refund_of": "Refund of receipt",
    },
    "de": {
        "invoice": "Rechnung", "credit_note": "Gutschrift", "proforma": "Proformarechnung", "delivery_note": "Lieferschein", "number": "Nummer", "issue_date": "Rechnungsdatum",
        "due_date": "Fälligkeitsdatum", "seller": "Verkäufer", "buyer": "Käufer", "vat_id": "USt-IdNr.",
        "registration": "Handelsregister", "bank_account": "Bankkonto", "bank": "Bank", "description": "Beschreibung",
        "quantity": "Menge", "unit": "Einheit", "unit_price": "Einzelpreis", "vat_rate": "USt-Satz", "net_amount": "Betrag",
        "vat_amount": "USt", "subtotal": "Summe netto", "vat_total": "Summe USt", "total": "Zahlbetrag",
        "vat_breakdown": "USt-Aufschlüsselung", "notes": "Hinweise", "payment_terms": "Zahlungsbedingungen",
        "currency": "Währung", "page": "Seite", "reference": "Ursprüngliche Rechnung", "preview": "Vorschau",
        "receipt": "Kassenbon", "refund_receipt": "Rückerstattungsbeleg", "cash_register": "Registrierkasse", "fiscal_number": "Fiskalnummer",
        "payment_method": "Zahlungsart", "cash": "Bar", "card": "Karte", "other_payment": "Sonstige", "refund_of": "Erstattung zu Beleg",
    },
    "fr": {
        "invoice": "Facture", "credit_note": "Avoir", "proforma": "Facture pro forma", "delivery_note": "Bon de livraison", "number": "Numéro", "issue_date": "Date d'émission",
        "due_date": "Date d'échéance", "seller": "Vendeur", "buyer": "Acheteur", "vat_id": "N° TVA",
        "registration": "N° d'immatriculation", "bank_account": "Compte bancaire", "bank": "Banque", "description": "Désignation",
        "quantity": "Qté", "unit": "Unité", "unit_price": "Prix unitaire", "vat_rate": "Taux TVA", "net_amount": "Montant",
        "vat_amount": "TVA", "subtotal": "Total HT", "vat_total": "Total TVA", "total": "Net à payer",
        "vat_breakdown": "Détail de la TVA", "notes": "Mentions", "payment_terms": "Conditions de paiement",
        "currency": "Devise", "page": "Page", "reference": "Facture d'origine", "preview": "Aperçu",
        "receipt": "Ticket de caisse", "refund_receipt": "Ticket de remboursement", "cash_register": "Caisse", "fiscal_number": "N° fiscal",
        "payment_method": "Mode de paiement", "cash": "Espèces", "card": "Carte", "other_payment": "Autres", "refund_of": "Remboursement du ticket",
    },
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _lang(language: str | None) -> str:
    return language if language in _LABELS else "ro"


def labels(language: str | None) -> dict[str, str]:
    """The printed labels of ``language`` (unknown languages get Romanian)."""
    return _LABELS[_lang(language)]


def _grouped(value: Decimal, places: int, language: str | None) -> str:
    text = f"{value:,.{places}f}"
    if _lang(language) == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_amount(value: Decimal | None, language: str | None, currency: str | None = None) -> str:
    """``value`` rounded half-up to 2 decimals with the language's separators, then the currency code."""
    amount = (value or Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = _grouped(amount, 2, language)
    return f"{text} {currency}" if currency else text


def format_quantity(value: Decimal | None, language: str | None) -> str:
    """A quantity with up to 4 decimals, trailing zeros dropped (``2``, ``1,5``, ``0.25``)."""
    amount = (value or Decimal(0)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    places = max(0, -amount.normalize().as_tuple().exponent)  # type: ignore[operator]
    return _grouped(amount, min(places, 4), language)


def format_date(value: dt.date | str | None, language: str | None) -> str:
    """A date as the language writes it: ro/de ``21.11.2026``, fr ``21/11/2026``, en ``21 Nov 2026``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    lang = _lang(language)
    if lang == "en":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    if lang == "fr":
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d.%m.%Y")
