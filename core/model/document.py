"""The canonical EN 16931 document.

Every invoice or credit note the appliance holds — outgoing or incoming, from any country — is one
:class:`Invoice`. Dialects (CIUS-RO UBL, XRechnung, FatturaPA, FA(3), Factur-X CII) are mappings of
this model, written by the provider plugins.

Field names follow the EN 16931-1 semantic model; the comment after each field gives the business
term (BT-n) or group (BG-n). Conventions:

- Amounts are :class:`decimal.Decimal` in the document currency (BT-5) unless the comment says
  otherwise; line and document totals carry 2 decimals, prices and quantities may carry more.
- Dates are :class:`datetime.date` (calendar dates, no time zone: EN 16931 has none).
- Code values use the code lists EN 16931 names (UNTDID 1001 for BT-3, UNTDID 5305 for VAT
  categories, UN/ECE Rec 20/21 for units, ISO 4217 for currencies, ISO 3166-1 alpha-2 countries).

All structs are frozen: plugins receive them as read-only views.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

__all__ = [
    "AdditionalDocument",
    "Address",
    "AllowanceCharge",
    "Attachment",
    "Contact",
    "CREDIT_NOTE_TYPE_CODES",
    "CreditTransfer",
    "Delivery",
    "DocumentTotals",
    "Identifier",
    "Invoice",
    "InvoiceLine",
    "ItemAttribute",
    "Note",
    "Party",
    "Payee",
    "PaymentCard",
    "DirectDebit",
    "PaymentInstructions",
    "Period",
    "PrecedingInvoice",
    "TaxRepresentative",
    "VatBreakdown",
]

#: UNTDID 1001 codes that EN 16931 treats as credit notes (rendered as a UBL ``CreditNote``).
CREDIT_NOTE_TYPE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})


class Identifier(msgspec.Struct, frozen=True, omit_defaults=True):
    """An identifier with its optional identification scheme (ISO 6523 ICD, EAS, ...)."""

    value: str
    scheme_id: str | None = None
    scheme_version_id: str | None = None  # BT-158-2 (item classification scheme version), else unused


class Address(msgspec.Struct, frozen=True, omit_defaults=True):
    """A postal address: BG-5 (seller), BG-8 (buyer), BG-12 (tax representative), BG-15 (deliver to)."""

    line1: str | None = None  # BT-35 / BT-50 / BT-64 / BT-75
    line2: str | None = None  # BT-36 / BT-51 / BT-65 / BT-76
    line3: str | None = None  # BT-162 / BT-163 / BT-164 / BT-165
    city: str | None = None  # BT-37 / BT-52 / BT-66 / BT-77
    postal_code: str | None = None  # BT-38 / BT-53 / BT-67 / BT-78
    subdivision: str | None = None  # BT-39 / BT-54 / BT-68 / BT-79 (CIUS-RO: ISO 3166-2:RO, e.g. RO-B)
    country_code: str = "RO"  # BT-40 / BT-55 / BT-69 / BT-80


class Contact(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-6 seller contact / BG-9 buyer contact."""

    name: str | None = None  # BT-41 / BT-56
    telephone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


