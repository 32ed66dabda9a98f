"""The OpenAPI document declares the recurring-invoice operations with their response bodies."""

from __future__ import annotations

from tests.contract.openapi import Spec
from tests.core.conftest import ok
from tests.core.recurring.conftest import BASE


async def test_recurring_operations_document_their_response_schemas(env):
    schema = ok(await env.api.get("/schema/openapi.json"))
    paths, components = schema["paths"], schema["components"]["schemas"]

    def response(path: str, method: str, status: str) -> dict:
        content = paths[path][method]["responses"][status]["content"]["application/json"]["schema"]
        return components[content["$ref"].rsplit("/", 1)[-1]]

    item = f"{BASE}/{{template_id}}"
    expected = {
        (BASE, "get", "200"): "RecurringPage", (BASE, "post", "201"): "Recurring", (item, "get", "200"): "Recurring",
        (item, "put", "200"): "Recurring", (f"{item}/toggle", "post", "200"): "Recurring",
        (f"{item}/issue-now", "post", "201"): "IssueNowResult", (f"{BASE}/bulk-delete", "post", "200"): "BulkDeleted",
        (f"{BASE}/bulk-toggle-active", "post", "200"): "BulkUpdated", (f"{BASE}/bulk-issue-now", "post", "200"): "BulkIssued",
    }
    for (path, method, status), title in expected.items():
        assert response(path, method, status)["title"] == title, (path, method)
    assert "204" in paths[item]["delete"]["responses"]
    recurring = response(item, "get", "200")["properties"]
    assert recurring["total"]["type"] == "number" and recurring["estimatedTotal"]["type"] == "number"
    assert recurring["exchangeRate"]["type"] == ["number", "null"]
    assert {"frequency", "frequencyDay", "nextIssuanceDate", "lines", "isActive"} <= set(recurring)
    body = paths[BASE]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"clientId", "frequency", "nextIssuanceDate", "lines"} <= set(Spec(schema).resolve(body)["properties"]), body


async def test_responses_carry_exactly_the_documented_keys(env):
    schema = ok(await env.api.get("/schema/openapi.json"))["components"]["schemas"]
    created = await env.create()
    assert set(created) == set(schema["Recurring"]["properties"])
    assert set(created["lines"][0]) == set(schema["RecurringLine"]["properties"])
    page = ok(await env.api.get(BASE, headers=env.owner.headers))
    assert set(page["data"][0]) == set(schema["RecurringRow"]["properties"])
