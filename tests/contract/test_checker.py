"""The response checker of the contract suite finds what it is meant to find (so a passing
contract test means the bodies match their schemas, not that nothing was compared)."""

from __future__ import annotations

from tests.contract.openapi import Spec, check

DOCUMENT = {
    "paths": {"/api/v1/things/{id}": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["id", "total", "issueDate"],
                "properties": {
                    "id": {"type": "string"},
                    "total": {"type": "number"},
                    "rate": {"type": ["number", "null"]},
                    "issueDate": {"type": "string", "format": "date"},
                    "paidAt": {"oneOf": [{"type": "string"}, {"type": "null"}], "format": "date-time"},
                    "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                },
            },
            "Line": {"type": "object", "required": ["position"], "properties": {"position": {"type": "integer"}}},
        }
    },
}
SPEC = Spec(DOCUMENT)
SCHEMA = SPEC.response_schema("GET", "/api/v1/things/42", 200)


def test_a_matching_body_passes() -> None:
    body = {"id": "x", "total": 1.5, "rate": None, "issueDate": "2026-11-21", "paidAt": "2026-11-21T10:00:00+00:00", "lines": [{"position": 1}]}
    assert check(SPEC, SCHEMA, body) == []


def test_each_kind_of_mismatch_is_reported() -> None:
    body = {"id": 7, "total": "1.50", "rate": "21", "issueDate": "21.11.2026", "paidAt": "2026-11-21T10:00:00", "lines": [{"position": True}], "extra": 1}
    errors = check(SPEC, SCHEMA, body)
    for where in ("$.id", "$.total", "$.rate", "$.issueDate", "$.paidAt", "$.lines[0].position", "'extra' is not declared"):
        assert any(where in e for e in errors), (where, errors)
    assert any("'issueDate' is missing" in e for e in check(SPEC, SCHEMA, {"id": "x", "total": 1}))


def test_an_undocumented_status_or_path_is_refused() -> None:
    for call in (lambda: SPEC.response_schema("GET", "/api/v1/things/42", 201), lambda: SPEC.operation("GET", "/api/v1/other")):
        try:
            call()
        except AssertionError:
            continue
        raise AssertionError("an undocumented operation or status was accepted")
