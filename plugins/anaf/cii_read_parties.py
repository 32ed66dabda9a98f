"""Read the trade parties of a UN/CEFACT CII D16B invoice into the canonical model.

Seller (BG-4), buyer (BG-7), payee (BG-10), seller tax representative (BG-11) and the ship-to
party of the delivery (BG-13), following the EN 16931 CII syntax binding (CEN/TS 16931-3-3).
"""

from __future__ import annotations

from lxml import etree

from core.model import Address, Contact, Delivery, Identifier, Party, Payee, TaxRepresentative
from plugins.anaf.names import CII_NSMAP
from plugins.anaf.read_common import Reader

__all__ = [
    "CII",
    "read_cii_address",
    "read_cii_delivery",
    "read_cii_party",
    "read_cii_payee",
    "read_cii_tax_representative",
]

CII = Reader(CII_NSMAP)


def read_cii_address(element: etree._Element | None) -> Address | None:
    """``ram:PostalTradeAddress`` as :class:`Address`; the country code is ``""`` when absent."""
    if element is None:
        return None
    return Address(
        line1=CII.text(element, "ram:LineOne"),
        line2=CII.text(element, "ram:LineTwo"),
        line3=CII.text(element, "ram:LineThree"),
        city=CII.text(element, "ram:CityName"),
        postal_code=CII.text(element, "ram:PostcodeCode"),
        subdivision=CII.text(element, "ram:CountrySubDivisionName"),
        country_code=CII.text(element, "ram:CountryID") or "",
    )


def _ids(party: etree._Element | None) -> tuple[Identifier, ...]:
    """BT-29/BT-46/BT-60/BT-71: ``ram:ID`` (no scheme) then ``ram:GlobalID`` (with scheme)."""
    found = [CII.identifier(e) for e in CII.findall(party, "ram:ID") + CII.findall(party, "ram:GlobalID")]
    return tuple(i for i in found if i is not None)


def _tax_registrations(party: etree._Element) -> tuple[str | None, str | None]:
    """(VAT identifier, tax registration identifier): ``SpecifiedTaxRegistration/ID`` schemes VA and FC."""
    vat = registration = None
    for element in CII.findall(party, "ram:SpecifiedTaxRegistration/ram:ID"):
        scheme = (element.get("schemeID") or "").strip().upper()
        value = CII.text(element)
        if value is None:
            continue
        if scheme == "FC":
            registration = registration or value
        else:
            vat = vat or value
    return vat, registration


def read_cii_party(party: etree._Element | None, *, seller: bool) -> Party:
    """``ram:SellerTradeParty``/``ram:BuyerTradeParty`` as :class:`Party`; ValueError when it or its name is missing."""
    role, group, term = ("seller", "BG-4", "BT-27") if seller else ("buyer", "BG-7", "BT-44")
    if party is None:
        raise ValueError(f"the document has no {role} party ({group})")
    name = CII.text(party, "ram:Name")
    if name is None:
        raise ValueError(f"the document has no {role} name ({term})")
    legal = CII.find(party, "ram:SpecifiedLegalOrganization")
    contact_element = CII.find(party, "ram:DefinedTradeContact")
    contact = Contact(
        name=CII.text(contact_element, "ram:PersonName") or CII.text(contact_element, "ram:DepartmentName"),
        telephone=CII.text(contact_element, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
        email=CII.text(contact_element, "ram:EmailURIUniversalCommunication/ram:URIID"),
    )
    vat, registration = _tax_registrations(party)
    return Party(
        name=name,
        address=read_cii_address(CII.find(party, "ram:PostalTradeAddress")) or Address(country_code=""),
        trading_name=CII.text(legal, "ram:TradingBusinessName"),
        identifiers=_ids(party),
        legal_registration_id=CII.identifier(legal, "ram:ID"),
        vat_identifier=vat,
        tax_registration_id=registration if seller else None,
        additional_legal_info=CII.text(party, "ram:Description") if seller else None,
        electronic_address=CII.identifier(party, "ram:URIUniversalCommunication/ram:URIID"),
        contact=contact if (contact.name or contact.telephone or contact.email) else None,
    )


def read_cii_payee(party: etree._Element | None) -> Payee | None:
    """``ram:PayeeTradeParty`` as :class:`Payee` (BT-59, BT-60, BT-61)."""
    if party is None:
        return None
    name = CII.text(party, "ram:Name")
    if name is None:
        raise ValueError("the payee party has no BT-59 payee name")
    ids = _ids(party)
    return Payee(
        name=name,
        identifier=ids[0] if ids else None,
        legal_registration_id=CII.identifier(party, "ram:SpecifiedLegalOrganization/ram:ID"),
    )


def read_cii_tax_representative(party: etree._Element | None) -> TaxRepresentative | None:
    """``ram:SellerTaxRepresentativeTradeParty`` as :class:`TaxRepresentative` (BT-62, BT-63, BG-12)."""
    if party is None:
        return None
    return TaxRepresentative(
        name=CII.text(party, "ram:Name") or "",
        vat_identifier=CII.text(party, "ram:SpecifiedTaxRegistration/ram:ID") or "",
        address=read_cii_address(CII.find(party, "ram:PostalTradeAddress")) or Address(country_code=""),
    )


def read_cii_delivery(delivery: etree._Element | None) -> Delivery | None:
    """``ram:ApplicableHeaderTradeDelivery`` as :class:`Delivery` (BT-70, BT-71, BT-72, BG-15)."""
    ship_to = CII.find(delivery, "ram:ShipToTradeParty")
    ids = _ids(ship_to)
    result = Delivery(
        party_name=CII.text(ship_to, "ram:Name"),
        location_id=ids[0] if ids else None,
        actual_delivery_date=CII.date(
            delivery,
            "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString",
            "BT-72 actual delivery date",
        ),
        address=read_cii_address(CII.find(ship_to, "ram:PostalTradeAddress")),
    )
    return result if result != Delivery() else None
