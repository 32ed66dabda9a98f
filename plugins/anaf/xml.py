"""Render the canonical EN 16931 document as CIUS-RO UBL 2.1 (``Invoice`` or ``CreditNote``).

:func:`render_cius_ro` is what the plugin's ``storno_render`` hook answers for dialect
``cius-ro``: it checks what ANAF's CIUS-RO 1.0.1 rules require (:mod:`plugins.anaf.cius_ro`) and
writes the document skeleton in the element order of the OASIS UBL 2.1 schemas, delegating
parties to :mod:`plugins.anaf.ubl_parties` and amounts/lines to :mod:`plugins.anaf.ubl_lines`.
"""

from __future__ import annotations

import base64
import re

from lxml import etree

from core.model import Invoice
from core.views import RenderedArtefact
from plugins.anaf.cius_ro import prepare_cius_ro
from plugins.anaf.names import CAC, CBC, CIUS_RO_CUSTOMIZATION_ID, UBL_CREDIT_NOTE, UBL_INVOICE
from plugins.anaf.ubl_lines import write_allowance_charge, write_line, write_monetary_total, write_tax_totals
from plugins.anaf.ubl_parties import (
    write_buyer,
    write_delivery,
    write_payee,
    write_seller,
    write_tax_representative,
)
from plugins.anaf.ubl_write import add, date_text, opt

__all__ = ["DIALECT", "MEDIA_TYPE", "render_cius_ro", "render_ubl"]

DIALECT = "cius-ro"
MEDIA_TYPE = "application/xml"
#: UNTDID 1001 code of documents that reference an invoiced object (BT-18) / a project (BT-11 in a CreditNote).
INVOICED_OBJECT_TYPE = "130"
PROJECT_REFERENCE_TYPE = "50"
#: NetworkID is mandatory in UBL's CardAccount but not an EN 16931 term: "not applicable".
CARD_NETWORK_UNKNOWN = "NA"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def render_cius_ro(document: Invoice) -> RenderedArtefact:
    """Render ``document`` as a CIUS-RO UBL 2.1 file ready for ANAF's ``/upload``.

    BT-3 380/384/389/751 gives a UBL ``Invoice``; 381 (and only 381, CIUS-RO BR-RO-020) gives a
    ``CreditNote`` whose BT-9 goes to ``PaymentMeans/PaymentDueDate``. BT-24 is always
    ``urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1`` (BR-RO-001).
    Amounts are written with exactly 2 decimals in BT-5 (``currencyID``), BT-111 in BT-6.

    Returns a :class:`RenderedArtefact` (UTF-8 bytes with XML declaration, ``application/xml``,
    ``<BT-1 sanitised>.xml``, dialect ``cius-ro``); the same document always gives the same bytes.
    Raises :class:`plugins.anaf.cius_ro.CiusRoError` (a ``ValueError``) listing the business terms
    that are missing or break a CIUS-RO rule, e.g. ``cannot render as CIUS-RO: missing BT-52
    buyer city (BR-RO-092)``; ``ValueError`` when an amount has more than 2 decimals.
    """
    prepared = prepare_cius_ro(document)
    content = render_ubl(prepared, customization_id=CIUS_RO_CUSTOMIZATION_ID)
    return RenderedArtefact(
        content=content, media_type=MEDIA_TYPE, filename=_filename(document), dialect=DIALECT
    )


def _filename(document: Invoice) -> str:
    stem = _UNSAFE_FILENAME.sub("_", document.invoice_number).strip("._-")[:120]
    return f"{stem or 'invoice'}.xml"


