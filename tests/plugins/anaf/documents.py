"""Realistic Romanian documents as canonical-model literals, for the ANAF plugin tests.

Totals are worked out by hand as EN 16931 defines them (BR-CO-10..16, BR-CO-17 per VAT rate),
so the official rules can judge the rendered XML without any help from the code under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import msgspec

from core.model import (
    Address,
    AllowanceCharge,
    Contact,
    CreditTransfer,
    Delivery,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    ItemAttribute,
    Note,
    Party,
    PaymentInstructions,
    Period,
    PrecedingInvoice,
    VatBreakdown,
)

SELLER = Party(
    name="Atelier Digital Transilvania SRL",
    address=Address(
        line1="Str. Memorandumului nr. 28",
        line2="Etaj 3, ap. 12",
        city="Cluj-Napoca",
        postal_code="400114",
        subdivision="RO-CJ",
        country_code="RO",
    ),
    trading_name="Atelier Digital",
    legal_registration_id=Identifier("J12/3456/2015"),
    vat_identifier="RO35123456",
    additional_legal_info="Capital social 200 RON",
    electronic_address=Identifier("facturi@atelierdigital.ro", "EM"),
    contact=Contact(name="Ioana Pop", telephone="+40 264 555 010", email="ioana.pop@atelierdigital.ro"),
)

BUYER_BUCHAREST = Party(
    name="Librăria Cărturești Distribuție SA",
    address=Address(
        line1="Bd. Unirii nr. 15",
        line2="Bl. 7B, sc. 2",
        city="SECTOR3",
        postal_code="030167",
        subdivision="RO-B",
        country_code="RO",
    ),
    legal_registration_id=Identifier("J40/1234/2001"),
    vat_identifier="RO14567890",
    contact=Contact(name="Mihai Ionescu", email="achizitii@carturesti-distributie.ro"),
)

BUYER_TIMISOARA = Party(
    name="Banat Logistic SRL",
    address=Address(
        line1="Calea Aradului nr. 56", city="Timișoara", postal_code="300291", subdivision="RO-TM"
    ),
    vat_identifier="RO22334455",
)

TRANSFER = PaymentInstructions(
    means_code="30",
    means_text="Transfer bancar",
    remittance_information="FA-2025-0042",
    credit_transfers=(
        CreditTransfer("RO49AAAA1B31007593840000", "Atelier Digital Transilvania SRL", "AAAARO22"),
    ),
)


def invoice_several_rates(**changes) -> Invoice:
    """380 in RON: S 21 % with a 10 % line discount, S 11 %, Z 0 % and an exempt (E) line."""
    lines = (
        InvoiceLine(
            line_id="1",
            quantity=D("10"),
            unit_code="HUR",
            net_amount=D("1350.00"),
            net_price=D("150.00"),
            item_name="Consultanță implementare e-Factura",
            vat_category_code="S",
            vat_rate=D("21"),
            allowances_charges=(
                AllowanceCharge(
                    charge_indicator=False,
                    amount=D("150.00"),
                    base_amount=D("1500.00"),
                    percentage=D("10"),
                    reason="Discount fidelitate",
                    reason_code="95",
                ),
            ),
            period=Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
            seller_item_id="CONS-EF",
            classifications=(Identifier("72224000-1", "STI"),),
        ),
        InvoiceLine(
            line_id="2",
            quantity=D("4"),
            unit_code="H87",
            net_amount=D("182.00"),
            net_price=D("45.50"),
            item_name="Ghidul facturii electronice (carte)",
            vat_category_code="S",
            vat_rate=D("11"),
            gross_price=D("50.00"),
            price_discount=D("4.50"),
            standard_item_id=Identifier("9786060000001", "0160"),
            attributes=(ItemAttribute("Format", "Paperback"),),
        ),
        InvoiceLine(
            line_id="3",
            quantity=D("1"),
            unit_code="C62",
            net_amount=D("300.00"),
            net_price=D("300.00"),
            item_name="Transport internațional de bunuri",
            vat_category_code="Z",
            vat_rate=D("0"),
        ),
        InvoiceLine(
            line_id="4",
            quantity=D("1"),
            unit_code="C62",
            net_amount=D("500.00"),
            net_price=D("500.00"),
            item_name="Curs de formare profesională",
            vat_category_code="E",
            vat_rate=D("0"),
            note="Curs acreditat ANC",
        ),
    )
    document = Invoice(
        invoice_number="ADT 2025/0042",
        issue_date=dt.date(2025, 10, 3),
        type_code="380",
        currency_code="RON",
        seller=SELLER,
        buyer=BUYER_BUCHAREST,
        lines=lines,
        totals=DocumentTotals(
            line_net_total=D("2332.00"),
            total_without_vat=D("2332.00"),
            vat_total=D("303.52"),
            total_with_vat=D("2635.52"),
            amount_due=D("2635.52"),
        ),
        vat_breakdown=(
            VatBreakdown("S", D("1350.00"), D("283.50"), D("21")),
            VatBreakdown("S", D("182.00"), D("20.02"), D("11")),
            VatBreakdown("Z", D("300.00"), D("0.00"), D("0")),
            VatBreakdown(
                "E",
                D("500.00"),
                D("0.00"),
                D("0"),
                exemption_reason="Scutit cf. art. 292 alin. (1) lit. f) Cod fiscal",
                exemption_reason_code="VATEX-EU-132-1I",
            ),
        ),
        due_date=dt.date(2025, 11, 2),
        buyer_reference="CMD-7781",
        purchase_order_reference="PO-2025-118",
        contract_reference="CTR 12/2024",
        payment_terms="Plata în 30 de zile de la emitere",
        notes=(Note("Vă mulțumim pentru colaborare."), Note("Penalități 0,1 %/zi de întârziere", "AAB")),
        delivery=Delivery(
            party_name="Depozit Cărturești",
            actual_delivery_date=dt.date(2025, 10, 2),
            address=Address(
                line1="Str. Fabricii nr. 4", city="Sector 6", subdivision="RO-B", country_code="RO"
            ),
        ),
        invoicing_period=Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
        payment_instructions=TRANSFER,
    )
    return msgspec.structs.replace(document, **changes)


def invoice_eur_with_ron_vat(**changes) -> Invoice:
    """380 in EUR with BT-6 RON and an exchange rate (BT-111 computed), plus a document level charge."""
    document = Invoice(
        invoice_number="ADT-EUR-0007",
        issue_date=dt.date(2025, 10, 6),
        type_code="380",
        currency_code="EUR",
        vat_accounting_currency_code="RON",
        exchange_rate=D("5.0794"),
        seller=SELLER,
        buyer=BUYER_TIMISOARA,
        lines=(
            InvoiceLine(
                line_id="1",
                quantity=D("2.5"),
                unit_code="DAY",
                net_amount=D("1000.00"),
                net_price=D("400.00"),
                item_name="Audit conformitate CIUS-RO",
                vat_category_code="S",
                vat_rate=D("21"),
            ),
            InvoiceLine(
                line_id="2",
                quantity=D("12"),
                unit_code="MON",
                net_amount=D("240.00"),
                net_price=D("20.00"),
                item_name="Abonament găzduire",
                vat_category_code="S",
                vat_rate=D("21"),
            ),
        ),
        allowances_charges=(
            AllowanceCharge(
                charge_indicator=True,
                amount=D("60.00"),
                vat_category_code="S",
                vat_rate=D("21"),
                reason="Deplasare",
                reason_code="FC",
            ),
        ),
        totals=DocumentTotals(
            line_net_total=D("1240.00"),
            charge_total=D("60.00"),
            total_without_vat=D("1300.00"),
            vat_total=D("273.00"),
            total_with_vat=D("1573.00"),
            amount_due=D("1573.00"),
        ),
        vat_breakdown=(VatBreakdown("S", D("1300.00"), D("273.00"), D("21")),),
        due_date=dt.date(2025, 10, 20),
        notes=(Note("Curs BNR 5,0794 RON/EUR din 03.10.2025"),),
        payment_instructions=TRANSFER,
    )
    return msgspec.structs.replace(document, **changes)


def credit_note(**changes) -> Invoice:
    """381 crediting part of invoice ADT 2025/0042 (BG-3), with BT-9 and a bank transfer."""
    document = Invoice(
        invoice_number="ADT-CN 2025/0003",
        issue_date=dt.date(2025, 10, 15),
        type_code="381",
        currency_code="RON",
        seller=SELLER,
        buyer=BUYER_BUCHAREST,
        lines=(
            InvoiceLine(
                line_id="1",
                quantity=D("2"),
                unit_code="H87",
                net_amount=D("91.00"),
                net_price=D("45.50"),
                item_name="Ghidul facturii electronice (carte) - retur",
                vat_category_code="S",
                vat_rate=D("11"),
            ),
        ),
        totals=DocumentTotals(
            line_net_total=D("91.00"),
            total_without_vat=D("91.00"),
            vat_total=D("10.01"),
            total_with_vat=D("101.01"),
            amount_due=D("101.01"),
        ),
        vat_breakdown=(VatBreakdown("S", D("91.00"), D("10.01"), D("11")),),
        due_date=dt.date(2025, 10, 30),
        preceding_invoices=(PrecedingInvoice("ADT 2025/0042", dt.date(2025, 10, 3)),),
        notes=(Note("Retur 2 exemplare deteriorate"),),
        payment_instructions=TRANSFER,
    )
    return msgspec.structs.replace(document, **changes)
