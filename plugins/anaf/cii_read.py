"""Read a UN/CEFACT Cross Industry Invoice D16B (EN 16931 CII binding) into the canonical model.

ANAF delivers CII files as well as UBL; this reader gives the same :class:`Invoice` a UBL file
would, so either can be stored, rendered again as CIUS-RO UBL, or shown.
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
from plugins.anaf.cii_read_parties import (
    CII,
    read_cii_delivery,
    read_cii_party,
    read_cii_payee,
    read_cii_tax_representative,
)
from plugins.anaf.names import CII_ROOT

__all__ = ["read_cii", "TAX_POINT_CODES"]

#: BT-8 in CII uses UNTDID 2475 (5 invoice date, 29 delivery date, 72 paid to date); the model
#: and UBL use UNTDID 2005 (3, 35, 432), the codes CIUS-RO BR-RO-040 accepts.
TAX_POINT_CODES = {"5": "3", "29": "35", "72": "432"}
#: CII AdditionalReferencedDocument type codes with their own business term.
_INVOICED_OBJECT, _TENDER_OR_LOT, _SUPPORTING = "130", "50", "916"


def _period(element: etree._Element | None) -> Period | None:
    start = CII.date(element, "ram:StartDateTime/udt:DateTimeString", "period start date")
    end = CII.date(element, "ram:EndDateTime/udt:DateTimeString", "period end date")
    return Period(start_date=start, end_date=end) if (start or end) else None


def _indicator(element: etree._Element) -> bool:
    return (CII.text(element, "ram:ChargeIndicator/udt:Indicator") or "").lower() == "true"


def _allowance_charge(element: etree._Element, *, line: bool) -> AllowanceCharge:
    charge = _indicator(element)
    return AllowanceCharge(
        charge_indicator=charge,
        amount=CII.required_decimal(element, "ram:ActualAmount", "allowance/charge amount"),
        base_amount=CII.decimal(element, "ram:BasisAmount", "allowance/charge base amount"),
        percentage=CII.decimal(element, "ram:CalculationPercent", "allowance/charge percentage"),
        vat_category_code=None if line else CII.text(element, "ram:CategoryTradeTax/ram:CategoryCode"),
        vat_rate=(
            None
            if line
            else CII.decimal(element, "ram:CategoryTradeTax/ram:RateApplicablePercent", "VAT rate")
        ),
        reason=CII.text(element, "ram:Reason"),
        reason_code=CII.text(element, "ram:ReasonCode"),
    )


def _line(item: etree._Element) -> InvoiceLine:
    line_id = CII.required(
        item, "ram:AssociatedDocumentLineDocument/ram:LineID", "BT-126 invoice line identifier"
    )
    where = f"of line {line_id}"
    product = CII.find(item, "ram:SpecifiedTradeProduct")
    agreement = CII.find(item, "ram:SpecifiedLineTradeAgreement")
    gross = CII.find(agreement, "ram:GrossPriceProductTradePrice")
    net = CII.find(agreement, "ram:NetPriceProductTradePrice")
    settlement = CII.find(item, "ram:SpecifiedLineTradeSettlement")
    quantity = CII.find(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    base = CII.find(net, "ram:BasisQuantity")
    if base is None:
        base = CII.find(gross, "ram:BasisQuantity")
    tax = CII.find(settlement, "ram:ApplicableTradeTax")
    discounts = [a for a in CII.findall(gross, "ram:AppliedTradeAllowanceCharge") if not _indicator(a)]
    reference = next(
        (
            r
            for r in CII.findall(settlement, "ram:AdditionalReferencedDocument")
            if CII.text(r, "ram:TypeCode") == _INVOICED_OBJECT
        ),
        None,
    )
    object_id = CII.text(reference, "ram:IssuerAssignedID")
    object_identifier = (
        Identifier(object_id, CII.text(reference, "ram:ReferenceTypeCode")) if object_id else None
    )
    return InvoiceLine(
        line_id=line_id,
        quantity=CII.required_decimal(quantity, ".", f"BT-129 invoiced quantity {where}"),
        unit_code=(quantity.get("unitCode") or "").strip(),
        net_amount=CII.required_decimal(
            settlement,
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            f"BT-131 line net amount {where}",
        ),
        net_price=CII.required_decimal(net, "ram:ChargeAmount", f"BT-146 item net price {where}"),
        item_name=CII.required(product, "ram:Name", f"BT-153 item name {where}"),
        vat_category_code=CII.required(tax, "ram:CategoryCode", f"BT-151 VAT category code {where}"),
        vat_rate=CII.decimal(tax, "ram:RateApplicablePercent", f"BT-152 VAT rate {where}"),
        note="\n".join(CII.texts(item, "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"))
        or None,
        object_identifier=object_identifier,
        order_line_reference=CII.text(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
        buyer_accounting_reference=CII.text(
            settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"
        ),
        period=_period(CII.find(settlement, "ram:BillingSpecifiedPeriod")),
        allowances_charges=tuple(
            _allowance_charge(e, line=True)
            for e in CII.findall(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ),
        price_discount=(
            CII.decimal(discounts[0], "ram:ActualAmount", f"BT-147 item price discount {where}")
            if discounts
            else None
        ),
        gross_price=CII.decimal(gross, "ram:ChargeAmount", f"BT-148 item gross price {where}"),
        base_quantity=CII.decimal(base, ".", f"BT-149 item price base quantity {where}"),
        base_quantity_unit_code=((base.get("unitCode") or "").strip() or None) if base is not None else None,
        item_description=CII.text(product, "ram:Description"),
        seller_item_id=CII.text(product, "ram:SellerAssignedID"),
        buyer_item_id=CII.text(product, "ram:BuyerAssignedID"),
        standard_item_id=CII.identifier(product, "ram:GlobalID"),
        classifications=tuple(
            Identifier(
                CII.text(e),
                (e.get("listID") or "").strip() or None,
                (e.get("listVersionID") or "").strip() or None,
            )
            for e in CII.findall(product, "ram:DesignatedProductClassification/ram:ClassCode")
            if CII.text(e)
        ),
        origin_country=CII.text(product, "ram:OriginTradeCountry/ram:ID"),
        attributes=tuple(
            ItemAttribute(CII.text(e, "ram:Description") or "", CII.text(e, "ram:Value") or "")
            for e in CII.findall(product, "ram:ApplicableProductCharacteristic")
        ),
    )


def _payment(settlement: etree._Element) -> PaymentInstructions | None:
    means = CII.findall(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    creditor_id = CII.text(settlement, "ram:CreditorReferenceID")
    mandate = CII.text(settlement, "ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID")
    if not means and not creditor_id and not mandate:
        return None
    first = means[0] if means else None
    transfers = []
    for element in means:
        account = CII.find(element, "ram:PayeePartyCreditorFinancialAccount")
        account_id = CII.text(account, "ram:IBANID") or CII.text(account, "ram:ProprietaryID")
        if account_id:
            transfers.append(
                CreditTransfer(
                    account_id=account_id,
                    account_name=CII.text(account, "ram:AccountName"),
                    service_provider_id=CII.text(
                        element, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"
                    ),
                )
            )
    card = next(
        (
            c
            for c in (CII.find(e, "ram:ApplicableTradeSettlementFinancialCard") for e in means)
            if c is not None
        ),
        None,
    )
    debited = next(
        (v for e in means if (v := CII.text(e, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"))), None
    )
    debit = DirectDebit(mandate_reference=mandate, creditor_reference=creditor_id, debited_account=debited)
    return PaymentInstructions(
        means_code=CII.text(first, "ram:TypeCode") or "",
        means_text=CII.text(first, "ram:Information"),
        remittance_information=CII.text(settlement, "ram:PaymentReference"),
        credit_transfers=tuple(transfers),
        card=(
            PaymentCard(CII.text(card, "ram:ID") or "", CII.text(card, "ram:CardholderName"))
            if card is not None
            else None
        ),
        direct_debit=debit if debit != DirectDebit() else None,
    )


def _documents(agreement: etree._Element | None):
    """(BT-18 invoiced object, BT-17 tender or lot, BG-24 supporting documents)."""
    invoiced_object = tender = None
    documents = []
    for element in CII.findall(agreement, "ram:AdditionalReferencedDocument"):
        type_code = CII.text(element, "ram:TypeCode")
        reference = CII.required(element, "ram:IssuerAssignedID", "BT-122 supporting document reference")
        if type_code == _INVOICED_OBJECT and invoiced_object is None:
            invoiced_object = Identifier(reference, CII.text(element, "ram:ReferenceTypeCode"))
            continue
        if type_code == _TENDER_OR_LOT and tender is None:
            tender = reference
            continue
        binary = CII.find(element, "ram:AttachmentBinaryObject")
        content = CII.binary(binary, ".", "BT-125 attached document")
        attachment = None
        if binary is not None and content is not None:
            attachment = Attachment(
                content, (binary.get("mimeCode") or "").strip(), (binary.get("filename") or "").strip()
            )
        documents.append(
            AdditionalDocument(
                reference=reference,
                description=CII.text(element, "ram:Name"),
                external_uri=CII.text(element, "ram:URIID"),
                attachment=attachment,
                type_code=None if type_code in (None, _SUPPORTING) else type_code,
            )
        )
    return invoiced_object, tender, tuple(documents)


def _vat(settlement: etree._Element) -> tuple[tuple[VatBreakdown, ...], str | None, object]:
    """(BG-23, BT-8 as UNTDID 2005, BT-7) from the header ``ram:ApplicableTradeTax`` elements."""
    breakdown, code, tax_point = [], None, None
    for tax in CII.findall(settlement, "ram:ApplicableTradeTax"):
        breakdown.append(
            VatBreakdown(
                category_code=CII.required(tax, "ram:CategoryCode", "BT-118 VAT category code"),
                taxable_amount=CII.required_decimal(
                    tax, "ram:BasisAmount", "BT-116 VAT category taxable amount"
                ),
                vat_amount=CII.required_decimal(
                    tax, "ram:CalculatedAmount", "BT-117 VAT category tax amount"
                ),
                rate=CII.decimal(tax, "ram:RateApplicablePercent", "BT-119 VAT category rate"),
                exemption_reason=CII.text(tax, "ram:ExemptionReason"),
                exemption_reason_code=CII.text(tax, "ram:ExemptionReasonCode"),
            )
        )
        due_code = CII.text(tax, "ram:DueDateTypeCode")
        code = code or (TAX_POINT_CODES.get(due_code, due_code) if due_code else None)
        tax_point = tax_point or CII.date(
            tax, "ram:TaxPointDate/udt:DateString", "BT-7 value added tax point date"
        )
    return tuple(breakdown), code, tax_point


def _tax_total(summation: etree._Element | None, currency: str | None) -> Decimal | None:
    for element in CII.findall(summation, "ram:TaxTotalAmount"):
        if (element.get("currencyID") or "").strip() in ("", currency):
            return CII.decimal(element, ".", "invoice total VAT amount")
    return None


def read_cii(root: etree._Element) -> Invoice:
    """Map a CII D16B ``rsm:CrossIndustryInvoice`` root to :class:`Invoice`.

    Dates in format 102 (``YYYYMMDD``); BT-110/BT-111 are the ``TaxTotalAmount`` whose
    ``currencyID`` is BT-5 / BT-6; BT-8 is translated from UNTDID 2475 to 2005
    (:data:`TAX_POINT_CODES`). Raises ValueError (one sentence) for another root, a missing term
    the model needs, or an unreadable number, date or base64 content.
    """
    if root.tag != CII_ROOT:
        raise ValueError(f"the root element {root.tag} is not a CII CrossIndustryInvoice")
    document = CII.find(root, "rsm:ExchangedDocument")
    transaction = CII.find(root, "rsm:SupplyChainTradeTransaction")
    agreement = CII.find(transaction, "ram:ApplicableHeaderTradeAgreement")
    delivery = CII.find(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = CII.find(transaction, "ram:ApplicableHeaderTradeSettlement")
    summation = CII.find(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    currency = CII.required(settlement, "ram:InvoiceCurrencyCode", "BT-5 invoice currency code")
    accounting = CII.text(settlement, "ram:TaxCurrencyCode")
    breakdown, tax_point_code, tax_point_date = _vat(settlement)
    invoiced_object, tender, documents = _documents(agreement)
    items = CII.findall(transaction, "ram:IncludedSupplyChainTradeLineItem")
    if not items:
        raise ValueError("the document has no invoice line (BG-25)")
    issue_date = CII.date(document, "ram:IssueDateTime/udt:DateTimeString", "BT-2 invoice issue date")
    if issue_date is None:
        raise ValueError("the document has no BT-2 invoice issue date")
    vat_total = _tax_total(summation, currency)
    terms = CII.findall(settlement, "ram:SpecifiedTradePaymentTerms")
    return Invoice(
        invoice_number=CII.required(document, "ram:ID", "BT-1 invoice number"),
        issue_date=issue_date,
        type_code=CII.text(document, "ram:TypeCode") or "380",
        currency_code=currency,
        seller=read_cii_party(CII.find(agreement, "ram:SellerTradeParty"), seller=True),
        buyer=read_cii_party(CII.find(agreement, "ram:BuyerTradeParty"), seller=False),
        lines=tuple(_line(item) for item in items),
        totals=DocumentTotals(
            line_net_total=CII.decimal(summation, "ram:LineTotalAmount", "BT-106") or Decimal("0"),
            total_without_vat=CII.decimal(summation, "ram:TaxBasisTotalAmount", "BT-109") or Decimal("0"),
            total_with_vat=CII.decimal(summation, "ram:GrandTotalAmount", "BT-112") or Decimal("0"),
            amount_due=CII.required_decimal(
                summation, "ram:DuePayableAmount", "BT-115 amount due for payment"
            ),
            allowance_total=CII.decimal(summation, "ram:AllowanceTotalAmount", "BT-107"),
            charge_total=CII.decimal(summation, "ram:ChargeTotalAmount", "BT-108"),
            vat_total=vat_total,
            vat_total_accounting=(
                vat_total
                if accounting == currency
                else _tax_total(summation, accounting) if accounting else None
            ),
            prepaid_amount=CII.decimal(summation, "ram:TotalPrepaidAmount", "BT-113"),
            rounding_amount=CII.decimal(summation, "ram:RoundingAmount", "BT-114"),
        ),
        vat_breakdown=breakdown,
        vat_accounting_currency_code=accounting,
        tax_point_date=tax_point_date,
        tax_point_date_code=tax_point_code,
        due_date=next(
            (
                d
                for t in terms
                if (d := CII.date(t, "ram:DueDateDateTime/udt:DateTimeString", "BT-9 payment due date"))
            ),
            None,
        ),
        buyer_reference=CII.text(agreement, "ram:BuyerReference"),
        project_reference=CII.text(agreement, "ram:SpecifiedProcuringProject/ram:ID"),
        contract_reference=CII.text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        purchase_order_reference=CII.text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        sales_order_reference=CII.text(agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"),
        receiving_advice_reference=CII.text(
            delivery, "ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID"
        ),
        despatch_advice_reference=CII.text(
            delivery, "ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID"
        ),
        tender_or_lot_reference=tender,
        invoiced_object_identifier=invoiced_object,
        buyer_accounting_reference=CII.text(
            settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"
        ),
        payment_terms="\n".join(v for t in terms for v in CII.texts(t, "ram:Description")) or None,
        notes=tuple(
            Note(text=CII.text(n, "ram:Content") or "", subject_code=CII.text(n, "ram:SubjectCode"))
            for n in CII.findall(document, "ram:IncludedNote")
            if CII.text(n, "ram:Content")
        ),
        business_process_type=CII.text(
            root, "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
        ),
        specification_identifier=CII.text(
            root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        ),
        preceding_invoices=tuple(
            PrecedingInvoice(
                reference=CII.required(e, "ram:IssuerAssignedID", "BT-25 preceding invoice reference"),
                issue_date=CII.date(
                    e, "ram:FormattedIssueDateTime/qdt:DateTimeString", "BT-26 preceding invoice issue date"
                ),
            )
            for e in CII.findall(settlement, "ram:InvoiceReferencedDocument")
        ),
        payee=read_cii_payee(CII.find(settlement, "ram:PayeeTradeParty")),
        tax_representative=read_cii_tax_representative(
            CII.find(agreement, "ram:SellerTaxRepresentativeTradeParty")
        ),
        delivery=read_cii_delivery(delivery),
        invoicing_period=_period(CII.find(settlement, "ram:BillingSpecifiedPeriod")),
        payment_instructions=_payment(settlement),
        allowances_charges=tuple(
            _allowance_charge(e, line=False)
            for e in CII.findall(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ),
        additional_documents=documents,
    )
