"""A small JSON-schema checker for response bodies against the app's own OpenAPI document.

Resolves ``$ref`` (``#/components/schemas/...``) and checks ``type`` (a name or a list, 3.1
style), ``oneOf``/``anyOf`` (at least one arm), ``enum``, ``const``, ``required``, ``properties``,
``items``, ``additionalProperties`` and the ``date``/``date-time`` formats. An object schema that
lists ``properties`` is closed: a key it does not declare is an error (the response Structs
forbid undeclared keys, so a key the document does not name is drift between the two).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

__all__ = ["Spec", "check"]

_TYPES: dict[str, Any] = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
}


def _is(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def _format_ok(value: Any, fmt: str | None) -> bool:
    if not isinstance(value, str) or fmt not in ("date", "date-time"):
        return True
    try:
        if fmt == "date":
            return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(dt.date.fromisoformat(value))
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.tzinfo is not None  # timestamps carry their zone (ARCHITECTURE.md, API contract)
    except ValueError:
        return False


class Spec:
    """The OpenAPI document of a running app, with operation lookup by concrete path."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._templates = [
            (re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "/?$"), path)
            for path in document["paths"]
        ]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with its top ``$ref`` followed (repeatedly)."""
        while "$ref" in schema:
            ref = schema["$ref"]
            assert ref.startswith("#/"), f"only local references are used: {ref}"
            node: Any = self.document
            for part in ref[2:].split("/"):
                node = node[part]
            schema = node
        return schema

    def template(self, path: str) -> str:
        """The documented path template matching a concrete ``path`` (most literal segments win)."""
        matches = [template for pattern, template in self._templates if pattern.match(path)]
        assert matches, f"{path} is not in the OpenAPI document"
        return max(matches, key=lambda t: len(re.sub(r"\{[^}]*\}", "", t)))

    def operation(self, method: str, path: str) -> dict[str, Any]:
        """The operation object of ``method`` on the template matching ``path``."""
        item = self.document["paths"][self.template(path)]
        assert method.lower() in item, f"{method} {path} is not documented"
        return item[method.lower()]

    def response_schema(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        """The JSON schema documented for ``status`` of the operation (None: no JSON body)."""
        responses = self.operation(method, path)["responses"]
        assert str(status) in responses, f"{method} {path} answered {status}, which is not documented ({sorted(responses)})"
        content = responses[str(status)].get("content") or {}
        media = content.get("application/json")
        return media.get("schema") if media else None


def check(spec: Spec, schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """Every mismatch between ``value`` and ``schema`` as ``"<json path>: <what>"`` (empty: valid)."""
    schema = spec.resolve(schema)
    errors: list[str] = []
    for key in ("oneOf", "anyOf"):
        if key in schema:
            arms = [check(spec, arm, value, where) for arm in schema[key]]
            if all(arms):
                errors.append(f"{where}: matches no arm of {key}: {arms}")
            if not _format_ok(value, schema.get("format")):
                errors.append(f"{where}: {value!r} is not a {schema['format']}")
            return errors
    kinds = schema.get("type")
    if kinds is not None:
        names = kinds if isinstance(kinds, list) else [kinds]
        if not any(_is(value, name) for name in names):
            return [f"{where}: expected {'/'.join(names)}, got {type(value).__name__} {value!r:.60}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if not _format_ok(value, schema.get("format")):
        errors.append(f"{where}: {value!r} is not a {schema['format']}")
    if isinstance(value, dict):
        properties = schema.get("properties")
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}: required key {name!r} is missing")
        for name, item in value.items():
            if properties is not None and name in properties:
                errors += check(spec, properties[name], item, f"{where}.{name}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += check(spec, schema["additionalProperties"], item, f"{where}.{name}")
            elif properties is not None:
                errors.append(f"{where}: key {name!r} is not declared")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += check(spec, schema["items"], item, f"{where}[{index}]")
    return errors
