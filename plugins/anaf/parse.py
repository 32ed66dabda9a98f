"""Read incoming e-invoices (as ANAF delivers them) into the canonical EN 16931 model.

ANAF's inbox hands out UBL 2.1 ``Invoice``/``CreditNote`` and UN/CEFACT CII D16B files. :func:`parse`
is what the plugin's ``storno_parse`` hook answers: it parses the untrusted bytes safely, sniffs
the root element and dispatches to :func:`parse_ubl` or :func:`parse_cii`.
"""

from __future__ import annotations

from lxml import etree

from core.model import Invoice
from core.views import ParsedDocument
from core.xmlsafe import parse_untrusted
from plugins.anaf.cii_read import read_cii
from plugins.anaf.names import CII_ROOT, UBL_CREDIT_NOTE_ROOT, UBL_INVOICE_ROOT
from plugins.anaf.ubl_read import read_ubl

__all__ = ["PROVIDER", "ROOTS", "dialect_of", "parse", "parse_cii", "parse_ubl"]

PROVIDER = "anaf"
#: Clark names of the root elements this plugin parses (advertised as ``ProviderInfo.parse_roots``).
ROOTS: tuple[str, ...] = (UBL_INVOICE_ROOT, UBL_CREDIT_NOTE_ROOT, CII_ROOT)


def parse_ubl(root: etree._Element) -> Invoice:
    """Map a UBL 2.1 ``Invoice`` or ``CreditNote`` element (EN 16931 binding, CIUS-RO or not) to :class:`Invoice`.

    Amounts are Decimal in BT-5 as written (BT-111 in BT-6); BT-9 of a CreditNote is read from
    ``PaymentMeans/PaymentDueDate``. Raises ValueError in one sentence when the element is not a
    UBL Invoice/CreditNote or a term the model needs is missing or unreadable.
    """
    return read_ubl(root)


def parse_cii(root: etree._Element) -> Invoice:
    """Map a CII D16B ``CrossIndustryInvoice`` element (EN 16931 binding) to :class:`Invoice`.

    Dates are read from format 102; BT-8 is translated to UNTDID 2005. Raises ValueError in one
    sentence when the element is not a CII invoice or a needed term is missing or unreadable.
    """
    return read_cii(root)


def dialect_of(document: Invoice, root_tag: str) -> str:
    """``cius-ro`` when BT-24 names CIUS-RO, else ``en16931-cii`` or ``en16931-ubl`` by root."""
    if "CIUS-RO" in (document.specification_identifier or "").upper():
        return "cius-ro"
    return "en16931-cii" if root_tag == CII_ROOT else "en16931-ubl"


def parse(payload: bytes) -> ParsedDocument:
    """Read ``payload`` (untrusted XML bytes, at most 10 MB) into a :class:`ParsedDocument` of provider ``anaf``.

    Parsing goes through :func:`core.xmlsafe.parse_untrusted`: DOCTYPEs (and so entity
    expansion, billion laughs, external entities) are refused. Raises
    :class:`core.errors.UnsafeXmlError` for unsafe, oversized or malformed XML and ValueError in
    one sentence for XML that is not a readable UBL/CII invoice.
    """
    root = parse_untrusted(payload)
    if root.tag in (UBL_INVOICE_ROOT, UBL_CREDIT_NOTE_ROOT):
        document = parse_ubl(root)
    elif root.tag == CII_ROOT:
        document = parse_cii(root)
    else:
        raise ValueError(
            f"the root element {root.tag} is not a UBL Invoice/CreditNote or CII CrossIndustryInvoice"
        )
    return ParsedDocument(document=document, dialect=dialect_of(document, root.tag), provider=PROVIDER)
