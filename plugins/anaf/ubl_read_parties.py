"""Read the parties of a UBL 2.1 Invoice or CreditNote into the canonical model.

Seller (BG-4), buyer (BG-7), payee (BG-10), tax representative (BG-11), delivery (BG-13) and
their addresses, following the EN 16931 UBL binding. The inverse of :mod:`plugins.anaf.ubl_parties`.
"""

from __future__ import annotations

from lxml import etree

from core.model import Address, Contact, Delivery, Identifier, Party, Payee, TaxRepresentative
from plugins.anaf.names import CAC, CBC
from plugins.anaf.read_common import Reader
from plugins.anaf.ubl_parties import SEPA_SCHEME
from plugins.anaf.ubl_write import has_vat_prefix

__all__ = [
    "UBL",
    "read_address",
    "read_delivery",
    "read_party",
    "read_payee",
    "read_tax_representative",
    "sepa_creditor_id",
]

UBL = Reader({"cac": CAC, "cbc": CBC})


def read_address(element: etree._Element | None) -> Address | None:
    """A UBL ``AddressType`` as :class:`Address`; the country code is ``""`` when the file has none."""
    if element is None:
        return None
    return Address(
        line1=UBL.text(element, "cbc:StreetName"),
        line2=UBL.text(element, "cbc:AdditionalStreetName"),
        line3=UBL.text(element, "cac:AddressLine/cbc:Line"),
        city=UBL.text(element, "cbc:CityName"),
        postal_code=UBL.text(element, "cbc:PostalZone"),
        subdivision=UBL.text(element, "cbc:CountrySubentity"),
        country_code=UBL.text(element, "cac:Country/cbc:IdentificationCode") or "",
    )


def _identifiers(party: etree._Element) -> tuple[Identifier, ...]:
    found = (UBL.identifier(e) for e in UBL.findall(party, "cac:PartyIdentification/cbc:ID"))
    return tuple(i for i in found if i is not None and i.scheme_id != SEPA_SCHEME)


def sepa_creditor_id(party: etree._Element | None) -> str | None:
    """BT-90 bank assigned creditor identifier: a party identifier with ``schemeID="SEPA"``."""
    for element in UBL.findall(party, "cac:PartyIdentification/cbc:ID"):
        identifier = UBL.identifier(element)
        if identifier is not None and identifier.scheme_id == SEPA_SCHEME:
            return identifier.value
    return None


def _tax_ids(party: etree._Element, *, seller: bool) -> tuple[str | None, str | None]:
    """(VAT identifier BT-31/BT-48, tax registration identifier BT-32) from the PartyTaxSchemes.

    For the seller, TaxScheme ``VAT`` is BT-31 and any other scheme BT-32; a scheme left empty is
    decided by the country prefix (EN 16931 BR-CO-09). The buyer has only BT-48.
    """
    vat, registration = None, None
    for scheme in UBL.findall(party, "cac:PartyTaxScheme"):
        company_id = UBL.text(scheme, "cbc:CompanyID")
        if company_id is None:
            continue
        scheme_id = (UBL.text(scheme, "cac:TaxScheme/cbc:ID") or "").upper()
        is_vat = scheme_id == "VAT" or (not scheme_id and has_vat_prefix(company_id))
        if not seller or is_vat:
            vat = vat or company_id
        else:
            registration = registration or company_id
    return vat, registration


def _contact(party: etree._Element) -> Contact | None:
    element = UBL.find(party, "cac:Contact")
    contact = Contact(
        name=UBL.text(element, "cbc:Name"),
        telephone=UBL.text(element, "cbc:Telephone"),
        email=UBL.text(element, "cbc:ElectronicMail"),
    )
    return contact if (contact.name or contact.telephone or contact.email) else None


def read_party(wrapper: etree._Element | None, *, seller: bool) -> Party:
    """``AccountingSupplierParty``/``AccountingCustomerParty`` as :class:`Party`.

    BT-27/BT-44 is ``PartyLegalEntity/RegistrationName`` (falling back on ``PartyName/Name``).
    Raises ValueError when the party or its name is missing.
    """
    role = "seller" if seller else "buyer"
    party = UBL.find(wrapper, "cac:Party")
    if party is None:
        raise ValueError(f"the document has no {role} party ({'BG-4' if seller else 'BG-7'})")
    legal = UBL.find(party, "cac:PartyLegalEntity")
    trading_name = UBL.text(party, "cac:PartyName/cbc:Name")
    registration_name = UBL.text(legal, "cbc:RegistrationName")
    name = registration_name or trading_name
    if name is None:
        raise ValueError(f"the document has no {role} name ({'BT-27' if seller else 'BT-44'})")
    vat, registration = _tax_ids(party, seller=seller)
    return Party(
        name=name,
        address=read_address(UBL.find(party, "cac:PostalAddress")) or Address(country_code=""),
        trading_name=trading_name if registration_name else None,
        identifiers=_identifiers(party),
        legal_registration_id=UBL.identifier(legal, "cbc:CompanyID"),
        vat_identifier=vat,
        tax_registration_id=registration,
        additional_legal_info=UBL.text(legal, "cbc:CompanyLegalForm") if seller else None,
        electronic_address=UBL.identifier(party, "cbc:EndpointID"),
        contact=_contact(party),
    )


def read_payee(element: etree._Element | None) -> Payee | None:
    """``cac:PayeeParty`` as :class:`Payee` (BT-59 name, BT-60 identifier, BT-61 legal id)."""
    if element is None:
        return None
    name = UBL.text(element, "cac:PartyName/cbc:Name")
    if name is None:
        raise ValueError("the payee party has no BT-59 payee name")
    identifiers = _identifiers(element)
    return Payee(
        name=name,
        identifier=identifiers[0] if identifiers else None,
        legal_registration_id=UBL.identifier(element, "cac:PartyLegalEntity/cbc:CompanyID"),
    )


def read_tax_representative(element: etree._Element | None) -> TaxRepresentative | None:
    """``cac:TaxRepresentativeParty`` as :class:`TaxRepresentative` (BT-62, BT-63, BG-12)."""
    if element is None:
        return None
    return TaxRepresentative(
        name=UBL.text(element, "cac:PartyName/cbc:Name") or "",
        vat_identifier=UBL.text(element, "cac:PartyTaxScheme/cbc:CompanyID") or "",
        address=read_address(UBL.find(element, "cac:PostalAddress")) or Address(country_code=""),
    )


def read_delivery(element: etree._Element | None) -> Delivery | None:
    """The first ``cac:Delivery`` as :class:`Delivery` (BT-70, BT-71, BT-72, BG-15)."""
    if element is None:
        return None
    delivery = Delivery(
        party_name=UBL.text(element, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
        location_id=UBL.identifier(element, "cac:DeliveryLocation/cbc:ID"),
        actual_delivery_date=UBL.date(element, "cbc:ActualDeliveryDate", "BT-72 actual delivery date"),
        address=read_address(UBL.find(element, "cac:DeliveryLocation/cac:Address")),
    )
    return delivery if delivery != Delivery() else None
