"""CIUS-RO rendering judged by the official artefacts: UBL 2.1 XSD, CEN EN 16931, ANAF's rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import msgspec
import pytest
from lxml import etree

from core.model import (
    Address,
    AdditionalDocument,
    Attachment,
    DirectDebit,
    Identifier,
    Note,
    Payee,
    TaxRepresentative,
)
from plugins.anaf.cius_ro import CiusRoError
from plugins.anaf.names import CAC, CBC, CIUS_RO_CUSTOMIZATION_ID, UBL_CREDIT_NOTE_ROOT, UBL_INVOICE_ROOT
from plugins.anaf.parse import parse
from plugins.anaf.xml import render_cius_ro
from tests.plugins.anaf import official
from tests.plugins.anaf.documents import credit_note, invoice_eur_with_ron_vat, invoice_several_rates

NS = {"cac": CAC, "cbc": CBC}
#: Every layer ANAF and CEN publish for UBL: CEN EN 16931, ANAF's RO rules, ANAF's full bundle (XSD always).
ALL_LAYERS = ("cen-ubl", "ro", "ro-bundle")

replace = msgspec.structs.replace


def test_artefacts_present():
    assert (
        official.available()
    ), f"official artefacts missing under {official.ARTIFACTS} (set STORNO_ARTIFACTS_DIR)"


def _valid(xml: bytes) -> None:
    failed = official.failures(xml, *ALL_LAYERS)
    assert failed == [], f"official rules failed: {failed}"


def _tree(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def test_several_rates_bucharest_buyer_exempt_line_and_line_discount():
    artefact = render_cius_ro(invoice_several_rates())
    _valid(artefact.content)
    root = _tree(artefact.content)
    assert root.tag == UBL_INVOICE_ROOT
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == CIUS_RO_CUSTOMIZATION_ID
    subtotals = root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert [
        (
            s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
            s.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS),
        )
        for s in subtotals
    ] == [
        ("S", "21"),
        ("S", "11"),
        ("Z", "0"),
        ("E", "0"),
    ]
    assert (
        subtotals[3].findtext("cac:TaxCategory/cbc:TaxExemptionReasonCode", namespaces=NS)
        == "VATEX-EU-132-1I"
    )
    line_allowance = root.find("cac:InvoiceLine/cac:AllowanceCharge", NS)
    assert line_allowance.findtext("cbc:Amount", namespaces=NS) == "150.00"
    assert line_allowance.find("cbc:Amount", NS).get("currencyID") == "RON"
    # "Sector 6" of the delivery address is written as ANAF's code list wants it (BR-RO-202)
    assert (
        root.findtext("cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CityName", namespaces=NS)
        == "SECTOR6"
    )
    assert (
        root.findtext("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CityName", namespaces=NS)
        == "SECTOR3"
    )
    assert root.findtext("cbc:Note", namespaces=NS) == "Vă mulțumim pentru colaborare."
    assert root.findall("cbc:Note", NS)[1].text == "#AAB#Penalități 0,1 %/zi de întârziere"


def test_amounts_carry_exactly_two_decimals():
    root = _tree(render_cius_ro(invoice_several_rates()).content)
    totals = root.find("cac:LegalMonetaryTotal", NS)
    assert [e.text for e in totals] == ["2332.00", "2332.00", "2635.52", "2635.52"]
    assert root.findtext("cac:InvoiceLine/cbc:InvoicedQuantity", namespaces=NS) == "10"


def test_eur_document_carries_vat_total_in_ron():
    artefact = render_cius_ro(invoice_eur_with_ron_vat())
    _valid(artefact.content)
    root = _tree(artefact.content)
    assert root.findtext("cbc:TaxCurrencyCode", namespaces=NS) == "RON"
    amounts = [(e.get("currencyID"), e.text) for e in root.findall("cac:TaxTotal/cbc:TaxAmount", NS)]
    # BT-111 = round2(273.00 EUR x 5.0794) (EN 16931 BR-53, CIUS-RO BR-RO-030)
    assert amounts == [("EUR", "273.00"), ("RON", "1386.68")]


def test_eur_document_keeps_a_given_bt_111():
    totals = replace(invoice_eur_with_ron_vat().totals, vat_total_accounting=D("1386.70"))
    root = _tree(render_cius_ro(invoice_eur_with_ron_vat(totals=totals, exchange_rate=None)).content)
    assert root.findall("cac:TaxTotal/cbc:TaxAmount", NS)[1].text == "1386.70"


def test_credit_note_381_with_preceding_invoice():
    artefact = render_cius_ro(credit_note())
    _valid(artefact.content)
    root = _tree(artefact.content)
    assert root.tag == UBL_CREDIT_NOTE_ROOT
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    assert root.find("cbc:DueDate", NS) is None
    assert root.findtext("cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS) == "2025-10-30"
    reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert (
        reference.findtext("cbc:ID", namespaces=NS),
        reference.findtext("cbc:IssueDate", namespaces=NS),
    ) == (
        "ADT 2025/0042",
        "2025-10-03",
    )
    assert root.findtext("cac:CreditNoteLine/cbc:CreditedQuantity", namespaces=NS) == "2"


@pytest.mark.parametrize("type_code", ["384", "389", "751"])
def test_other_ro_invoice_type_codes(type_code):
    document = invoice_several_rates(type_code=type_code)
    if type_code == "384":
        document = replace(document, preceding_invoices=credit_note().preceding_invoices)
    artefact = render_cius_ro(document)
    _valid(artefact.content)
    assert _tree(artefact.content).findtext("cbc:InvoiceTypeCode", namespaces=NS) == type_code


def test_parties_payment_and_attachments_map_to_ubl():
    document = invoice_several_rates(
        payee=Payee("Factoring Ardeal IFN SA", Identifier("RO55667788", "0106"), Identifier("J12/99/2010")),
        tax_representative=TaxRepresentative(
            "Reprezentant Fiscal SRL",
            "RO11223344",
            Address(line1="Str. Lipscani nr. 10", city="Sector 3", subdivision="RO-B"),
        ),
        additional_documents=(
            AdditionalDocument(
                "AVZ-118",
                "Aviz de însoțire",
                attachment=Attachment(b"%PDF-1.7 aviz", "application/pdf", "aviz-118.pdf"),
            ),
        ),
        invoiced_object_identifier=Identifier("CLJ-2025-77", "AAA"),
        project_reference="PRJ-EF-2025",
        payment_instructions=replace(
            invoice_several_rates().payment_instructions,
            direct_debit=DirectDebit("MANDAT-12", "RO98ZZZ123", "RO09BCYP0000001234567890"),
        ),
    )
    artefact = render_cius_ro(document)
    _valid(artefact.content)
    again = parse(artefact.content).document
    assert again.payee == document.payee
    assert replace(again.tax_representative, address=None) == replace(
        document.tax_representative, address=None
    )
    assert again.tax_representative.address.city == "SECTOR3"
    assert again.additional_documents == document.additional_documents
    assert again.invoiced_object_identifier == document.invoiced_object_identifier
    assert again.payment_instructions == document.payment_instructions
    assert again.project_reference == "PRJ-EF-2025"


def test_credit_note_project_reference_travels_as_document_type_50():
    artefact = render_cius_ro(credit_note(project_reference="PRJ-EF-2025", tender_or_lot_reference="LOT-2"))
    _valid(artefact.content)
    again = parse(artefact.content).document
    assert (again.project_reference, again.tender_or_lot_reference) == ("PRJ-EF-2025", "LOT-2")


def test_rendering_is_deterministic_utf8_with_declaration_and_safe_filename():
    first = render_cius_ro(invoice_several_rates())
    second = render_cius_ro(invoice_several_rates())
    assert first.content == second.content
    assert first.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert (first.media_type, first.dialect, first.filename) == (
        "application/xml",
        "cius-ro",
        "ADT_2025_0042.xml",
    )
    assert render_cius_ro(invoice_several_rates(invoice_number="../../etc/x 1")).filename == "etc_x_1.xml"


def test_missing_terms_are_listed_by_bt_number_and_name():
    document = invoice_several_rates(
        seller=replace(
            invoice_several_rates().seller, address=Address(line1="Str. Memorandumului 28", country_code="RO")
        ),
        buyer=replace(
            invoice_several_rates().buyer,
            address=Address(city="SECTOR3", subdivision="RO-B", country_code=""),
        ),
    )
    with pytest.raises(ValueError) as caught:
        render_cius_ro(document)
    message = str(caught.value)
    assert message.startswith("cannot render as CIUS-RO: missing ")
    for expected in (
        "BT-37 seller city (BR-RO-091)",
        "BT-39 seller country subdivision (BR-RO-110)",
        "BT-50 buyer address line 1 (BR-RO-082)",
        "BT-55 buyer country code (BR-11)",
    ):
        assert expected in message
    assert isinstance(caught.value, CiusRoError)
    assert {p.term for p in caught.value.problems} == {"BT-37", "BT-39", "BT-50", "BT-55"}


def test_foreign_currency_without_ron_accounting_currency_is_refused():
    with pytest.raises(ValueError, match=r"missing BT-6 VAT accounting currency code .*\(BR-RO-030\)"):
        render_cius_ro(invoice_eur_with_ron_vat(vat_accounting_currency_code=None))
    with pytest.raises(ValueError, match=r"missing BT-111 .*\(BR-53\)"):
        render_cius_ro(invoice_eur_with_ron_vat(exchange_rate=None))


def test_values_ro_rules_reject_are_listed_as_invalid():
    seller = replace(
        invoice_several_rates().seller,
        address=replace(invoice_several_rates().seller.address, subdivision="Cluj"),
    )
    buyer = replace(
        invoice_several_rates().buyer,
        address=replace(invoice_several_rates().buyer.address, city="București"),
    )
    document = invoice_several_rates(invoice_number="FACTURA", type_code="396", seller=seller, buyer=buyer)
    with pytest.raises(ValueError) as caught:
        render_cius_ro(document)
    rules = {p.rule for p in caught.value.problems}
    assert {"BR-RO-010", "BR-RO-020", "BR-RO-110", "BR-RO-101"} <= rules
    assert "invalid BT-1 invoice number: 'FACTURA' has no digit (BR-RO-010)" in str(caught.value)


def test_character_limits_are_checked():
    notes = (Note("Vă mulțumim."), Note("x" * 301))
    with pytest.raises(ValueError, match=r"BT-22 invoice note: 301 characters, at most 300 \(BR-RO-L302\)"):
        render_cius_ro(invoice_several_rates(notes=notes))


def test_amount_with_more_than_two_decimals_is_refused():
    totals = replace(invoice_several_rates().totals, amount_due=D("2635.515"))
    with pytest.raises(ValueError, match="BT-115"):
        render_cius_ro(invoice_several_rates(totals=totals))


def test_due_date_written_once_in_an_invoice():
    root = _tree(render_cius_ro(invoice_several_rates(due_date=dt.date(2025, 11, 2))).content)
    assert root.findtext("cbc:DueDate", namespaces=NS) == "2025-11-02"
    assert root.find("cac:PaymentMeans/cbc:PaymentDueDate", NS) is None
