"""Run the official artefacts over a document: the test-side judge of the ANAF plugin.

A deliberately small stand-in for the core validation engine, so the plugin's tests depend only on
the official files in the artefact directory (``STORNO_ARTIFACTS_DIR``, default
``../shared/conformance`` next to the repository). Each schema and stylesheet is compiled once per
process (module cache). A layer answers the ids of the rules that failed with flag ``fatal`` or
``error`` (unflagged = error), whether as ``svrl:failed-assert`` or ``svrl:successful-report``;
the XSD layer answers ``XSD:<line>:<message>`` strings.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

ARTIFACTS = Path(
    os.environ.get("STORNO_ARTIFACTS_DIR")
    or Path(__file__).resolve().parents[3] / ".." / "shared" / "conformance"
)

UBL_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
CII_INVOICE = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"

_XSD = {
    UBL_INVOICE: "ubl21/maindoc/UBL-Invoice-2.1.xsd",
    UBL_CREDIT_NOTE: "ubl21/maindoc/UBL-CreditNote-2.1.xsd",
    CII_INVOICE: "cii/D16B-uncoupled/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd",
}
#: Schematron layers by name: CEN EN 16931 (UBL/CII), ANAF's RO rules only, ANAF's full bundle.
XSLT = {
    "cen-ubl": "en16931/xslt/EN16931-UBL-validation.xslt",
    "cen-cii": "en16931/xslt/EN16931-CII-validation.xslt",
    "ro": "cius-ro/xslt/ROeFactura-UBL-validation-Invoice_v1.0.9.xslt",
    "ro-bundle": "cius-ro/xslt/EN16931-CIUS_RO-UBL-validation.xslt",
}
_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_SAFE = dict(no_network=True, resolve_entities=False, load_dtd=False)


def available() -> bool:
    """True when the artefact directory holds the files these tests need."""
    return all((ARTIFACTS / p).is_file() for p in [*_XSD.values(), *XSLT.values()])


@functools.cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@functools.cache
def _schema(root_tag: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(ARTIFACTS / _XSD[root_tag]), etree.XMLParser(**_SAFE)))


@functools.cache
def _stylesheet(layer: str):
    return (
        _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(ARTIFACTS / XSLT[layer]))
    )


def root_tag(xml: bytes) -> str:
    """Clark name of the document's root element."""
    return etree.fromstring(xml, etree.XMLParser(**_SAFE)).tag


def xsd_errors(xml: bytes) -> list[str]:
    """Schema errors of ``xml`` against the official XSD chosen by its root (UBL Invoice/CreditNote, CII)."""
    schema = _schema(root_tag(xml))
    if schema.validate(etree.fromstring(xml, etree.XMLParser(**_SAFE, huge_tree=True))):
        return []
    return [f"XSD:{e.line}:{e.message}" for e in schema.error_log]


def schematron_failures(layer: str, xml: bytes) -> list[str]:
    """Ids of the fatal/error rules of schematron ``layer`` (a key of :data:`XSLT`) that ``xml`` breaks."""
    node = _processor().parse_xml(xml_text=xml.decode("utf-8-sig"))
    svrl = etree.fromstring(_stylesheet(layer).transform_to_string(xdm_node=node).encode("utf-8"))
    failed = []
    for tag in ("failed-assert", "successful-report"):
        for item in svrl.iter(_SVRL + tag):
            if (item.get("flag") or "error").lower() in ("fatal", "error"):
                failed.append(item.get("id") or item.get("test") or "?")
    return sorted(set(failed))


def failures(xml: bytes, *layers: str) -> list[str]:
    """XSD errors followed by ``layer:rule-id`` for every failing fatal rule of ``layers`` (empty = valid)."""
    found = xsd_errors(xml)
    for layer in layers:
        found += [f"{layer}:{rule}" for rule in schematron_failures(layer, xml)]
    return found
