"""The CIUS-RO validation pipelines (ANAF e-Factura, UBL 2.1 Invoice and CreditNote).

``CIUS_RO_PIPELINE`` (dialect ``cius-ro``) is what ANAF itself validates against: the UBL 2.1
XSD, then ANAF's complete 1.0.9 bundle ``EN16931-CIUS_RO-UBL-validation.xslt`` (ANAF's own copy
of the EN 16931 rules plus the RO rules). The bundle's RO part is the same rule set as
``ROeFactura-UBL-validation-Invoice_v1.0.9.xslt`` and covers CreditNote as well as Invoice
(its root rule matches ``/ubl:Invoice | /cn:CreditNote``), so one layer serves both roots.

``CIUS_RO_CEN_PIPELINE`` (dialect ``cius-ro-cen``) is the stricter combination: CEN EN 16931
1.3.16 followed by ANAF's RO rules alone. CEN 1.3.16 is newer than ANAF's copy of the EN rules and
adds checks ANAF does not run (e.g. UBL-SR-53 rejects a buyer ``PartyTaxScheme`` that has a
``CompanyID`` but an empty ``TaxScheme``, which ANAF's own 2021–2024 samples carry), so it is not
the gate for submission; it tells whether a file also passes the current CEN rules.

Sources: ANAF CIUS-RO 1.0.9 Schematron (published only as Schematron; the XSLT is the phive-rules
compilation), CEN/TC 434 EN 16931 validation 1.3.16, OASIS UBL 2.1 OS.
"""

from __future__ import annotations

from core.validation.pipelines import EN16931_UBL_SCHEMATRON, UBL_CREDIT_NOTE_XSD, UBL_INVOICE_XSD, UBL_ROOTS
from core.views import ValidationLayer, ValidationPipeline

__all__ = ["CIUS_RO_BUNDLE", "CIUS_RO_CEN_PIPELINE", "CIUS_RO_PIPELINE", "CIUS_RO_RULES", "PIPELINES"]

#: ANAF's complete 1.0.9 rules (its EN 16931 copy + BR-RO-*); no PyPI package carries it.
CIUS_RO_BUNDLE = ValidationLayer(
    name="cius-ro",
    kind="schematron",
    path="cius-ro/xslt/EN16931-CIUS_RO-UBL-validation.xslt",
    roots=UBL_ROOTS,
)

#: ANAF's RO rules only (BR-RO-*), 1.0.9; despite its file name it judges CreditNote too.
CIUS_RO_RULES = ValidationLayer(
    name="cius-ro-rules",
    kind="schematron",
    path="cius-ro/xslt/ROeFactura-UBL-validation-Invoice_v1.0.9.xslt",
    roots=UBL_ROOTS,
)

CIUS_RO_PIPELINE = ValidationPipeline(
    dialect="cius-ro",
    layers=(UBL_INVOICE_XSD, UBL_CREDIT_NOTE_XSD, CIUS_RO_BUNDLE),
)

CIUS_RO_CEN_PIPELINE = ValidationPipeline(
    dialect="cius-ro-cen",
    layers=(UBL_INVOICE_XSD, UBL_CREDIT_NOTE_XSD, EN16931_UBL_SCHEMATRON, CIUS_RO_RULES),
)

#: The ANAF plugin's pipelines by dialect (for its ``storno_validation_pipeline`` hook).
PIPELINES: dict[str, ValidationPipeline] = {p.dialect: p for p in (CIUS_RO_PIPELINE, CIUS_RO_CEN_PIPELINE)}
