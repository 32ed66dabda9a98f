"""Every operation of the invoicing areas, walked from the live OpenAPI document: each declares a
response schema for its success status, refuses a request without credentials (401, shape E)
and a request for another organisation's company (403, shape A), whatever its id or body."""

from __future__ import annotations

import re
import uuid

from tests.contract.conftest import World, conforms

#: Path prefixes of the endpoints.tsv areas of the invoicing issue (bench/api_coverage.py).
AREAS = (
    "/api/v1/invoices", "/api/v1/proforma-invoices", "/api/v1/delivery-notes", "/api/v1/receipts",
    "/api/v1/recurring-invoices", "/api/v1/clients", "/api/v1/products", "/api/v1/suppliers",
    "/api/v1/document-series", "/api/v1/vat-rates", "/api/v1/vat-category-codes", "/api/v1/invoice-defaults",
    "/api/v1/einvoice", "/api/v1/efactura-messages", "/api/v1/sync", "/api/v1/pdf-template-config",
)
COMPANY_SCOPED = re.compile(r"^/api/v1/companies/\{[^}]+\}/einvoice-config")
METHODS = ("get", "post", "put", "patch", "delete")
BINARY = ("application/pdf", "application/xml", "application/octet-stream", "application/zip", "text/csv")


def operations(world: World) -> list[tuple[str, str]]:
    """(METHOD, path template) of every in-scope operation in the OpenAPI document."""
    found = [
        (method.upper(), path)
        for path, item in world.spec.document["paths"].items()
        if path.startswith(AREAS) or COMPANY_SCOPED.match(path)
        for method in item
        if method in METHODS
    ]
    assert len(found) > 70, found  # the areas are mounted
    return sorted(found)


def concrete(template: str, company_id: str) -> str:
    """``template`` with the company parameter set to ``company_id`` and every other id random."""
    path = re.sub(r"^/api/v1/companies/\{[^}]+\}", f"/api/v1/companies/{company_id}", template)
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


def body_for(world: World, method: str, template: str) -> dict[str, object]:
    """Request keyword arguments with a body of the documented media type (empty or minimal)."""
    request = world.spec.document["paths"][template][method.lower()].get("requestBody") or {}
    media = request.get("content") or {}
    if any(m.startswith("multipart/") for m in media):
        return {"files": {"file": ("a.txt", b"x", "text/plain")}}
    if method in ("POST", "PUT", "PATCH"):
        return {"json": {}}
    return {}


def test_every_operation_documents_a_response_schema(world: World) -> None:
    missing = []
    for method, template in operations(world):
        responses = world.spec.document["paths"][template][method.lower()]["responses"]
        success = [code for code in responses if code.startswith("2")]
        if not success:
            missing.append(f"{method} {template}: no 2xx response")
        for code in success:
            content = responses[code].get("content") or {}
            if code == "204":
                continue
            if any(media.startswith(BINARY) for media in content):
                continue
            schema = (content.get("application/json") or {}).get("schema") or {}
            ref = schema.get("$ref") or (schema.get("items") or {}).get("$ref")
            if not ref:
                missing.append(f"{method} {template} {code}: {schema or 'no JSON schema'}")
    assert not missing, "operations without a declared response schema:\n" + "\n".join(missing)


def test_every_operation_refuses_a_request_without_credentials(world: World) -> None:
    for method, template in operations(world):
        path = concrete(template, world.a.company_id)
        kwargs = body_for(world, method, template)
        answer = world.anonymous.request(method, path, headers={"X-Company": world.a.company_id}, **kwargs)
        assert answer.status_code == 401, f"{method} {path}: {answer.status_code} {answer.text[:200]}"
        body = conforms(world.spec, method, path, answer)
        assert body["code"] == 401 and body["message"]


def test_every_operation_refuses_another_organisations_company(world: World) -> None:
    stranger = {"Authorization": f"Bearer {world.a.token}", "X-Company": world.b.company_id}
    for method, template in operations(world):
        path = concrete(template, world.b.company_id)
        kwargs = body_for(world, method, template)
        answer = world.a.http.request(method, path, headers=stranger, **kwargs)
        assert answer.status_code == 403, f"{method} {path}: {answer.status_code} {answer.text[:200]}"
        conforms(world.spec, method, path, answer)
