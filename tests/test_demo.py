"""The main job: ``storno demo`` runs end to end, and every XML it generates passes the official
UBL 2.1 XSD and EN 16931 + CIUS-RO schematron (ANAF's bundle, and CEN 1.3.16 + ANAF's RO rules)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.validation.engine import validate
from plugins.anaf.pipeline import PIPELINES


def test_demo_end_to_end_and_every_generated_xml_passes_the_official_rules(tmp_path: Path, artifacts_dir: Path):
    out = tmp_path / "out"
    env = {**os.environ, "STORNO_ENV": "development", "STORNO_ARTIFACTS_DIR": str(artifacts_dir), "STORNO_DATA_DIR": str(tmp_path / "data")}
    env.pop("STORNO_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "core.cli", "demo", "--out", str(out)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "rejected" in result.stdout and "validated" in result.stdout
    generated = sorted(p for p in out.glob("*.xml") if not p.name.startswith("incoming-"))
    downloaded = sorted(out.glob("incoming-*.xml"))
    assert len(generated) >= 5 and len(downloaded) >= 2
    assert any(b"<CreditNote" in p.read_bytes()[:500] for p in generated)
    for path in generated:
        for dialect in ("cius-ro", "cius-ro-cen"):
            report = validate(path.read_bytes(), PIPELINES[dialect])
            fatal = [(f.rule_id, f.message) for f in report.findings if f.blocking]
            assert report.complete and report.valid and not fatal, (path.name, dialect, fatal)
