"""Guess the dialect of an e-invoice from its root element and customisation id.

- UBL 2.1 ``Invoice``/``CreditNote`` whose ``cbc:CustomizationID`` (BT-24) names CIUS-RO
  (``urn:efactura.mfinante.ro:CIUS-RO:…``) → ``cius-ro``;
- any other UBL 2.1 ``Invoice``/``CreditNote`` → ``en16931-ubl``;
- UN/CEFACT ``CrossIndustryInvoice`` → ``en16931-cii`` (no CIUS-RO rules exist for CII).
"""

from __future__ import annotations

from core.xmlsafe import parse_untrusted

__all__ = ["UnknownDialect", "detect_dialect"]

_UBL_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
_UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
_CII = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
_CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


class UnknownDialect(ValueError):
    """The document is XML but not an e-invoice dialect the validator recognises."""


def detect_dialect(xml: bytes) -> str:
    """The dialect of ``xml``: ``cius-ro``, ``en16931-ubl`` or ``en16931-cii``.

    Raises :class:`core.errors.UnsafeXmlError` for unsafe or malformed XML and
    :class:`UnknownDialect` (one sentence naming the root element) for anything else.
    """
    root = parse_untrusted(xml)
    if root.tag in (_UBL_INVOICE, _UBL_CREDIT_NOTE):
        customization = (root.findtext(f"{_CBC}CustomizationID") or "").upper()
        return "cius-ro" if "CIUS-RO" in customization else "en16931-ubl"
    if root.tag == _CII:
        return "en16931-cii"
    raise UnknownDialect(
        f"The root element {root.tag} is not a UBL 2.1 Invoice/CreditNote or a CII CrossIndustryInvoice."
    )
