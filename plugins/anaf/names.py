"""Namespaces, root names and identifiers of the syntaxes the ANAF plugin reads and writes.

UBL 2.1 (OASIS) for CIUS-RO ``Invoice``/``CreditNote``, UN/CEFACT CII D16B for the
``CrossIndustryInvoice`` that ANAF also delivers.
"""

from __future__ import annotations

__all__ = [
    "CAC",
    "CBC",
    "CII_NSMAP",
    "CII_ROOT",
    "CIUS_RO_CUSTOMIZATION_ID",
    "RAM",
    "RSM",
    "UBL_CREDIT_NOTE",
    "UBL_CREDIT_NOTE_ROOT",
    "UBL_INVOICE",
    "UBL_INVOICE_ROOT",
    "UDT",
    "QDT",
]

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
CII_NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

UBL_INVOICE_ROOT = f"{{{UBL_INVOICE}}}Invoice"
UBL_CREDIT_NOTE_ROOT = f"{{{UBL_CREDIT_NOTE}}}CreditNote"
CII_ROOT = f"{{{RSM}}}CrossIndustryInvoice"

#: BT-24 specification identifier that ANAF's rule BR-RO-001 demands (CIUS-RO 1.0.1).
CIUS_RO_CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"
