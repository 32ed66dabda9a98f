"""What a validation found: findings per rule, which layers ran, and the API's rendering (shape C).

A document is ``valid`` only when the report is ``complete`` (every layer of the pipeline that
applies to its root element ran) and no finding is ``fatal`` or ``error``. A layer that could not
run (no artefact for it) never counts as passed: the report says which layers ran and why the
others did not.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

__all__ = ["BLOCKING", "Finding", "LayerResult", "Severity", "Source", "ValidationReport"]

#: Where a finding comes from (the API's ``source`` values).
Source = Literal["xsd", "schematron", "business", "xml_generation"]

#: ISO Schematron flags as the EN 16931 family uses them; ``fatal`` and ``error`` block.
Severity = Literal["fatal", "error", "warning", "information"]

#: Severities that make a document invalid.
BLOCKING: frozenset[str] = frozenset({"fatal", "error"})


class Finding(msgspec.Struct, frozen=True):
    """One broken rule.

    ``rule_id``: the Schematron assertion id (``BR-CO-10``, ``BR-RO-001``) or the libxml2 error
    type of a schema error (``SCHEMAV_CVC_COMPLEX_TYPE_2_4``). ``location``: the SVRL XPath, or
    ``line N: /path`` for schema errors. ``layer``: the name of the pipeline layer that found it.
    """

    source: Source
    severity: Severity
    message: str
    rule_id: str | None = None
    location: str | None = None
    layer: str | None = None

    @property
    def blocking(self) -> bool:
        """True for ``fatal`` and ``error``: the document is invalid."""
        return self.severity in BLOCKING

    def text(self) -> str:
        """``[rule] message`` (the rule is not repeated when the message already starts with it)."""
        if not self.rule_id or self.message.startswith(f"[{self.rule_id}]"):
            return self.message
        return f"[{self.rule_id}] {self.message}"


class LayerResult(msgspec.Struct, frozen=True):
    """One pipeline layer as it applied to a document.

    ``ran`` False with a ``reason`` when its artefact is unavailable or failed to evaluate;
    ``file`` names the artefact used (artefact-relative path, or ``package:path`` for a bundled
    copy); ``ms`` the wall time of the layer in milliseconds.
    """

    name: str
    kind: Literal["xsd", "schematron"]
    ran: bool
    reason: str | None = None
    file: str | None = None
    ms: float = 0.0


class ValidationReport(msgspec.Struct, frozen=True):
    """The verdict on one document under one pipeline.

    Build with :meth:`of`, which derives ``complete`` and ``valid`` from ``layers`` and
    ``findings``; render for the API with :meth:`to_contract`.
    """

    valid: bool
    complete: bool
    dialect: str
    layers: tuple[LayerResult, ...]
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, dialect: str, layers: tuple[LayerResult, ...], findings: tuple[Finding, ...]) -> ValidationReport:
        """A report whose ``complete`` is "at least one layer applied and all of them ran" and
        whose ``valid`` is "complete and nothing blocking"."""
        complete = bool(layers) and all(layer.ran for layer in layers)
        valid = complete and not any(f.blocking for f in findings)
        return cls(valid=valid, complete=complete, dialect=dialect, layers=layers, findings=findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The blocking findings (``fatal`` and ``error``)."""
        return tuple(f for f in self.findings if f.blocking)

    @property
    def not_run(self) -> tuple[LayerResult, ...]:
        """Layers that applied but did not run."""
        return tuple(layer for layer in self.layers if not layer.ran)

    def to_contract(self) -> dict[str, Any]:
        """The API's validation result (``../shared/api/objects.md`` §1, shape C).

        ``{"valid", "errors": [{"message", "source", "ruleId", "location"}], "warnings": [str],
        "schematronAvailable", "layers": [{"name", "kind", "ran", "reason"}]}``. ``warnings``
        holds the advisory findings and one sentence per layer that did not run;
        ``schematronAvailable`` is True only when the pipeline has Schematron layers for this
        document and all of them ran.
        """
        schematron = [layer for layer in self.layers if layer.kind == "schematron"]
        warnings = [f.text() for f in self.findings if not f.blocking]
        warnings += [f"The {layer.name} layer ({layer.kind}) was not run: {layer.reason}." for layer in self.not_run]
        return {
            "valid": self.valid,
            "errors": [
                {"message": f.message, "source": f.source, "ruleId": f.rule_id, "location": f.location}
                for f in self.errors
            ],
            "warnings": warnings,
            "schematronAvailable": bool(schematron) and all(layer.ran for layer in schematron),
            "layers": [
                {"name": layer.name, "kind": layer.kind, "ran": layer.ran, "reason": layer.reason}
                for layer in self.layers
            ],
        }
