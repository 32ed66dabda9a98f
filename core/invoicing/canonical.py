"""Building the canonical EN 16931 document (:class:`core.model.Invoice`) from stored rows.

Called by the issuing transaction: the company is the seller (BG-4), the buyer snapshot frozen at
creation is the buyer (BG-7), and the lines' computed totals give BG-22/BG-23.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from core.geo import county_code
from core.invoicing.totals import EXEMPTIONS, Totals
from core.invoicing.units import unit_code
from core.model import (
    Address,
    AllowanceCharge,
    Contact,
    CreditTransfer,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    Note,
    Party,
    PaymentInstructions,
    PrecedingInvoice,
    VatBreakdown,
)
from core.money import from_minor, round2

__all__ = ["type_code_for", "build_document"]

#: objects.md §3.1: invoiceTypeCode -> UNTDID 1001 (credit notes are 381).
_SELF_BILLING = "self_billing"


def type_code_for(document_type: str, invoice_type_code: str | None) -> str:
    """UNTDID 1001 BT-3 code: 381 for credit notes, 389 for self-billing, else 380."""
    if document_type == "credit_note":
        return "381"
    if invoice_type_code == _SELF_BILLING:
        return "389"
    return "380"


def _city(city: str | None, subdivision: str | None) -> str | None:
    """CIUS-RO: a Bucharest address names its sector as ``SECTOR1`` .. ``SECTOR6`` (BR-RO-100)."""
    if subdivision == "RO-B" and city:
        match = re.search(r"sector\s*([1-6])", city, re.IGNORECASE)
        if match:
            return f"SECTOR{match.group(1)}"
    return city or None


def _address(line: str | None, city: str | None, county: str | None, country: str | None, postal: str | None) -> Address:
    country = (country or "RO").upper()
    subdivision = county_code(county) if country == "RO" else (county or None)
    return Address(
        line1=line or None,
        city=_city(city, subdivision),
        postal_code=postal or None,
        subdivision=subdivision,
        country_code=country,
    )


def _seller(company: dict[str, Any]) -> Party:
    cif = str(company["cif"])
    vat_payer = bool(company["vat_payer"])
    contact = Contact(telephone=company.get("phone"), email=company.get("email"))
    return Party(
        name=company["name"],
        address=_address(company.get("address"), company.get("city"), company.get("state"), company.get("country"), company.get("postal_code")),
        vat_identifier=(company.get("vat_code") or f"RO{cif}") if vat_payer else None,
        tax_registration_id=None if vat_payer else cif,
        legal_registration_id=Identifier(company.get("registration_number") or cif),
        contact=contact if (contact.telephone or contact.email) else None,
    )


def _buyer(snapshot: dict[str, Any]) -> Party:
    country = (snapshot.get("country") or "RO").upper()
    cui = (snapshot.get("cui") or "").strip() or None
    vat = snapshot.get("vatCode") or (f"{'RO' if country == 'RO' else country}{cui}" if cui and snapshot.get("isVatPayer") else None)
    ident = cui or snapshot.get("cnp") or None
    return Party(
        name=snapshot["name"],
        address=_address(snapshot.get("address"), snapshot.get("city"), snapshot.get("county"), country, snapshot.get("postalCode")),
        vat_identifier=vat,
        legal_registration_id=Identifier(ident) if ident else None,
        contact=Contact(email=snapshot["email"]) if snapshot.get("email") else None,
    )


def build_document(
    *,
    company: dict[str, Any],
    invoice: dict[str, Any],
    lines: list[dict[str, Any]],
    totals: Totals,
    number: str,
    issue_date: dt.date,
) -> Invoice:
    """The canonical document of an outgoing invoice/credit note at issue.

    ``company``/``invoice``/``lines`` are table rows (amounts in minor units); ``totals`` comes from
    :func:`core.invoicing.totals.compute_totals` over the same lines. Amounts in the result are
    Decimal in the invoice currency; BT-111 (VAT in RON) is set when the currency is not RON.
    """
    currency = invoice["currency"]
    model_lines = []
    for row, computed in zip(lines, totals.lines, strict=True):
        discount = from_minor(row["discount"]) or Decimal("0")
        model_lines.append(
            InvoiceLine(
                line_id=str(row["position"]),
                quantity=from_minor(row["quantity"], 6).normalize() if row["quantity"] else Decimal("0"),
                unit_code=row.get("unit_code") or unit_code(row.get("unit_of_measure")),
                net_amount=computed.net_amount,
                net_price=from_minor(row["unit_price"], 6).normalize() if row["unit_price"] else Decimal("0"),
                item_name=row["description"],
                vat_category_code=computed.vat_category_code,
                vat_rate=None if computed.vat_category_code == "O" else computed.vat_rate,
                note=row.get("line_note"),
                seller_item_id=row.get("product_code"),
                allowances_charges=(
                    (AllowanceCharge(charge_indicator=False, amount=round2(discount), reason="Discount", reason_code="95"),)
                    if discount
                    else ()
                ),
            )
        )
    breakdown = []
    for b in totals.breakdown:
        code, reason = EXEMPTIONS.get(b.category_code, (None, None))
        breakdown.append(
            VatBreakdown(
                category_code=b.category_code,
                taxable_amount=b.taxable_amount,
                vat_amount=b.vat_amount,
                rate=None if b.category_code == "O" else b.rate,
                exemption_reason=reason,
                exemption_reason_code=code,
            )
        )
    rate = from_minor(invoice.get("exchange_rate"), 6) if invoice.get("exchange_rate") else None
    foreign = currency != "RON"
    doc_totals = DocumentTotals(
        line_net_total=totals.line_net_total,
        total_without_vat=totals.line_net_total,
        total_with_vat=totals.total,
        amount_due=totals.total,
        vat_total=totals.vat_total,
        vat_total_accounting=round2(totals.vat_total * rate) if foreign and rate else None,
    )
    payment = None
    if company.get("bank_account"):
        payment = PaymentInstructions(
            means_code="30",
            remittance_information=number,
            credit_transfers=(CreditTransfer(account_id=company["bank_account"].replace(" ", ""), account_name=company["name"], service_provider_id=company.get("bank_bic")),),
        )
    notes = tuple(Note(text=t) for t in (invoice.get("notes"),) if t)
    preceding = ()
    if invoice.get("parent_number"):
        preceding = (PrecedingInvoice(reference=invoice["parent_number"], issue_date=invoice.get("parent_date")),)
    return Invoice(
        invoice_number=number,
        issue_date=issue_date,
        type_code=type_code_for(invoice["document_type"], invoice.get("invoice_type_code")),
        currency_code=currency,
        vat_accounting_currency_code="RON" if foreign else None,
        exchange_rate=rate if foreign else None,
        due_date=invoice.get("due_date"),
        buyer_reference=invoice.get("buyer_reference"),
        contract_reference=invoice.get("contract_number"),
        purchase_order_reference=invoice.get("order_number"),
        payment_terms=invoice.get("payment_terms"),
        notes=notes,
        preceding_invoices=preceding,
        seller=_seller(company),
        buyer=_buyer(invoice.get("buyer_snapshot") or {}),
        payment_instructions=payment,
        lines=tuple(model_lines),
        totals=doc_totals,
        vat_breakdown=tuple(breakdown),
    )
