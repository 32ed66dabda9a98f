"""Validation timings: stylesheet compile time (first call) and validation time after warm-up.

Run ``python bench/validation.py [--runs N] [FILE ...]`` with the project installed. Artefacts come
from ``STORNO_ARTIFACTS_DIR``, else ``../shared/conformance`` next to the repository. Without
FILE it validates two official ANAF CIUS-RO samples that bracket a 10-line invoice (5 and 20
lines). All figures are wall-clock milliseconds on this machine, one process, the engine's
dedicated validation thread.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from core.validation.artifacts import ArtifactSet
from core.validation.engine import validate, warm_up
from core.validation.pipelines import DEFAULT_PIPELINES
from plugins.anaf.pipeline import PIPELINES as ANAF_PIPELINES

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("STORNO_ARTIFACTS_DIR") or REPO / ".." / "shared" / "conformance").resolve()
SAMPLES = ("cius-ro/examples/ubl/ubl_b2g_example0.xml", "cius-ro/examples/ubl/ubl_b2g_example1.xml")


def bench_compile(artifacts: ArtifactSet) -> list[tuple[str, float]]:
    """First-call load/compile ms of every layer of the CIUS-RO and EN 16931 pipelines."""
    spent: dict[str, float] = {}
    for pipeline in (*ANAF_PIPELINES.values(), *DEFAULT_PIPELINES.values()):
        for name, ms in warm_up(pipeline, artifacts).items():
            spent.setdefault(name, ms)
    return list(spent.items())


def bench_validation(xml: bytes, dialect: str, artifacts: ArtifactSet, runs: int) -> dict[str, float]:
    """Median ms per whole validation and per layer of ``dialect``, over ``runs`` warm runs."""
    pipeline = {**DEFAULT_PIPELINES, **ANAF_PIPELINES}[dialect]
    report = validate(xml, pipeline, artifacts)  # warm-up (compiles what is missing)
    if not report.complete:
        raise SystemExit(f"the {dialect} pipeline did not run every layer; check the artefact directory")
    totals: list[float] = []
    layers: dict[str, list[float]] = {layer.name: [] for layer in report.layers}
    for _ in range(runs):
        started = time.perf_counter()
        report = validate(xml, pipeline, artifacts)
        totals.append((time.perf_counter() - started) * 1000)
        for layer in report.layers:
            layers[layer.name].append(layer.ms)
    return {"total": statistics.median(totals), **{name: statistics.median(v) for name, v in layers.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="CIUS-RO UBL invoices (default: two ANAF samples)")
    parser.add_argument("--runs", type=int, default=50, help="validations per file after warm-up (default 50)")
    args = parser.parse_args()

    started = time.perf_counter()
    artifacts = ArtifactSet.from_directory(ARTIFACTS)
    print(f"artefacts: {len(artifacts.manifest.files)} files verified (SHA-256) in {(time.perf_counter() - started) * 1000:.0f} ms")

    print("compile / load, first call in this process:")
    for name, ms in bench_compile(artifacts):
        print(f"  {name:<20} {ms:8.0f} ms")

    files = args.files or [ARTIFACTS / s for s in SAMPLES]
    for dialect in ("cius-ro", "cius-ro-cen"):
        print(f"validation, dialect {dialect}, median of {args.runs} warm runs:")
        for file in files:
            xml = file.read_bytes()
            lines = xml.count(b"<cac:InvoiceLine>") + xml.count(b"<cac:CreditNoteLine>")
            timings = bench_validation(xml, dialect, artifacts, args.runs)
            parts = ", ".join(f"{name} {ms:.1f}" for name, ms in timings.items() if name != "total")
            print(f"  {file.name} ({lines} lines, {len(xml) // 1024} KB): {timings['total']:.1f} ms  [{parts}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
