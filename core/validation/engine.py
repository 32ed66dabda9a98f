"""The validation engine: run a pipeline's official artefacts over one untrusted document.

For each layer that applies to the document's root element, in pipeline order:

- ``xsd``: W3C XML Schema through lxml (schemas loaded with no network and no entity
  expansion; absolute ``schemaLocation`` URLs mapped onto the artefact directory);
- ``schematron``: the Schematron compiled to XSLT 2.0, run by saxonche; its ISO Schematron SVRL
  output is read into findings: every ``svrl:failed-assert`` and ``svrl:successful-report``,
  graded by ``@flag`` (unflagged = ``error``; ``fatal``/``error`` make the document invalid;
  ``warning``/``information`` are advisory), then re-graded by the layer's ``severity_overrides``.

All layers run even after one fails, so a report lists everything wrong at once. All work,
Saxon's and lxml's, runs on the one dedicated thread of :mod:`core.validation.saxon`, so
:func:`validate` may be called from any thread and :func:`validate_async` from any event loop;
stylesheets and schemas are compiled once per process.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from lxml import etree
from saxonche import PySaxonApiError

from core.errors import ArtifactError, ConfigurationError
from core.validation import saxon
from core.validation.artifacts import SCHEMA_URL_MAP, ArtifactSet, resolve_artifacts
from core.validation.report import Finding, LayerResult, Severity, ValidationReport
from core.views import ValidationLayer, ValidationPipeline
from core.xmlsafe import parse_untrusted

__all__ = ["validate", "validate_async", "warm_up"]

_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_FLAGS: dict[str, Severity] = {
    "fatal": "fatal",
    "error": "error",
    "warning": "warning",
    "warn": "warning",
    "information": "information",
    "info": "information",
}
_schemas: dict[str, etree.XMLSchema] = {}  # by absolute path; touched only on the worker thread


def validate(xml: bytes, pipeline: ValidationPipeline, artifacts: ArtifactSet | None = None) -> ValidationReport:
    """Validate the document ``xml`` (raw bytes, untrusted) with ``pipeline``.

    ``artifacts`` defaults to :func:`~core.validation.artifacts.resolve_artifacts`
    (``STORNO_ARTIFACTS_DIR``, else the bundled copies). Blocks until the dedicated validation
    thread has run it. Raises :class:`core.errors.UnsafeXmlError` for oversized, malformed or
    DOCTYPE-carrying XML, and :class:`core.errors.ArtifactError` for missing or altered artefacts.
    """
    return saxon.call(_run, xml, pipeline, artifacts)


async def validate_async(
    xml: bytes, pipeline: ValidationPipeline, artifacts: ArtifactSet | None = None
) -> ValidationReport:
    """:func:`validate` for async callers: awaits the dedicated thread without blocking the loop."""
    return await asyncio.wrap_future(saxon.submit(_run, xml, pipeline, artifacts))


def warm_up(pipeline: ValidationPipeline, artifacts: ArtifactSet | None = None) -> dict[str, float]:
    """Load every schema and compile every stylesheet of ``pipeline`` that can run.

    Returns milliseconds spent per layer name (0.0 for what this process had already compiled);
    layers without an artefact are left out. Raises :class:`ArtifactError` like :func:`validate`.
    """
    return saxon.call(_warm_up, pipeline, artifacts)


def _warm_up(pipeline: ValidationPipeline, artifacts: ArtifactSet | None) -> dict[str, float]:
    artifacts = artifacts or resolve_artifacts()
    spent: dict[str, float] = {}
    for layer in pipeline.layers:
        located = artifacts.locate(layer)
        if located.file is None:
            continue
        if layer.kind == "xsd":
            started = time.perf_counter()
            cached = str(located.file) in _schemas
            _schema(located.file, artifacts)
            spent[layer.name] = 0.0 if cached else (time.perf_counter() - started) * 1000
        else:
            spent[layer.name] = saxon.compile_stylesheet(located.file)
    return spent


def _run(xml: bytes, pipeline: ValidationPipeline, artifacts: ArtifactSet | None) -> ValidationReport:
    artifacts = artifacts or resolve_artifacts()
    root = parse_untrusted(xml)
    local = etree.QName(root).localname
    applicable = [layer for layer in pipeline.layers if not layer.roots or local in layer.roots]
    if not applicable:
        expected = sorted({r for layer in pipeline.layers for r in layer.roots})
        finding = Finding(
            source="xsd",
            severity="fatal",
            rule_id="root-element",
            message=f"The root element {root.tag} is not a document the {pipeline.dialect} pipeline validates "
            f"(expected {', '.join(expected) or 'none'}).",
        )
        return ValidationReport.of(pipeline.dialect, (), (finding,))
    text: str | None = None  # the document as Saxon reads it, serialised once from the safe parse
    layers: list[LayerResult] = []
    findings: list[Finding] = []
    for layer in applicable:
        located = artifacts.locate(layer)
        if located.file is None:
            layers.append(LayerResult(layer.name, layer.kind, ran=False, reason=located.reason, file=located.label))
            continue
        started = time.perf_counter()
        if layer.kind == "xsd":
            findings += _xsd_findings(_schema(located.file, artifacts), root, layer)
        elif layer.kind == "schematron":
            text = text if text is not None else etree.tostring(root, encoding="unicode")
            try:
                svrl = saxon.transform(located.file, text)
            except PySaxonApiError as exc:
                reason = f"the stylesheet stopped with an error on this document ({exc})"
                layers.append(LayerResult(layer.name, layer.kind, ran=False, reason=reason, file=located.label))
                continue
            findings += _svrl_findings(svrl, layer)
        else:
            raise ConfigurationError(f"The validation layer {layer.name} has the unknown kind {layer.kind!r}.")
        ms = (time.perf_counter() - started) * 1000
        layers.append(LayerResult(layer.name, layer.kind, ran=True, file=located.label, ms=round(ms, 2)))
    return ValidationReport.of(pipeline.dialect, tuple(layers), tuple(findings))


class _UrlMap(etree.Resolver):
    """Maps absolute schemaLocation URLs (:data:`SCHEMA_URL_MAP`) onto the artefact directory."""

    def __init__(self, directory: Path | None) -> None:
        super().__init__()
        self.directory = directory

    def resolve(self, url, pubid, context):  # noqa: ANN001, ANN201 - lxml's signature
        if self.directory is None or not url:
            return None
        for prefix, local in SCHEMA_URL_MAP.items():
            if url.startswith(prefix):
                target = local + url[len(prefix) :] if local.endswith("/") else local
                return self.resolve_filename(str(self.directory / target), context)
        return None


def _schema(path: Path, artifacts: ArtifactSet) -> etree.XMLSchema:
    key = str(path)
    if key not in _schemas:
        parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
        parser.resolvers.add(_UrlMap(artifacts.directory))
        try:
            _schemas[key] = etree.XMLSchema(etree.parse(key, parser))
        except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
            raise ArtifactError(f"The schema {path.name} cannot be loaded: {exc}.") from None
    return _schemas[key]


def _xsd_findings(schema: etree.XMLSchema, root: etree._Element, layer: ValidationLayer) -> list[Finding]:
    if schema.validate(root):
        return []
    return [
        Finding(
            source="xsd",
            severity=_regrade(e.type_name, "error", layer),
            message=e.message,
            rule_id=e.type_name,
            location=f"line {e.line}: {e.path}" if e.path else f"line {e.line}",
            layer=layer.name,
        )
        for e in schema.error_log
    ]


def _svrl_findings(svrl_text: str, layer: ValidationLayer) -> list[Finding]:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=True)
    svrl = etree.fromstring(svrl_text.encode("utf-8"), parser)
    findings = []
    for item in svrl.iter(f"{_SVRL}failed-assert", f"{_SVRL}successful-report"):
        rule_id = item.get("id")
        flag = (item.get("flag") or "error").strip().lower()  # ISO Schematron: unflagged = error
        findings.append(
            Finding(
                source="schematron",
                severity=_regrade(rule_id, _FLAGS.get(flag, "error"), layer),
                message=" ".join((item.findtext(f"{_SVRL}text") or "").split()),
                rule_id=rule_id,
                location=item.get("location"),
                layer=layer.name,
            )
        )
    return findings


def _regrade(rule_id: str | None, severity: Severity, layer: ValidationLayer) -> Severity:
    override = layer.severity_overrides.get(rule_id or "")
    if override is None:
        return severity
    if override not in _FLAGS.values():
        raise ConfigurationError(f"The validation layer {layer.name} re-grades {rule_id} to the unknown {override!r}.")
    return override  # type: ignore[return-value]
