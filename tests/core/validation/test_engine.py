"""The engine: severities as ISO Schematron grades them, schema errors, unsafe input, threads, async."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.errors import ConfigurationError, UnsafeXmlError
from core.validation import engine, saxon
from core.validation.artifacts import ArtifactSet
from core.validation.engine import validate, validate_async, warm_up
from core.validation.sniff import UnknownDialect, detect_dialect
from core.views import ValidationLayer, ValidationPipeline

from .conftest import ARTIFACTS, BILLION_LAUGHS, PIPELINES, sample

SVRL = """<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
  <svrl:fired-rule context="/"/>
  <svrl:failed-assert id="R-UNFLAGGED" location="/a[1]"><svrl:text> unflagged
     assertion </svrl:text></svrl:failed-assert>
  <svrl:failed-assert id="R-WARN" flag="warning" location="/a[1]"><svrl:text>w</svrl:text></svrl:failed-assert>
  <svrl:failed-assert id="R-INFO" flag="information" location="/a[1]"><svrl:text>i</svrl:text></svrl:failed-assert>
  <svrl:successful-report id="R-REPORT" flag="fatal" location="/a[1]/b[1]"><svrl:text>r</svrl:text></svrl:successful-report>
  <svrl:successful-report id="R-REPORT-UNFLAGGED" location="/a[1]"><svrl:text>u</svrl:text></svrl:successful-report>
  <svrl:failed-assert id="R-OVERRIDDEN" flag="fatal" location="/a[1]"><svrl:text>o</svrl:text></svrl:failed-assert>
