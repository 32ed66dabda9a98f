"""Read a UBL 2.1 ``Invoice`` or ``CreditNote`` (EN 16931 / CIUS-RO) into the canonical model.

The inverse of :func:`plugins.anaf.xml.render_ubl`: header, references, payment, allowances and
charges, VAT breakdown, totals and lines; parties come from :mod:`plugins.anaf.ubl_read_parties`.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from core.model import (
    AdditionalDocument,
    AllowanceCharge,
    Attachment,
    CreditTransfer,
    DirectDebit,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    ItemAttribute,
    Note,
    PaymentCard,
    PaymentInstructions,
    Period,
    PrecedingInvoice,
    VatBreakdown,
)
from plugins.anaf.names import UBL_CREDIT_NOTE_ROOT, UBL_INVOICE_ROOT
from plugins.anaf.read_common import split_note
from plugins.anaf.ubl_read_parties import (
    UBL,
    read_delivery,
    read_party,
    read_payee,
    read_tax_representative,
    sepa_creditor_id,
)

__all__ = ["read_ubl"]


def _period(element: etree._Element | None) -> Period | None:
    start = UBL.date(element, "cbc:StartDate", "period start date")
    end = UBL.date(element, "cbc:EndDate", "period end date")
    return Period(start_date=start, end_date=end) if (start or end) else None


def _allowance_charge(element: etree._Element, *, line: bool) -> AllowanceCharge:
    charge = (UBL.text(element, "cbc:ChargeIndicator") or "").lower() == "true"
    term = ("BT-141" if charge else "BT-136") if line else ("BT-99" if charge else "BT-92")
    return AllowanceCharge(
        charge_indicator=charge,
        amount=UBL.required_decimal(element, "cbc:Amount", f"{term} allowance/charge amount"),
        base_amount=UBL.decimal(element, "cbc:BaseAmount", "allowance/charge base amount"),
        percentage=UBL.decimal(element, "cbc:MultiplierFactorNumeric", "allowance/charge percentage"),
        vat_category_code=None if line else UBL.text(element, "cac:TaxCategory/cbc:ID"),
        vat_rate=(
            None if line else UBL.decimal(element, "cac:TaxCategory/cbc:Percent", "allowance/charge VAT rate")
        ),
        reason=UBL.text(element, "cbc:AllowanceChargeReason"),
        reason_code=UBL.text(element, "cbc:AllowanceChargeReasonCode"),
    )


def _line(element: etree._Element, *, credit_note: bool) -> InvoiceLine:
    line_id = UBL.required(element, "cbc:ID", "BT-126 invoice line identifier")
    where = f"of line {line_id}"
    quantity = UBL.find(element, "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity")
    item = UBL.find(element, "cac:Item")
    price = UBL.find(element, "cac:Price")
    price_allowance = UBL.find(price, "cac:AllowanceCharge")
    base = UBL.find(price, "cbc:BaseQuantity")
    category = UBL.find(item, "cac:ClassifiedTaxCategory")
    reference = UBL.find(element, "cac:DocumentReference")
    return InvoiceLine(
        line_id=line_id,
        quantity=UBL.required_decimal(quantity, ".", f"BT-129 invoiced quantity {where}"),
        unit_code=(quantity.get("unitCode") or "").strip(),
        net_amount=UBL.required_decimal(
            element, "cbc:LineExtensionAmount", f"BT-131 line net amount {where}"
        ),
        net_price=UBL.required_decimal(price, "cbc:PriceAmount", f"BT-146 item net price {where}"),
        item_name=UBL.required(item, "cbc:Name", f"BT-153 item name {where}"),
        vat_category_code=UBL.required(category, "cbc:ID", f"BT-151 VAT category code {where}"),
        vat_rate=UBL.decimal(category, "cbc:Percent", f"BT-152 VAT rate {where}"),
        note="\n".join(UBL.texts(element, "cbc:Note")) or None,
        object_identifier=UBL.identifier(reference, "cbc:ID"),
        order_line_reference=UBL.text(element, "cac:OrderLineReference/cbc:LineID"),
        buyer_accounting_reference=UBL.text(element, "cbc:AccountingCost"),
        period=_period(UBL.find(element, "cac:InvoicePeriod")),
        allowances_charges=tuple(
            _allowance_charge(e, line=True) for e in UBL.findall(element, "cac:AllowanceCharge")
        ),
        price_discount=UBL.decimal(price_allowance, "cbc:Amount", f"BT-147 item price discount {where}"),
        gross_price=UBL.decimal(price_allowance, "cbc:BaseAmount", f"BT-148 item gross price {where}"),
        base_quantity=UBL.decimal(price, "cbc:BaseQuantity", f"BT-149 item price base quantity {where}"),
        base_quantity_unit_code=(base.get("unitCode") or "").strip() or None if base is not None else None,
        item_description=UBL.text(item, "cbc:Description"),
        seller_item_id=UBL.text(item, "cac:SellersItemIdentification/cbc:ID"),
        buyer_item_id=UBL.text(item, "cac:BuyersItemIdentification/cbc:ID"),
        standard_item_id=UBL.identifier(item, "cac:StandardItemIdentification/cbc:ID"),
        classifications=tuple(
            Identifier(value, UBL.attr(e, ".", "listID"), UBL.attr(e, ".", "listVersionID"))
            for e in UBL.findall(item, "cac:CommodityClassification/cbc:ItemClassificationCode")
            if (value := UBL.text(e)) is not None
        ),
        origin_country=UBL.text(item, "cac:OriginCountry/cbc:IdentificationCode"),
        attributes=tuple(
            ItemAttribute(UBL.text(e, "cbc:Name") or "", UBL.text(e, "cbc:Value") or "")
            for e in UBL.findall(item, "cac:AdditionalItemProperty")
        ),
    )


def _tax_totals(root: etree._Element, currency: str, accounting: str | None):
    """(BT-110, BT-111, BG-23) from the ``cac:TaxTotal`` elements, told apart by ``currencyID``."""
    vat_total = vat_accounting = None
    breakdown: list[VatBreakdown] = []
    for total in UBL.findall(root, "cac:TaxTotal"):
        amount_element = UBL.find(total, "cbc:TaxAmount")
        currency_id = (amount_element.get("currencyID") or "").strip() if amount_element is not None else ""
        value = UBL.decimal(total, "cbc:TaxAmount", "BT-110 invoice total VAT amount")
        subtotals = UBL.findall(total, "cac:TaxSubtotal")
        if vat_total is None and (subtotals or currency_id in ("", currency)):
            vat_total = value
            for sub in subtotals:
                category = UBL.find(sub, "cac:TaxCategory")
                breakdown.append(
                    VatBreakdown(
                        category_code=UBL.required(category, "cbc:ID", "BT-118 VAT category code"),
                        taxable_amount=UBL.required_decimal(
                            sub, "cbc:TaxableAmount", "BT-116 VAT category taxable amount"
                        ),
                        vat_amount=UBL.required_decimal(
                            sub, "cbc:TaxAmount", "BT-117 VAT category tax amount"
                        ),
                        rate=UBL.decimal(category, "cbc:Percent", "BT-119 VAT category rate"),
                        exemption_reason=UBL.text(category, "cbc:TaxExemptionReason"),
                        exemption_reason_code=UBL.text(category, "cbc:TaxExemptionReasonCode"),
                    )
                )
        elif accounting and currency_id == accounting:
            vat_accounting = value
    if accounting and accounting == currency:
        vat_accounting = vat_total
    return vat_total, vat_accounting, tuple(breakdown)


def _payment(root: etree._Element, creditor_id: str | None) -> PaymentInstructions | None:
    means = UBL.findall(root, "cac:PaymentMeans")
    if not means and not creditor_id:
        return None
    first = means[0] if means else None
    card = next((c for c in (UBL.find(e, "cac:CardAccount") for e in means) if c is not None), None)
    mandate = next((m for m in (UBL.find(e, "cac:PaymentMandate") for e in means) if m is not None), None)
    transfers = []
    for element in means:
        account = UBL.find(element, "cac:PayeeFinancialAccount")
        if account is not None and UBL.text(account, "cbc:ID"):
            transfers.append(
                CreditTransfer(
                    account_id=UBL.text(account, "cbc:ID"),
                    account_name=UBL.text(account, "cbc:Name"),
                    service_provider_id=UBL.text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
                )
            )
    debit = DirectDebit(
        mandate_reference=UBL.text(mandate, "cbc:ID"),
        creditor_reference=creditor_id,
        debited_account=UBL.text(mandate, "cac:PayerFinancialAccount/cbc:ID"),
    )
    return PaymentInstructions(
        means_code=UBL.text(first, "cbc:PaymentMeansCode") or "",
        means_text=UBL.attr(first, "cbc:PaymentMeansCode", "name"),
        remittance_information=next((v for e in means if (v := UBL.text(e, "cbc:PaymentID"))), None),
        credit_transfers=tuple(transfers),
        card=(
            PaymentCard(UBL.text(card, "cbc:PrimaryAccountNumberID") or "", UBL.text(card, "cbc:HolderName"))
            if card is not None
            else None
        ),
        direct_debit=debit if debit != DirectDebit() else None,
    )


def _documents(root: etree._Element, *, credit_note: bool):
    """(BT-18 invoiced object, BT-11 of a CreditNote, BG-24 supporting documents)."""
    invoiced_object, project, documents = None, None, []
    for element in UBL.findall(root, "cac:AdditionalDocumentReference"):
        type_code = UBL.text(element, "cbc:DocumentTypeCode")
        if type_code == "130" and invoiced_object is None:
            invoiced_object = UBL.identifier(element, "cbc:ID")
            continue
        if type_code == "50" and credit_note and project is None:
            project = UBL.text(element, "cbc:ID")
            continue
        binary = UBL.find(element, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
        content = UBL.binary(binary, ".", "BT-125 attached document")
        attachment = None
        if binary is not None and content is not None:
            attachment = Attachment(
                content, (binary.get("mimeCode") or "").strip(), (binary.get("filename") or "").strip()
            )
        documents.append(
            AdditionalDocument(
                reference=UBL.required(element, "cbc:ID", "BT-122 supporting document reference"),
                description=UBL.text(element, "cbc:DocumentDescription"),
                external_uri=UBL.text(element, "cac:Attachment/cac:ExternalReference/cbc:URI"),
                attachment=attachment,
                type_code=type_code,
            )
        )
    return invoiced_object, project, tuple(documents)


def read_ubl(root: etree._Element) -> Invoice:
    """Map a UBL 2.1 ``Invoice``/``CreditNote`` root element to :class:`Invoice`.

    Amounts are read as written (Decimal, document currency BT-5; BT-111 in BT-6). BT-9 of a
    CreditNote comes from ``PaymentMeans/PaymentDueDate``; BT-21 from a ``#CODE#`` prefix of
    ``cbc:Note``. Raises ValueError (one sentence) for another root, a missing mandatory term the
    model needs (e.g. BT-1, BT-2, BT-5, BT-129, BT-153) or an unreadable number, date or base64.
    """
    if root.tag not in (UBL_INVOICE_ROOT, UBL_CREDIT_NOTE_ROOT):
        raise ValueError(f"the root element {root.tag} is not a UBL 2.1 Invoice or CreditNote")
    credit_note = root.tag == UBL_CREDIT_NOTE_ROOT
    currency = UBL.required(root, "cbc:DocumentCurrencyCode", "BT-5 invoice currency code")
    accounting = UBL.text(root, "cbc:TaxCurrencyCode")
    vat_total, vat_accounting, breakdown = _tax_totals(root, currency, accounting)
    totals = UBL.find(root, "cac:LegalMonetaryTotal")
    invoiced_object, cn_project, documents = _documents(root, credit_note=credit_note)
    period = UBL.find(root, "cac:InvoicePeriod")
    order = UBL.find(root, "cac:OrderReference")
    sales_order = UBL.text(order, "cbc:SalesOrderID")
    purchase_order = UBL.text(order, "cbc:ID")
    payee = UBL.find(root, "cac:PayeeParty")
    seller_party = UBL.find(root, "cac:AccountingSupplierParty/cac:Party")
    notes = tuple(
        Note(text=text, subject_code=code) for code, text in map(split_note, UBL.texts(root, "cbc:Note"))
    )
    lines = UBL.findall(root, "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine")
    if not lines:
        raise ValueError("the document has no invoice line (BG-25)")
    return Invoice(
        invoice_number=UBL.required(root, "cbc:ID", "BT-1 invoice number"),
        issue_date=UBL.date(root, "cbc:IssueDate", "BT-2 invoice issue date")
        or _missing("BT-2 invoice issue date"),
        type_code=UBL.text(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
        or ("381" if credit_note else "380"),
        currency_code=currency,
        seller=read_party(UBL.find(root, "cac:AccountingSupplierParty"), seller=True),
        buyer=read_party(UBL.find(root, "cac:AccountingCustomerParty"), seller=False),
        lines=tuple(_line(e, credit_note=credit_note) for e in lines),
        totals=DocumentTotals(
            line_net_total=UBL.decimal(totals, "cbc:LineExtensionAmount", "BT-106") or Decimal("0"),
            total_without_vat=UBL.decimal(totals, "cbc:TaxExclusiveAmount", "BT-109") or Decimal("0"),
            total_with_vat=UBL.decimal(totals, "cbc:TaxInclusiveAmount", "BT-112") or Decimal("0"),
            amount_due=UBL.required_decimal(totals, "cbc:PayableAmount", "BT-115 amount due for payment"),
            allowance_total=UBL.decimal(totals, "cbc:AllowanceTotalAmount", "BT-107"),
            charge_total=UBL.decimal(totals, "cbc:ChargeTotalAmount", "BT-108"),
            vat_total=vat_total,
            vat_total_accounting=vat_accounting,
            prepaid_amount=UBL.decimal(totals, "cbc:PrepaidAmount", "BT-113"),
            rounding_amount=UBL.decimal(totals, "cbc:PayableRoundingAmount", "BT-114"),
        ),
        vat_breakdown=breakdown,
        vat_accounting_currency_code=accounting,
        tax_point_date=UBL.date(root, "cbc:TaxPointDate", "BT-7 value added tax point date"),
        tax_point_date_code=UBL.text(period, "cbc:DescriptionCode"),
        due_date=UBL.date(root, "cbc:DueDate", "BT-9 payment due date")
        or UBL.date(root, "cac:PaymentMeans/cbc:PaymentDueDate", "BT-9 payment due date"),
        buyer_reference=UBL.text(root, "cbc:BuyerReference"),
        project_reference=UBL.text(root, "cac:ProjectReference/cbc:ID") or cn_project,
        contract_reference=UBL.text(root, "cac:ContractDocumentReference/cbc:ID"),
        purchase_order_reference=None if purchase_order == "NA" and sales_order else purchase_order,
        sales_order_reference=sales_order,
        receiving_advice_reference=UBL.text(root, "cac:ReceiptDocumentReference/cbc:ID"),
        despatch_advice_reference=UBL.text(root, "cac:DespatchDocumentReference/cbc:ID"),
        tender_or_lot_reference=UBL.text(root, "cac:OriginatorDocumentReference/cbc:ID"),
        invoiced_object_identifier=invoiced_object,
        buyer_accounting_reference=UBL.text(root, "cbc:AccountingCost"),
        payment_terms="\n".join(UBL.texts(root, "cac:PaymentTerms/cbc:Note")) or None,
        notes=notes,
        business_process_type=UBL.text(root, "cbc:ProfileID"),
        specification_identifier=UBL.text(root, "cbc:CustomizationID"),
        preceding_invoices=tuple(
            PrecedingInvoice(
                reference=UBL.required(e, "cbc:ID", "BT-25 preceding invoice reference"),
                issue_date=UBL.date(e, "cbc:IssueDate", "BT-26 preceding invoice issue date"),
            )
            for e in UBL.findall(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        ),
        payee=read_payee(payee),
        tax_representative=read_tax_representative(UBL.find(root, "cac:TaxRepresentativeParty")),
        delivery=read_delivery(UBL.find(root, "cac:Delivery")),
        invoicing_period=_period(period),
        payment_instructions=_payment(root, sepa_creditor_id(payee) or sepa_creditor_id(seller_party)),
        allowances_charges=tuple(
            _allowance_charge(e, line=False) for e in UBL.findall(root, "cac:AllowanceCharge")
        ),
        additional_documents=documents,
    )


def _missing(term: str):
    raise ValueError(f"the document has no {term}")
