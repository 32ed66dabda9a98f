"""UBL 2.1 writers for the amounts of an EN 16931 document.

Allowances and charges (BG-20/21 document level, BG-27/28 line level), the VAT breakdown
(BG-23) with the VAT totals BT-110/BT-111, the document totals (BG-22) and the invoice lines
(BG-25 with BG-26, BG-29, BG-30, BG-31, BG-32). Amounts carry the document currency (BT-5) as
``currencyID``; BT-111 carries the VAT accounting currency (BT-6).
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from core.model import AllowanceCharge, DocumentTotals, InvoiceLine, VatBreakdown
from plugins.anaf.ubl_write import add, amount, date_text, decimal_text, opt, percent

__all__ = ["write_allowance_charge", "write_line", "write_monetary_total", "write_tax_totals"]


def _vat_category(parent: etree._Element, name: str, code: str, rate: Decimal | None) -> etree._Element:
    category = add(parent, name)
    add(category, "cbc:ID", code)
    opt(category, "cbc:Percent", percent(code, rate))
    return category


def _vat_scheme(category: etree._Element) -> None:
    add(add(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def write_allowance_charge(
    parent: etree._Element, item: AllowanceCharge, currency: str, *, line: bool
) -> None:
    """Append ``cac:AllowanceCharge``: indicator, reason code/text, percentage, amount, base amount.

    Document level (``line=False``, BG-20/21) also writes the VAT category BT-95/96 or BT-102/103;
    line level (BG-27/28) has none (EN 16931 UBL binding).
    """
    kind = "charge" if item.charge_indicator else "allowance"
    element = add(parent, "cac:AllowanceCharge")
    add(element, "cbc:ChargeIndicator", "true" if item.charge_indicator else "false")
    opt(element, "cbc:AllowanceChargeReasonCode", item.reason_code)
    opt(element, "cbc:AllowanceChargeReason", item.reason)
    if item.percentage is not None:
        add(element, "cbc:MultiplierFactorNumeric", decimal_text(item.percentage))
    amount(element, "cbc:Amount", item.amount, currency, f"{kind} amount")
    amount(element, "cbc:BaseAmount", item.base_amount, currency, f"{kind} base amount")
    if not line and item.vat_category_code:
        _vat_scheme(_vat_category(element, "cac:TaxCategory", item.vat_category_code, item.vat_rate))


def write_tax_totals(
    parent: etree._Element,
    breakdown: tuple[VatBreakdown, ...],
    totals: DocumentTotals,
    currency: str,
    accounting_currency: str | None,
) -> None:
    """Append ``cac:TaxTotal`` with BT-110 and the BG-23 subtotals, then BT-111 in BT-6 when it differs.

    BT-110 defaults to the sum of BT-117 (EN 16931 BR-CO-14). When BT-6 equals BT-5 a single
    TaxTotal serves both (EN 16931 BR-CO-15 allows one TaxAmount per currency).
    """
    vat_total = totals.vat_total
    if vat_total is None:
        vat_total = sum((b.vat_amount for b in breakdown), Decimal("0"))
    element = add(parent, "cac:TaxTotal")
    amount(element, "cbc:TaxAmount", vat_total, currency, "BT-110 invoice total VAT amount")
    for item in breakdown:
        subtotal = add(element, "cac:TaxSubtotal")
        amount(
            subtotal, "cbc:TaxableAmount", item.taxable_amount, currency, "BT-116 VAT category taxable amount"
        )
        amount(subtotal, "cbc:TaxAmount", item.vat_amount, currency, "BT-117 VAT category tax amount")
        category = _vat_category(subtotal, "cac:TaxCategory", item.category_code, item.rate)
        opt(category, "cbc:TaxExemptionReasonCode", item.exemption_reason_code)
        opt(category, "cbc:TaxExemptionReason", item.exemption_reason)
        _vat_scheme(category)
    if accounting_currency and accounting_currency != currency and totals.vat_total_accounting is not None:
        accounting = add(parent, "cac:TaxTotal")
        amount(accounting, "cbc:TaxAmount", totals.vat_total_accounting, accounting_currency, "BT-111")


def write_monetary_total(parent: etree._Element, totals: DocumentTotals, currency: str) -> None:
    """Append ``cac:LegalMonetaryTotal`` (BG-22: BT-106, BT-109, BT-112, BT-107, BT-108, BT-113, BT-114, BT-115)."""
    element = add(parent, "cac:LegalMonetaryTotal")
    amount(element, "cbc:LineExtensionAmount", totals.line_net_total, currency, "BT-106")
    amount(element, "cbc:TaxExclusiveAmount", totals.total_without_vat, currency, "BT-109")
    amount(element, "cbc:TaxInclusiveAmount", totals.total_with_vat, currency, "BT-112")
    amount(element, "cbc:AllowanceTotalAmount", totals.allowance_total, currency, "BT-107")
    amount(element, "cbc:ChargeTotalAmount", totals.charge_total, currency, "BT-108")
    amount(element, "cbc:PrepaidAmount", totals.prepaid_amount, currency, "BT-113")
    amount(element, "cbc:PayableRoundingAmount", totals.rounding_amount, currency, "BT-114")
    amount(element, "cbc:PayableAmount", totals.amount_due, currency, "BT-115")


def _item(parent: etree._Element, line: InvoiceLine) -> None:
    item = add(parent, "cac:Item")
    opt(item, "cbc:Description", line.item_description)
    add(item, "cbc:Name", line.item_name)
    if line.buyer_item_id:
        add(add(item, "cac:BuyersItemIdentification"), "cbc:ID", line.buyer_item_id)
    if line.seller_item_id:
        add(add(item, "cac:SellersItemIdentification"), "cbc:ID", line.seller_item_id)
    if line.standard_item_id is not None:
        standard = line.standard_item_id
        add(
            add(item, "cac:StandardItemIdentification"), "cbc:ID", standard.value, schemeID=standard.scheme_id
        )
    if line.origin_country:
        add(add(item, "cac:OriginCountry"), "cbc:IdentificationCode", line.origin_country)
    for classification in line.classifications:
        add(
            add(item, "cac:CommodityClassification"),
            "cbc:ItemClassificationCode",
            classification.value,
            listID=classification.scheme_id,
            listVersionID=classification.scheme_version_id,
        )
    _vat_scheme(_vat_category(item, "cac:ClassifiedTaxCategory", line.vat_category_code, line.vat_rate))
    for attribute in line.attributes:
        prop = add(item, "cac:AdditionalItemProperty")
        add(prop, "cbc:Name", attribute.name)
        add(prop, "cbc:Value", attribute.value)


def _price(parent: etree._Element, line: InvoiceLine, currency: str) -> None:
    price = add(parent, "cac:Price")
    add(price, "cbc:PriceAmount", decimal_text(line.net_price), currencyID=currency)
    if line.base_quantity is not None:
        add(
            price, "cbc:BaseQuantity", decimal_text(line.base_quantity), unitCode=line.base_quantity_unit_code
        )
    if line.gross_price is not None or line.price_discount is not None:
        discount = line.price_discount
        if discount is None:  # EN 16931: BT-146 = BT-148 - BT-147
            discount = line.gross_price - line.net_price
        allowance = add(price, "cac:AllowanceCharge")
        add(allowance, "cbc:ChargeIndicator", "false")
        add(allowance, "cbc:Amount", decimal_text(discount), currencyID=currency)
        if line.gross_price is not None:
            add(allowance, "cbc:BaseAmount", decimal_text(line.gross_price), currencyID=currency)


def write_line(parent: etree._Element, line: InvoiceLine, currency: str, *, credit_note: bool) -> None:
    """Append ``cac:InvoiceLine`` (or ``cac:CreditNoteLine`` with ``cbc:CreditedQuantity``).

    Quantities (BT-129) and prices (BT-146..BT-149) keep their decimals; BT-131 and the line
    allowances/charges carry exactly 2 (EN 16931 BR-DEC-23..28).
    """
    element = add(parent, "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine")
    add(element, "cbc:ID", line.line_id)
    opt(element, "cbc:Note", line.note)
    quantity_name = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
    add(element, quantity_name, decimal_text(line.quantity), unitCode=line.unit_code)
    amount(element, "cbc:LineExtensionAmount", line.net_amount, currency, f"BT-131 of line {line.line_id}")
    opt(element, "cbc:AccountingCost", line.buyer_accounting_reference)
    period = line.period
    if period is not None and (period.start_date or period.end_date):
        element_period = add(element, "cac:InvoicePeriod")
        opt(element_period, "cbc:StartDate", date_text(period.start_date))
        opt(element_period, "cbc:EndDate", date_text(period.end_date))
    if line.order_line_reference:
        add(add(element, "cac:OrderLineReference"), "cbc:LineID", line.order_line_reference)
    if line.object_identifier is not None:
        reference = add(element, "cac:DocumentReference")
        add(reference, "cbc:ID", line.object_identifier.value, schemeID=line.object_identifier.scheme_id)
        add(reference, "cbc:DocumentTypeCode", "130")
    for item in line.allowances_charges:
        write_allowance_charge(element, item, currency, line=True)
    _item(element, line)
    _price(element, line, currency)
