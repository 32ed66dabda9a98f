"""``storno validate FILE [--dialect D] [--json]``: judge an e-invoice with the official artefacts.

The dialect is detected from the document (:func:`core.validation.sniff.detect_dialect`) unless
``--dialect`` names one. The report says which layers ran and which did not, then every rule the
document breaks (severity, rule id, location, message).

Exit status: 0 valid; 1 invalid, or not every layer could run (a layer that did not run is never
counted as passed); 2 unusable input (unreadable file, not XML or unsafe XML, unknown dialect,
missing or altered artefacts), with one sentence on stderr.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from core.errors import ArtifactError, ConfigurationError, UnsafeXmlError
from core.validation.artifacts import resolve_artifacts
from core.validation.engine import validate
from core.validation.pipelines import DEFAULT_PIPELINES
from core.validation.report import ValidationReport
from core.validation.sniff import UnknownDialect, detect_dialect
from core.views import ValidationPipeline


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``validate`` to ``subparsers``."""
    parser = subparsers.add_parser("validate", help="validate an e-invoice XML with the official artefacts")
    parser.add_argument("file", type=Path, metavar="FILE", help="the XML file")
    parser.add_argument("--dialect", help="cius-ro, cius-ro-cen, en16931-ubl or en16931-cii (default: detected)")
    parser.add_argument("--json", action="store_true", help="print the API's validation result (shape C) as JSON")
    parser.set_defaults(func=validate_command)


def pipeline_for(dialect: str) -> ValidationPipeline:
    """The pipeline judging ``dialect``: the provider registry's when one is active, else the
    core's defaults and the ANAF plugin's pipelines. Raises ConfigurationError for an unknown one."""
    # Minimal coupling to the provider facade (core.providers, maintained separately): ask it first;
    # outside a started appliance no registry is active and it raises ConfigurationError.
    try:
        from core import providers

        return providers.validation_pipeline(dialect)
    except ConfigurationError:
        pass
    from plugins.anaf.pipeline import PIPELINES as ANAF_PIPELINES

    known = {**DEFAULT_PIPELINES, **ANAF_PIPELINES}
    if dialect not in known:
        raise ConfigurationError(f"Unknown dialect {dialect!r}; known dialects: {', '.join(sorted(known))}.")
    return known[dialect]


def validate_command(args: argparse.Namespace) -> int:
    """Validate ``args.file``; print the report; return 0 valid, 1 invalid or incomplete, 2 unusable input."""
    try:
        xml = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}.")
    try:
        dialect = args.dialect or detect_dialect(xml)
        pipeline = pipeline_for(dialect)
        artifacts = resolve_artifacts()
        report = validate(xml, pipeline, artifacts)
    except UnsafeXmlError as exc:
        return _fail(f"{args.file} is not usable XML: {exc.message}.")
    except (UnknownDialect, ConfigurationError, ArtifactError) as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps({"file": str(args.file), "dialect": dialect, "complete": report.complete, **report.to_contract()}, indent=2))
    else:
        print(_describe(args.file, report, artifacts.description))
    return 0 if report.valid else 1


def _describe(file: Path, report: ValidationReport, source: str) -> str:
    lines = [f"{file}: dialect {report.dialect}, artefacts from {source}"]
    for layer in report.layers:
        if layer.ran:
            lines.append(f"  ran      {layer.name} ({layer.kind}, {layer.file}, {layer.ms:.1f} ms)")
        else:
            lines.append(f"  NOT RUN  {layer.name} ({layer.kind}): {layer.reason}")
    for f in report.findings:
        lines.append(f"  {f.severity.upper():<11} {f.rule_id or '-'} at {_short(f.location)}: {f.message}")
    if report.valid:
        lines.append("VALID")
    elif not report.complete and not report.errors:
        names = ", ".join(layer.name for layer in report.not_run) or "none applied"
        lines.append(f"NOT VALIDATED: no rule failed, but these layers did not run: {names}")
    else:
        lines.append(f"INVALID: {len(report.errors)} fatal/error finding(s)")
    return "\n".join(lines)


def _short(location: str | None) -> str:
    """An SVRL location without its namespace tests: ``/*:Invoice[namespace-uri()='…'][1]`` -> ``/Invoice[1]``."""
    return _NS_TEST.sub("", location).replace("*:", "") if location else "-"


_NS_TEST = re.compile(r"\[namespace-uri\(\)='[^']*'\]")


def _fail(sentence: str) -> int:
    print(f"storno validate: {sentence}", file=sys.stderr)
    return 2
