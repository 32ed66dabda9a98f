"""``storno convert``: one file's round trip to CIUS-RO from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.validation.engine import validate
from plugins.anaf.parse import parse
from plugins.anaf.pipeline import PIPELINES


def _convert(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", "convert", *args], capture_output=True, text=True, timeout=120)


def test_convert_keeps_business_terms_and_passes_the_rules(tmp_path: Path, artifacts_dir: Path):
    source = artifacts_dir / "cius-ro/examples/ubl/ubl_b2g_example3.xml"
    out = tmp_path / "out.xml"
    result = _convert(str(source), "--to", "cius-ro", "-o", str(out))
    assert result.returncode == 0, result.stderr
    before, after = parse(source.read_bytes()).document, parse(out.read_bytes()).document
    assert (after.invoice_number, after.issue_date, after.currency_code) == (before.invoice_number, before.issue_date, before.currency_code)
    assert after.totals == before.totals
    assert [(l.line_id, l.quantity, l.net_amount) for l in after.lines] == [(l.line_id, l.quantity, l.net_amount) for l in before.lines]
    assert validate(out.read_bytes(), PIPELINES["cius-ro"]).valid


def test_convert_names_the_missing_business_terms(tmp_path: Path, artifacts_dir: Path):
    source = artifacts_dir / "en16931/examples/cii/CII_example1.xml"
    result = _convert(str(source), "--to", "cius-ro", "-o", str(tmp_path / "out.xml"))
    assert result.returncode == 1
    assert "BT-6" in result.stderr and "BR-RO-030" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.xml").exists()


def test_convert_refuses_unusable_input(tmp_path: Path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<not-an-invoice/>")
    assert _convert(str(bad), "--to", "cius-ro", "-o", str(tmp_path / "o.xml")).returncode == 2
    assert _convert(str(tmp_path / "missing.xml"), "--to", "cius-ro", "-o", str(tmp_path / "o.xml")).returncode == 2
