"""Fixtures of the security suite: two organisations with real objects, an API key, and the
company-scoped operations of the app's own OpenAPI document.

Runs on SQLite always and PostgreSQL when STORNO_TEST_DATABASE_URL is set (the ``settings``
fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest

from core.auth.permissions import ROLE_PERMISSIONS
from tests.core.conftest import Tenant, api, ok, owner  # noqa: F401 - fixtures for this suite
from tests.support.tenants import two_organisations

LINES = [
    {"description": "Consultanta", "quantity": "2", "unitPrice": "100.00", "vatRate": "21", "unitOfMeasure": "ore"}
]
PRODUCT = {"name": "Consultanta IT", "unitOfMeasure": "ore", "defaultPrice": "150.5", "vatRate": 21, "code": "CONS-1"}
SUPPLIER = {
    "name": "Furnizor SRL",
    "cif": "RO14399840",
    "isVatPayer": True,
    "address": "Str. Lunga 3",
    "city": "Iasi",
    "county": "Iasi",
}


@dataclass
class Operation:
    """One operation of the OpenAPI document."""

    method: str
    path: str
    spec: dict[str, Any]

    @property
    def params(self) -> list[dict[str, Any]]:
        return self.spec.get("parameters", [])

    @property
    def company_scoped(self) -> bool:
        """Takes the company context (``X-Company`` / ``?company=``) or names a company in its path."""
        names = {p["name"] for p in self.params}
        return "X-Company" in names or "company_id" in names


@dataclass
class Estate:
    """The app, organisations A and B, B's objects by path-parameter name, A's all-scope key."""

    api: Any
    a: Tenant
    b: Tenant
    b_ids: dict[str, str]
    a_key: str
    document: dict[str, Any]
    operations: list[Operation] = field(default_factory=list)


def _id_of(body: Any) -> str:
    """The ``id`` of a create response: top level or inside its single wrapped object."""
    if isinstance(body, dict) and isinstance(body.get("id"), str):
        return body["id"]
    for value in body.values():
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            return value["id"]
    raise AssertionError(f"no id in {body}")


async def _create(api: Any, tenant: Tenant, path: str, body: dict[str, Any]) -> str:
    return _id_of(ok(await api.post(path, json=body, headers=tenant.headers), 201))


def _first_id(body: Any) -> str:
    rows = body["data"] if isinstance(body, dict) else body
    return rows[0]["id"]


async def seed_objects(api: Any, b: Tenant) -> dict[str, str]:
    """B's objects, keyed by the path-parameter names the routes use."""
    client = b.extra["client_id"]
    ids = {
        "company_id": b.company_id,
        "client_id": client,
        "product_id": await _create(api, b, "/api/v1/products", PRODUCT),
        "supplier_id": await _create(api, b, "/api/v1/suppliers", SUPPLIER),
        "invoice_id": await _create(api, b, "/api/v1/invoices", {"clientId": client, "lines": LINES}),
        "proforma_id": await _create(api, b, "/api/v1/proforma-invoices", {"clientId": client, "lines": LINES}),
        "note_id": await _create(api, b, "/api/v1/delivery-notes", {"clientId": client, "lines": LINES}),
        "receipt_id": await _create(api, b, "/api/v1/receipts", {"lines": LINES}),
        "template_id": await _create(
            api,
            b,
            "/api/v1/recurring-invoices",
            {"reference": "Abonament", "clientId": client, "frequency": "monthly", "frequencyDay": 15, "lines": LINES},
        ),
        "rate_id": _first_id(ok(await api.get("/api/v1/vat-rates", headers=b.headers))),
        "series_id": _first_id(ok(await api.get("/api/v1/document-series", headers=b.headers))),
        "provider": "anaf",
    }
    return ids


def company_operations(document: dict[str, Any]) -> list[Operation]:
    """Every company-scoped operation under /api/v1 of the OpenAPI ``document``."""
    operations = [
        Operation(method.upper(), path, spec)
        for path, item in document["paths"].items()
        for method, spec in item.items()
        if method in {"get", "post", "put", "patch", "delete"} and path.startswith("/api/v1/")
    ]
    return [op for op in operations if op.company_scoped]


def fill_path(op: Operation, ids: dict[str, str]) -> str:
    """``op.path`` with each ``{name}`` replaced by B's object of that name (a fresh UUID when B
    has no such object: payments, e-Factura messages, attachments — the company check comes first)."""
    path = op.path
    for param in op.params:
        if param.get("in") == "path":
            path = path.replace("{" + param["name"] + "}", ids.get(param["name"], str(uuid.uuid4())))
    return path


def minimal_body(op: Operation, document: dict[str, Any], ids: dict[str, str]) -> Any:
    """A body with the required fields of the operation's JSON schema (None when it takes none)."""
    content = (op.spec.get("requestBody") or {}).get("content", {})
    schema = (content.get("application/json") or {}).get("schema")
    if schema is None:
        return None
    return _value(schema, document, ids, depth=0)


def _value(schema: dict[str, Any], document: dict[str, Any], ids: dict[str, str], depth: int) -> Any:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _value(document["components"]["schemas"][name], document, ids, depth)
    for union in ("oneOf", "anyOf"):
        if union in schema:
            choices = [s for s in schema[union] if s.get("type") != "null"]
            return _value(choices[0], document, ids, depth) if choices else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        props = schema.get("properties", {})
        return {
            name: _value(props[name], document, ids, depth + 1) for name in schema.get("required", []) if name in props
        }
    if kind == "array":
        items = schema.get("items")
        return [_value(items, document, ids, depth + 1)] if items and depth <= 4 and schema.get("minItems") else []
    if kind == "string":
        fmt = schema.get("format")
        return {
            "uuid": ids["client_id"],
            "date": "2026-11-20",
            "date-time": "2026-11-20T10:00:00Z",
            "email": "x@beta.ro",
        }.get(fmt, "1")
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return None


async def call(
    estate: Estate, op: Operation, headers: dict[str, str], ids: dict[str, str], params: dict[str, str] | None = None
) -> Any:
    """Send ``op`` with its path filled from ``ids`` and a minimal JSON body when it takes one."""
    body = minimal_body(op, estate.document, ids)
    kwargs: dict[str, Any] = {"headers": headers, "params": params or {}}
    if body is not None:
        kwargs["content"] = msgspec.json.encode(body)
        kwargs["headers"] = {**headers, "Content-Type": "application/json"}
    return await estate.api.request(op.method, fill_path(op, ids), **kwargs)


@pytest.fixture
async def estate(settings) -> AsyncIterator[Estate]:
    """Organisations A and B (one company each), B's objects, and A's key holding all 50 scopes."""
    async with two_organisations(settings) as (api, a, b):
        ids = await seed_objects(api, b)
        created = ok(
            await api.post(
                "/api/v1/api-tokens", json={"name": "all", "scopes": sorted(ROLE_PERMISSIONS["owner"])}, headers=a.auth
            ),
            201,
        )
        document = ok(await api.get("/schema/openapi.json"))
        yield Estate(api, a, b, ids, created["token"], document, company_operations(document))
