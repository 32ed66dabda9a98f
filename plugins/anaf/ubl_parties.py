"""UBL 2.1 writers for the parties of an EN 16931 document.

Seller (BG-4), buyer (BG-7), payee (BG-10), seller tax representative (BG-11) and delivery
(BG-13) with their postal addresses (BG-5, BG-8, BG-12, BG-15), following the EN 16931 UBL syntax
binding (CEN/TS 16931-3-2).
"""

from __future__ import annotations

from lxml import etree

from core.model import Address, Delivery, Identifier, Party, Payee, TaxRepresentative
from plugins.anaf.ubl_write import add, date_text, has_vat_prefix, opt

__all__ = [
    "NON_VAT_TAX_SCHEME",
    "SEPA_SCHEME",
    "write_address",
    "write_buyer",
    "write_delivery",
    "write_payee",
    "write_seller",
    "write_tax_representative",
]

#: TaxScheme of a PartyTaxScheme that is not a VAT registration: the seller's BT-32, and a buyer's
#: BT-48 written without country prefix (a Romanian CUI of a buyer not registered for VAT, which
#: ANAF accepts and which EN 16931 BR-CO-09 would reject under the ``VAT`` scheme).
NON_VAT_TAX_SCHEME = "TAX"
#: schemeID that marks the bank assigned creditor identifier (BT-90) among party identifiers.
SEPA_SCHEME = "SEPA"


def write_address(parent: etree._Element, name: str, address: Address) -> etree._Element:
    """Append a UBL ``AddressType`` element ``name`` (``cac:PostalAddress`` or ``cac:Address``).

    Lines 1/2/3 go to StreetName, AdditionalStreetName and AddressLine/Line; the subdivision
    (CIUS-RO: ISO 3166-2:RO code such as ``RO-CJ``) to CountrySubentity.
    """
    element = add(parent, name)
    opt(element, "cbc:StreetName", address.line1)
    opt(element, "cbc:AdditionalStreetName", address.line2)
    opt(element, "cbc:CityName", address.city)
    opt(element, "cbc:PostalZone", address.postal_code)
    opt(element, "cbc:CountrySubentity", address.subdivision)
    if address.line3:
        add(add(element, "cac:AddressLine"), "cbc:Line", address.line3)
    add(add(element, "cac:Country"), "cbc:IdentificationCode", address.country_code)
    return element


def _identification(parent: etree._Element, identifier: Identifier) -> None:
    add(add(parent, "cac:PartyIdentification"), "cbc:ID", identifier.value, schemeID=identifier.scheme_id)


def _tax_scheme(parent: etree._Element, company_id: str, scheme: str) -> None:
    tax_scheme = add(parent, "cac:PartyTaxScheme")
    add(tax_scheme, "cbc:CompanyID", company_id)
    add(add(tax_scheme, "cac:TaxScheme"), "cbc:ID", scheme)


def _party(parent: etree._Element, party: Party, *, seller: bool, creditor_id: str | None) -> None:
    element = add(parent, "cac:Party")
    if party.electronic_address is not None:
        add(
            element,
            "cbc:EndpointID",
            party.electronic_address.value,
            schemeID=party.electronic_address.scheme_id,
        )
    for identifier in party.identifiers:
        _identification(element, identifier)
    if creditor_id:
        _identification(element, Identifier(creditor_id, SEPA_SCHEME))
    if party.trading_name:
        add(add(element, "cac:PartyName"), "cbc:Name", party.trading_name)
    write_address(element, "cac:PostalAddress", party.address)
    if party.vat_identifier:
        vat_scheme = "VAT" if seller or has_vat_prefix(party.vat_identifier) else NON_VAT_TAX_SCHEME
        _tax_scheme(element, party.vat_identifier, vat_scheme)
    if seller and party.tax_registration_id:
        _tax_scheme(element, party.tax_registration_id, NON_VAT_TAX_SCHEME)
    legal = add(element, "cac:PartyLegalEntity")
    add(legal, "cbc:RegistrationName", party.name)
    if party.legal_registration_id is not None:
        reg = party.legal_registration_id
        add(legal, "cbc:CompanyID", reg.value, schemeID=reg.scheme_id)
    if seller:
        opt(legal, "cbc:CompanyLegalForm", party.additional_legal_info)
    contact = party.contact
    if contact is not None and (contact.name or contact.telephone or contact.email):
        element_contact = add(element, "cac:Contact")
        opt(element_contact, "cbc:Name", contact.name)
        opt(element_contact, "cbc:Telephone", contact.telephone)
        opt(element_contact, "cbc:ElectronicMail", contact.email)


def write_seller(parent: etree._Element, seller: Party, *, creditor_id: str | None = None) -> None:
    """Append ``cac:AccountingSupplierParty`` (BG-4 seller).

    BT-31 goes to PartyTaxScheme with TaxScheme ``VAT``, BT-32 to a second PartyTaxScheme with
    :data:`NON_VAT_TAX_SCHEME`; ``creditor_id`` (BT-90) is added as a ``SEPA`` party identifier
    when there is no payee to carry it.
    """
    _party(add(parent, "cac:AccountingSupplierParty"), seller, seller=True, creditor_id=creditor_id)


def write_buyer(parent: etree._Element, buyer: Party) -> None:
    """Append ``cac:AccountingCustomerParty`` (BG-7 buyer); BT-48 as described at :data:`NON_VAT_TAX_SCHEME`."""
    _party(add(parent, "cac:AccountingCustomerParty"), buyer, seller=False, creditor_id=None)


def write_payee(parent: etree._Element, payee: Payee, *, creditor_id: str | None = None) -> None:
    """Append ``cac:PayeeParty`` (BG-10): BT-60 and BT-90 as identifiers, BT-59 name, BT-61 legal id."""
    element = add(parent, "cac:PayeeParty")
    if payee.identifier is not None:
        _identification(element, payee.identifier)
    if creditor_id:
        _identification(element, Identifier(creditor_id, SEPA_SCHEME))
    add(add(element, "cac:PartyName"), "cbc:Name", payee.name)
    if payee.legal_registration_id is not None:
        reg = payee.legal_registration_id
        add(add(element, "cac:PartyLegalEntity"), "cbc:CompanyID", reg.value, schemeID=reg.scheme_id)


def write_tax_representative(parent: etree._Element, representative: TaxRepresentative) -> None:
    """Append ``cac:TaxRepresentativeParty`` (BG-11): BT-62 name, BG-12 address, BT-63 VAT identifier."""
    element = add(parent, "cac:TaxRepresentativeParty")
    add(add(element, "cac:PartyName"), "cbc:Name", representative.name)
    write_address(element, "cac:PostalAddress", representative.address)
    _tax_scheme(element, representative.vat_identifier, "VAT")


def write_delivery(parent: etree._Element, delivery: Delivery) -> None:
    """Append ``cac:Delivery`` (BG-13): BT-72 date, BT-71 location id, BG-15 address, BT-70 party name."""
    element = add(parent, "cac:Delivery")
    opt(element, "cbc:ActualDeliveryDate", date_text(delivery.actual_delivery_date))
    if delivery.location_id is not None or delivery.address is not None:
        location = add(element, "cac:DeliveryLocation")
        if delivery.location_id is not None:
            add(location, "cbc:ID", delivery.location_id.value, schemeID=delivery.location_id.scheme_id)
        if delivery.address is not None:
            write_address(location, "cac:Address", delivery.address)
    if delivery.party_name:
        add(add(add(element, "cac:DeliveryParty"), "cac:PartyName"), "cbc:Name", delivery.party_name)