def render_ubl(document: Invoice, *, customization_id: str) -> bytes:
    """Write ``document`` in the EN 16931 UBL 2.1 binding with BT-24 ``customization_id``, unchecked.

    No CIUS-RO requirement is checked here (use :func:`render_cius_ro`); the output follows the
    UBL 2.1 XSD element order for ``Invoice`` or, when ``document.is_credit_note``, ``CreditNote``.
    Returns UTF-8 bytes with an XML declaration. Raises ValueError for amounts with more than 2
    decimals (EN 16931 BR-DEC).
    """
    credit_note = document.is_credit_note
    namespace = UBL_CREDIT_NOTE if credit_note else UBL_INVOICE
    local = "CreditNote" if credit_note else "Invoice"
    root = etree.Element(f"{{{namespace}}}{local}", nsmap={None: namespace, "cac": CAC, "cbc": CBC})
    currency = document.currency_code

    add(root, "cbc:UBLVersionID", "2.1")
    add(root, "cbc:CustomizationID", customization_id)
    opt(root, "cbc:ProfileID", document.business_process_type)
    add(root, "cbc:ID", document.invoice_number)
    add(root, "cbc:IssueDate", date_text(document.issue_date))
    if credit_note:
        opt(root, "cbc:TaxPointDate", date_text(document.tax_point_date))
        add(root, "cbc:CreditNoteTypeCode", document.type_code)
    else:
        opt(root, "cbc:DueDate", date_text(document.due_date))
        add(root, "cbc:InvoiceTypeCode", document.type_code)
    for note in document.notes:
        add(root, "cbc:Note", f"#{note.subject_code}#{note.text}" if note.subject_code else note.text)
    if not credit_note:
        opt(root, "cbc:TaxPointDate", date_text(document.tax_point_date))
    add(root, "cbc:DocumentCurrencyCode", currency)
    opt(root, "cbc:TaxCurrencyCode", document.vat_accounting_currency_code)
    opt(root, "cbc:AccountingCost", document.buyer_accounting_reference)
    opt(root, "cbc:BuyerReference", document.buyer_reference)
    _write_references(root, document, credit_note=credit_note)
    _write_parties(root, document)
    _write_payment(root, document, credit_note=credit_note)
    for item in document.allowances_charges:
        write_allowance_charge(root, item, currency, line=False)
    write_tax_totals(
        root, document.vat_breakdown, document.totals, currency, document.vat_accounting_currency_code
    )
    write_monetary_total(root, document.totals, currency)
    for line in document.lines:
        write_line(root, line, currency, credit_note=credit_note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_references(root: etree._Element, document: Invoice, *, credit_note: bool) -> None:
    """BG-14, BT-13/14, BG-3, BT-16, BT-15, BT-17, BT-12, BG-24 with BT-18 (and BT-11), in XSD order."""
    period = document.invoicing_period
    description_code = document.tax_point_date_code or (period.description_code if period else None)
    if (period is not None and (period.start_date or period.end_date)) or description_code:
        element = add(root, "cac:InvoicePeriod")
        if period is not None:
            opt(element, "cbc:StartDate", date_text(period.start_date))
            opt(element, "cbc:EndDate", date_text(period.end_date))
        opt(element, "cbc:DescriptionCode", description_code)
    if document.purchase_order_reference or document.sales_order_reference:
        order = add(root, "cac:OrderReference")
        add(order, "cbc:ID", document.purchase_order_reference or "NA")  # UBL requires the ID
        opt(order, "cbc:SalesOrderID", document.sales_order_reference)
    for preceding in document.preceding_invoices:
        reference = add(add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        add(reference, "cbc:ID", preceding.reference)
        opt(reference, "cbc:IssueDate", date_text(preceding.issue_date))

    def single(name: str, value: str | None) -> None:
        if value:
            add(add(root, name), "cbc:ID", value)

    single("cac:DespatchDocumentReference", document.despatch_advice_reference)
    single("cac:ReceiptDocumentReference", document.receiving_advice_reference)
    if not credit_note:
        single("cac:OriginatorDocumentReference", document.tender_or_lot_reference)
    single("cac:ContractDocumentReference", document.contract_reference)
    if document.invoiced_object_identifier is not None:
        obj = document.invoiced_object_identifier
        reference = add(root, "cac:AdditionalDocumentReference")
        add(reference, "cbc:ID", obj.value, schemeID=obj.scheme_id)
        add(reference, "cbc:DocumentTypeCode", INVOICED_OBJECT_TYPE)
    for doc in document.additional_documents:
        reference = add(root, "cac:AdditionalDocumentReference")
        add(reference, "cbc:ID", doc.reference)
        opt(reference, "cbc:DocumentTypeCode", doc.type_code)
        opt(reference, "cbc:DocumentDescription", doc.description)
        if doc.attachment is not None or doc.external_uri:
            attachment = add(reference, "cac:Attachment")
            if doc.attachment is not None:
                add(
                    attachment,
                    "cbc:EmbeddedDocumentBinaryObject",
                    base64.b64encode(doc.attachment.content).decode("ascii"),
                    mimeCode=doc.attachment.mime_code,
                    filename=doc.attachment.filename,
                )
            if doc.external_uri:
                add(add(attachment, "cac:ExternalReference"), "cbc:URI", doc.external_uri)
    if credit_note:
        if document.project_reference:  # UBL CreditNote has no ProjectReference (EN 16931 UBL binding)
            reference = add(root, "cac:AdditionalDocumentReference")
            add(reference, "cbc:ID", document.project_reference)
            add(reference, "cbc:DocumentTypeCode", PROJECT_REFERENCE_TYPE)
        single("cac:OriginatorDocumentReference", document.tender_or_lot_reference)
    else:
        single("cac:ProjectReference", document.project_reference)


def _write_parties(root: etree._Element, document: Invoice) -> None:
    """BG-4 seller, BG-7 buyer, BG-10 payee, BG-11 tax representative, BG-13 delivery."""
    debit = document.payment_instructions.direct_debit if document.payment_instructions else None
    creditor_id = debit.creditor_reference if debit is not None else None
    write_seller(root, document.seller, creditor_id=None if document.payee else creditor_id)
    write_buyer(root, document.buyer)
    if document.payee is not None:
        write_payee(root, document.payee, creditor_id=creditor_id)
    if document.tax_representative is not None:
        write_tax_representative(root, document.tax_representative)
    if document.delivery is not None:
        write_delivery(root, document.delivery)


def _write_payment(root: etree._Element, document: Invoice, *, credit_note: bool) -> None:
    """BG-16 as one ``cac:PaymentMeans`` per credit transfer account (BG-17), then BT-20 payment terms.

    The card (BG-18) and the mandate (BG-19) go on the first PaymentMeans (UBL-SR-54/55 allow one
    each). A CreditNote has no DueDate, so BT-9 goes to each ``PaymentMeans/PaymentDueDate``.
    """
    instructions = document.payment_instructions
    if instructions is not None:
        for index, transfer in enumerate(instructions.credit_transfers or (None,)):
            means = add(root, "cac:PaymentMeans")
            means_text = instructions.means_text if index == 0 else None  # UBL-SR-46: BT-82 once
            add(means, "cbc:PaymentMeansCode", instructions.means_code, name=means_text)
            if credit_note:
                opt(means, "cbc:PaymentDueDate", date_text(document.due_date))
            opt(means, "cbc:PaymentID", instructions.remittance_information)
            if index == 0 and instructions.card is not None:
                card = add(means, "cac:CardAccount")
                add(card, "cbc:PrimaryAccountNumberID", instructions.card.primary_account_number)
                add(card, "cbc:NetworkID", CARD_NETWORK_UNKNOWN)
                opt(card, "cbc:HolderName", instructions.card.holder_name)
            if transfer is not None:
                account = add(means, "cac:PayeeFinancialAccount")
                add(account, "cbc:ID", transfer.account_id)
                opt(account, "cbc:Name", transfer.account_name)
                if transfer.service_provider_id:
                    add(
                        add(account, "cac:FinancialInstitutionBranch"), "cbc:ID", transfer.service_provider_id
                    )
            debit = instructions.direct_debit
            if index == 0 and debit is not None and (debit.mandate_reference or debit.debited_account):
                mandate = add(means, "cac:PaymentMandate")
                opt(mandate, "cbc:ID", debit.mandate_reference)
                if debit.debited_account:
                    add(add(mandate, "cac:PayerFinancialAccount"), "cbc:ID", debit.debited_account)
    if document.payment_terms:
        add(add(root, "cac:PaymentTerms"), "cbc:Note", document.payment_terms)