</svrl:schematron-output>"""


def _signature(report):
    """What must not vary between runs (layer timings do)."""
    return (report.valid, report.complete, [(x.name, x.ran) for x in report.layers], report.findings)


def test_svrl_severities_follow_iso_schematron() -> None:
    layer = ValidationLayer("rules", "schematron", "x.xslt", severity_overrides={"R-OVERRIDDEN": "warning"})

    findings = {f.rule_id: f for f in engine._svrl_findings(SVRL, layer)}

    assert {rule: f.severity for rule, f in findings.items()} == {
        "R-UNFLAGGED": "error",
        "R-WARN": "warning",
        "R-INFO": "information",
        "R-REPORT": "fatal",
        "R-REPORT-UNFLAGGED": "error",
        "R-OVERRIDDEN": "warning",
    }
    assert findings["R-UNFLAGGED"].message == "unflagged assertion"
    assert findings["R-REPORT"].location == "/a[1]/b[1]"
    assert {f.source for f in findings.values()} == {"schematron"}


def test_an_unknown_override_grade_is_a_configuration_error() -> None:
    layer = ValidationLayer("rules", "schematron", "x.xslt", severity_overrides={"R-WARN": "ignore"})

    with pytest.raises(ConfigurationError, match="R-WARN"):
        engine._svrl_findings(SVRL, layer)


def test_severity_overrides_regrade_real_rules(artifacts: ArtifactSet) -> None:
    xml = sample("cius-ro/examples/ubl/ubl_b2g_example6.xml")
    base = PIPELINES["cius-ro-cen"]
    cen = next(layer for layer in base.layers if layer.name == "en16931-ubl")
    relaxed = ValidationPipeline(
        dialect="cius-ro-cen",
        layers=tuple(
            ValidationLayer(l.name, l.kind, l.path, l.bundled, l.roots, {"BR-S-08": "warning"}) if l is cen else l
            for l in base.layers
        ),
    )

    findings = {f.rule_id: f.severity for f in validate(xml, relaxed, artifacts).findings}

    assert findings["BR-S-08"] == "warning"
    assert findings["UBL-SR-53"] == "fatal"


def test_schema_errors_are_findings_with_line_and_rule(artifacts: ArtifactSet) -> None:
    xml = sample("en16931/examples/ubl/guide-example3.xml").replace(
        b"<cbc:IssueDate>", b"<cbc:Unexpected>x</cbc:Unexpected><cbc:IssueDate>", 1
    )

    report = validate(xml, PIPELINES["en16931-ubl"], artifacts)

    xsd = [f for f in report.errors if f.source == "xsd"]
    assert not report.valid and report.complete
    assert xsd and xsd[0].layer == "ubl-invoice-xsd" and xsd[0].rule_id.startswith("SCHEMAV_")
    assert "Unexpected" in xsd[0].message and xsd[0].location.startswith("line ")
    contract = report.to_contract()
    assert contract["errors"][0] == {
        "message": xsd[0].message,
        "source": "xsd",
        "ruleId": xsd[0].rule_id,
        "location": xsd[0].location,
    }


def test_a_document_of_another_syntax_is_invalid_not_unjudged(artifacts: ArtifactSet) -> None:
    report = validate(sample("en16931/examples/cii/CII_example1.xml"), PIPELINES["en16931-ubl"], artifacts)

    assert (report.valid, report.complete, report.layers) == (False, False, ())
    assert [f.rule_id for f in report.errors] == ["root-element"]


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, b"not xml", b"<Invoice>"])
def test_unsafe_or_malformed_xml_is_refused(xml: bytes, artifacts: ArtifactSet) -> None:
    with pytest.raises(UnsafeXmlError):
        validate(xml, PIPELINES["cius-ro"], artifacts)


def test_threads_get_identical_results(artifacts: ArtifactSet) -> None:
    documents = [
        (sample("cius-ro/examples/ubl/ubl_b2g_example6.xml"), PIPELINES["cius-ro"]),
        (sample("cius-ro/examples/ubl/ubl_b2g_example3.xml"), PIPELINES["cius-ro"]),
        (sample("en16931/examples/cii/CII_example2.xml"), PIPELINES["en16931-cii"]),
    ]
    expected = [_signature(validate(xml, pipeline, artifacts)) for xml, pipeline in documents]
    callers: set[str] = set()

    def run(i: int):
        callers.add(threading.current_thread().name)
        xml, pipeline = documents[i % len(documents)]
        return i % len(documents), _signature(validate(xml, pipeline, artifacts))

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(run, range(24)))

    assert len(callers) > 1
    assert all(signature == expected[i] for i, signature in results)


async def test_validate_async_matches_validate(artifacts: ArtifactSet) -> None:
    xml = sample("cius-ro/examples/ubl/anaf_creditNote_ex.xml")

    results = await asyncio.gather(*(validate_async(xml, PIPELINES["cius-ro"], artifacts) for _ in range(3)))

    assert {_signature(r) == _signature(validate(xml, PIPELINES["cius-ro"], artifacts)) for r in results} == {True}


def test_warm_up_compiles_once_per_process(artifacts: ArtifactSet) -> None:
    first = warm_up(PIPELINES["cius-ro-cen"], artifacts)
    again = warm_up(PIPELINES["cius-ro-cen"], artifacts)

    assert set(first) == {"ubl-invoice-xsd", "ubl-creditnote-xsd", "en16931-ubl", "cius-ro-rules"}
    assert set(again.values()) == {0.0}


def test_saxon_refuses_other_threads() -> None:
    with pytest.raises(RuntimeError, match="dedicated validation thread"):
        saxon.compile_stylesheet(ARTIFACTS / "en16931/xslt/EN16931-UBL-validation.xslt")


@pytest.mark.parametrize(
    ("relative", "dialect"),
    [
        ("cius-ro/examples/ubl/anaf_creditNote_ex.xml", "cius-ro"),
        ("en16931/examples/ubl/CreditNote-Min_content_with_VAT.xml", "en16931-ubl"),
        ("cius-ro/examples/cii/CII_example2.xml", "en16931-cii"),
    ],
)
def test_detect_dialect(relative: str, dialect: str) -> None:
    assert detect_dialect(sample(relative)) == dialect


def test_detect_dialect_names_an_unknown_root() -> None:
    with pytest.raises(UnknownDialect, match=r"\{urn:x\}Order"):
        detect_dialect(b'<Order xmlns="urn:x"/>')
