"""The OpenAPI document lists the operations of the main job with their request schemas."""

from __future__ import annotations

from tests.contract.openapi import Spec
from tests.support.appliance import running_appliance

MAIN_JOB = {
    ("post", "/api/auth/register"), ("post", "/api/auth"), ("get", "/api/v1/companies"), ("post", "/api/v1/companies"),
    ("post", "/api/v1/clients"), ("post", "/api/v1/products"), ("get", "/api/v1/vat-rates"), ("get", "/api/v1/document-series"),
    ("get", "/api/v1/invoices"), ("post", "/api/v1/invoices"), ("get", "/api/v1/invoices/{invoice_id}"),
    ("post", "/api/v1/invoices/{invoice_id}/issue"), ("post", "/api/v1/invoices/{invoice_id}/submit"),
    ("post", "/api/v1/invoices/{invoice_id}/validate"), ("get", "/api/v1/invoices/{invoice_id}/xml"),
    ("post", "/api/v1/sync/trigger"), ("get", "/api/v1/efactura-messages"),
}


def test_openapi_document(settings, registry):
    with running_appliance(settings, registry, tenant=False, embedded_workers=False) as app:
        answer = app.http.get("/schema/openapi.json")
        assert answer.status_code == 200
        spec = Spec(answer.json())
        paths = spec.document["paths"]
        present = {(method, path) for path, ops in paths.items() for method in ops}
        assert MAIN_JOB <= present, sorted(MAIN_JOB - present)
        body = paths["/api/v1/invoices"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert {"clientId", "lines"} <= set(spec.resolve(body)["properties"]), body