class Party(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-4 seller or BG-7 buyer."""

    name: str  # BT-27 / BT-44
    address: Address = Address()  # BG-5 / BG-8
    trading_name: str | None = None  # BT-28 / BT-45
    identifiers: tuple[Identifier, ...] = ()  # BT-29 / BT-46
    legal_registration_id: Identifier | None = None  # BT-30 / BT-47
    vat_identifier: str | None = None  # BT-31 / BT-48 (with country prefix, e.g. RO1234567)
    tax_registration_id: str | None = None  # BT-32 (seller only; CIUS-RO: CIF of a non-VAT payer)
    additional_legal_info: str | None = None  # BT-33 (seller only)
    electronic_address: Identifier | None = None  # BT-34 / BT-49
    contact: Contact | None = None  # BG-6 / BG-9


class Payee(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-10 payee, when different from the seller."""

    name: str  # BT-59
    identifier: Identifier | None = None  # BT-60
    legal_registration_id: Identifier | None = None  # BT-61


class TaxRepresentative(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-11 seller tax representative party."""

    name: str  # BT-62
    vat_identifier: str  # BT-63
    address: Address = Address()  # BG-12


class Period(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-14 invoicing period / BG-26 invoice line period."""

    start_date: dt.date | None = None  # BT-73 / BT-134
    end_date: dt.date | None = None  # BT-74 / BT-135
    description_code: str | None = None  # BT-8 (UNTDID 2005: 3, 35, 432) carried with the period in UBL


class Delivery(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-13 delivery information."""

    party_name: str | None = None  # BT-70
    location_id: Identifier | None = None  # BT-71
    actual_delivery_date: dt.date | None = None  # BT-72
    address: Address | None = None  # BG-15


class CreditTransfer(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-17 credit transfer."""

    account_id: str  # BT-84 (IBAN)
    account_name: str | None = None  # BT-85
    service_provider_id: str | None = None  # BT-86 (BIC)


class PaymentCard(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-18 payment card information."""

    primary_account_number: str  # BT-87 (last digits only)
    holder_name: str | None = None  # BT-88


class DirectDebit(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-19 direct debit."""

    mandate_reference: str | None = None  # BT-89
    creditor_reference: str | None = None  # BT-90
    debited_account: str | None = None  # BT-91


class PaymentInstructions(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-16 payment instructions."""

    means_code: str  # BT-81 (UNTDID 4461: 30 credit transfer, 58 SEPA, 10 cash, 48 card, ...)
    means_text: str | None = None  # BT-82
    remittance_information: str | None = None  # BT-83
    credit_transfers: tuple[CreditTransfer, ...] = ()  # BG-17
    card: PaymentCard | None = None  # BG-18
    direct_debit: DirectDebit | None = None  # BG-19


class AllowanceCharge(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-20/BG-21 document level and BG-27/BG-28 line level allowances and charges."""

    charge_indicator: bool  # False: allowance (BG-20/27), True: charge (BG-21/28)
    amount: Decimal  # BT-92 / BT-99 / BT-136 / BT-141
    base_amount: Decimal | None = None  # BT-93 / BT-100 / BT-137 / BT-142
    percentage: Decimal | None = None  # BT-94 / BT-101 / BT-138 / BT-143
    vat_category_code: str | None = None  # BT-95 / BT-102 (document level only)
    vat_rate: Decimal | None = None  # BT-96 / BT-103 (document level only)
    reason: str | None = None  # BT-97 / BT-104 / BT-139 / BT-144
    reason_code: str | None = None  # BT-98 / BT-105 / BT-140 / BT-145 (UNTDID 5189 / 7161)


class DocumentTotals(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-22 document totals (EN 16931 BR-CO-10 .. BR-CO-16)."""

    line_net_total: Decimal  # BT-106 = sum of BT-131
    total_without_vat: Decimal  # BT-109 = BT-106 - BT-107 + BT-108
    total_with_vat: Decimal  # BT-112 = BT-109 + BT-110
    amount_due: Decimal  # BT-115 = BT-112 - BT-113 + BT-114
    allowance_total: Decimal | None = None  # BT-107
    charge_total: Decimal | None = None  # BT-108
    vat_total: Decimal | None = None  # BT-110 (document currency)
    vat_total_accounting: Decimal | None = None  # BT-111 (in BT-6, e.g. RON)
    prepaid_amount: Decimal | None = None  # BT-113
    rounding_amount: Decimal | None = None  # BT-114


class VatBreakdown(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-23 VAT breakdown, one per VAT category and rate."""

    category_code: str  # BT-118 (UNTDID 5305: S, Z, E, AE, K, G, O, L, M)
    taxable_amount: Decimal  # BT-116
    vat_amount: Decimal  # BT-117
    rate: Decimal | None = None  # BT-119 (percent; absent for category O)
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121 (VATEX)


class Attachment(msgspec.Struct, frozen=True, omit_defaults=True):
    """BT-125 attached document (binary object with its MIME code and file name)."""

    content: bytes
    mime_code: str
    filename: str


class AdditionalDocument(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-24 additional supporting documents (and BT-18 invoiced object, type code 130)."""

    reference: str  # BT-122
    description: str | None = None  # BT-123
    external_uri: str | None = None  # BT-124
    attachment: Attachment | None = None  # BT-125
    type_code: str | None = None  # UBL DocumentTypeCode (130 = invoiced object identifier BT-18)


class PrecedingInvoice(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-3 preceding invoice reference (credit notes and storno invoices point at their source)."""

    reference: str  # BT-25
    issue_date: dt.date | None = None  # BT-26


class Note(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-1 invoice note."""

    text: str  # BT-22
    subject_code: str | None = None  # BT-21 (UNTDID 4451)


class ItemAttribute(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-32 item attribute."""

    name: str  # BT-160
    value: str  # BT-161


class InvoiceLine(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-25 invoice line with its price (BG-29), VAT (BG-30) and item (BG-31) information."""

    line_id: str  # BT-126
    quantity: Decimal  # BT-129 (negative on storno lines)
    unit_code: str  # BT-130 (UN/ECE Rec 20/21, e.g. H87 piece, C62 one, HUR hour)
    net_amount: Decimal  # BT-131 = quantity * net price / base quantity - allowances + charges
    net_price: Decimal  # BT-146
    item_name: str  # BT-153
    vat_category_code: str  # BT-151
    vat_rate: Decimal | None = None  # BT-152 (percent)
    note: str | None = None  # BT-127
    object_identifier: Identifier | None = None  # BT-128
    order_line_reference: str | None = None  # BT-132
    buyer_accounting_reference: str | None = None  # BT-133
    period: Period | None = None  # BG-26
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # BG-27 / BG-28
    price_discount: Decimal | None = None  # BT-147
    gross_price: Decimal | None = None  # BT-148
    base_quantity: Decimal | None = None  # BT-149
    base_quantity_unit_code: str | None = None  # BT-150
    item_description: str | None = None  # BT-154
    seller_item_id: str | None = None  # BT-155
    buyer_item_id: str | None = None  # BT-156
    standard_item_id: Identifier | None = None  # BT-157
    classifications: tuple[Identifier, ...] = ()  # BT-158 (scheme = UNTDID 7143 list id, e.g. STI, CPV)
    origin_country: str | None = None  # BT-159
    attributes: tuple[ItemAttribute, ...] = ()  # BG-32


class Invoice(msgspec.Struct, frozen=True, omit_defaults=True):
    """BG-0 the invoice (or credit note, by BT-3) as EN 16931 defines it.

    ``extensions`` holds per-dialect data that EN 16931 lacks, keyed by the owning plugin's
    provider code (e.g. ``{"sdi": {...}}``); the core never reads it.
    """

    invoice_number: str  # BT-1
    issue_date: dt.date  # BT-2
    type_code: str  # BT-3 (UNTDID 1001: 380 invoice, 381 credit note, 384 corrected, 389 self-billed, 751)
    currency_code: str  # BT-5 (ISO 4217)
    seller: Party  # BG-4
    buyer: Party  # BG-7
    lines: tuple[InvoiceLine, ...]  # BG-25
    totals: DocumentTotals  # BG-22
    vat_breakdown: tuple[VatBreakdown, ...]  # BG-23
    vat_accounting_currency_code: str | None = None  # BT-6 (CIUS-RO: RON when BT-5 is not RON)
    tax_point_date: dt.date | None = None  # BT-7
    tax_point_date_code: str | None = None  # BT-8 (UNTDID 2005)
    due_date: dt.date | None = None  # BT-9
    buyer_reference: str | None = None  # BT-10
    project_reference: str | None = None  # BT-11
    contract_reference: str | None = None  # BT-12
    purchase_order_reference: str | None = None  # BT-13
    sales_order_reference: str | None = None  # BT-14
    receiving_advice_reference: str | None = None  # BT-15
    despatch_advice_reference: str | None = None  # BT-16
    tender_or_lot_reference: str | None = None  # BT-17
    invoiced_object_identifier: Identifier | None = None  # BT-18
    buyer_accounting_reference: str | None = None  # BT-19
    payment_terms: str | None = None  # BT-20
    notes: tuple[Note, ...] = ()  # BG-1
    business_process_type: str | None = None  # BT-23
    specification_identifier: str | None = None  # BT-24 (CustomizationID); the dialect sets its own
    preceding_invoices: tuple[PrecedingInvoice, ...] = ()  # BG-3
    payee: Payee | None = None  # BG-10
    tax_representative: TaxRepresentative | None = None  # BG-11
    delivery: Delivery | None = None  # BG-13
    invoicing_period: Period | None = None  # BG-14
    payment_instructions: PaymentInstructions | None = None  # BG-16
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # BG-20 / BG-21
    additional_documents: tuple[AdditionalDocument, ...] = ()  # BG-24
    exchange_rate: Decimal | None = None  # not an EN 16931 term: BT-5 -> BT-6 rate used for BT-111
    extensions: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def is_credit_note(self) -> bool:
        """True when BT-3 is a credit-note type code (rendered as UBL ``CreditNote``)."""
        return self.type_code in CREDIT_NOTE_TYPE_CODES
