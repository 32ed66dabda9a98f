"""Every official sample gets the verdict its publisher's rules give it.

Samples are discovered from the artefact directory, so a sample added there is judged too. The
README of the artefact corpus lists the official samples that are not valid under the rule
versions collected; every other sample must pass the dialect it is detected as.
"""

from __future__ import annotations

import pytest

from core.validation.artifacts import ArtifactSet
from core.validation.engine import validate
from core.validation.sniff import detect_dialect

from .conftest import ARTIFACTS, PIPELINES, sample

#: Sample folder -> the dialect its documents are written in.
FOLDERS = {
    "en16931/examples/ubl": "en16931-ubl",
    "en16931/examples/cii": "en16931-cii",
    "cius-ro/examples/ubl": "cius-ro",
    "cius-ro/examples/cii": "en16931-cii",  # ANAF's CII samples: no CIUS-RO rules exist for CII
}

#: Official samples that must FAIL, with exactly the rules that fail (fatal/error).
EXPECTED_FAILURES = {
    # Declare CIUS-RO:1.0.0 (2022): BR-RO-001 wants the 1.0.1 customisation id.
    "cius-ro/examples/ubl/anaf_eInvoice_ex.xml": {"BR-RO-001"},
    "cius-ro/examples/ubl/anaf_creditNote_ex.xml": {"BR-RO-001"},
    # BR-RO-111's message reads "[BR-RO-110]" in ANAF's rules (the buyer's RO county code).
    "cius-ro/examples/ubl/ubl_b2g_example6.xml": {"BR-S-08", "BR-RO-111", "BR-RO-170"},
    # ANAF's 2021 CII samples predate CII-SR-461/470 (and break BR-50).
    "cius-ro/examples/cii/CII_example0.xml": {"CII-SR-461", "CII-SR-470", "BR-50"},
    "cius-ro/examples/cii/CII_example10.xml": {"CII-SR-461", "CII-SR-470"},
}

SAMPLES = sorted(
    (path.relative_to(ARTIFACTS).as_posix(), dialect)
    for folder, dialect in FOLDERS.items()
    for path in (ARTIFACTS / folder).iterdir()
    if path.suffix.lower() == ".xml"
)


def test_every_expected_failure_is_a_sample() -> None:
    assert set(EXPECTED_FAILURES) <= {relative for relative, _ in SAMPLES}
    assert len(SAMPLES) >= 30


@pytest.mark.parametrize(("relative", "dialect"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_official_sample_verdict(relative: str, dialect: str, artifacts: ArtifactSet) -> None:
    xml = sample(relative)
    assert detect_dialect(xml) == dialect

    report = validate(xml, PIPELINES[dialect], artifacts)

    assert report.complete, [layer for layer in report.layers if not layer.ran]
    assert {layer.kind for layer in report.layers} == {"xsd", "schematron"}
    failed = {f.rule_id for f in report.errors}
    if relative in EXPECTED_FAILURES:
        assert not report.valid
        assert failed == EXPECTED_FAILURES[relative]
    else:
        assert report.valid, [(f.rule_id, f.message) for f in report.errors]
        assert failed == set()


def test_cius_ro_rules_judge_credit_notes(artifacts: ArtifactSet) -> None:
    """ANAF's RO-rules XSLT (named "...-Invoice_v1.0.9") fires on a CreditNote too."""
    report = validate(sample("cius-ro/examples/ubl/anaf_creditNote_ex.xml"), PIPELINES["cius-ro-cen"], artifacts)

    assert [layer.name for layer in report.layers] == ["ubl-creditnote-xsd", "en16931-ubl", "cius-ro-rules"]
    assert {(f.layer, f.rule_id) for f in report.errors} == {("cius-ro-rules", "BR-RO-001")}


def test_cen_1_3_16_is_stricter_than_anafs_copy_of_the_en_rules(artifacts: ArtifactSet) -> None:
    """ANAF's own sample passes ANAF's bundle but breaks UBL-SR-53, added to CEN after ANAF's copy."""
    xml = sample("cius-ro/examples/ubl/ubl_b2g_example0.xml")

    assert validate(xml, PIPELINES["cius-ro"], artifacts).valid
    strict = validate(xml, PIPELINES["cius-ro-cen"], artifacts)
    assert {(f.layer, f.rule_id) for f in strict.errors} == {("en16931-ubl", "UBL-SR-53")}
