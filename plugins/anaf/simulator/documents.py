"""What the simulator reads from an uploaded file: root, number, issue date, seller and buyer CIF.

The simulator does not validate business rules (see ``SimulatorState.validator``); it only needs
these fields to route messages and to detect duplicates (same seller CIF + number + issue date).
Input is an element already parsed by :func:`core.xmlsafe.parse_untrusted`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from plugins.anaf.simulator.texts import NS_CII, NS_RASP, ROOT_STANDARD

__all__ = ["DocumentFacts", "read_facts", "normalise_cif"]

_UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
_CII = {
    "rsm": NS_CII,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


@dataclass(frozen=True)
class DocumentFacts:
    """Fields of one uploaded document. ``standard`` is the one its root belongs to (None: unknown
    root); CIFs are normalised (``RO`` stripped); ``rasp_index`` is the invoice a RASP answers."""

    root: str
    standard: str | None
    number: str | None = None
    issue_date: dt.date | None = None
    seller_cif: str | None = None
    buyer_cif: str | None = None
    rasp_index: str | None = None
    rasp_message: str | None = None


def normalise_cif(value: str | None) -> str | None:
    """``RO 123`` → ``123``; None or blank stays None."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", value)
    if text[:2].upper() == "RO":
        text = text[2:]
    return text or None


def _text(root: etree._Element, path: str, ns: dict[str, str]) -> str | None:
    found = root.xpath(path, namespaces=ns)
    for node in found:
        value = node if isinstance(node, str) else node.text
        if value and value.strip():
            return value.strip()
    return None


def _date(value: str | None, fmt: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, fmt).date() if value else None
    except ValueError:
        return None


def read_facts(root: etree._Element) -> DocumentFacts:
    """Read the routing fields of a UBL Invoice/CreditNote, a CII invoice or a RASP header."""
    standard = ROOT_STANDARD.get(root.tag)
    local = etree.QName(root).localname
    if standard in ("UBL", "CN"):
        party = "cac:Party/cac:PartyTaxScheme/cbc:CompanyID | cac:Party/cac:PartyLegalEntity/cbc:CompanyID"
        seller = " | ".join(f"cac:AccountingSupplierParty/{p.strip()}" for p in party.split("|"))
        buyer = " | ".join(f"cac:AccountingCustomerParty/{p.strip()}" for p in party.split("|"))
        return DocumentFacts(
            root=local,
            standard=standard,
            number=_text(root, "cbc:ID", _UBL),
            issue_date=_date(_text(root, "cbc:IssueDate", _UBL), "%Y-%m-%d"),
            seller_cif=normalise_cif(_text(root, seller, _UBL)),
            buyer_cif=normalise_cif(_text(root, buyer, _UBL)),
        )
    if standard == "CII":
        trade = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
        tax = "ram:SpecifiedTaxRegistration/ram:ID"
        return DocumentFacts(
            root=local,
            standard=standard,
            number=_text(root, "rsm:ExchangedDocument/ram:ID", _CII),
            issue_date=_date(_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", _CII), "%Y%m%d"),
            seller_cif=normalise_cif(_text(root, f"{trade}/ram:SellerTradeParty/{tax}", _CII)),
            buyer_cif=normalise_cif(_text(root, f"{trade}/ram:BuyerTradeParty/{tax}", _CII)),
        )
    if standard == "RASP" and root.tag == f"{{{NS_RASP}}}header":
        return DocumentFacts(
            root=local,
            standard=standard,
            rasp_index=root.get("index_incarcare"),
            rasp_message=root.get("message"),
        )
    return DocumentFacts(root=local, standard=None)
