"""Organisation A can never act on organisation B's company or objects: every company-scoped
operation of the app's own OpenAPI document answers 403 to A for B's company, by JWT and by API
key, through the header and the query; and B's objects named in A's own company are not served.

Nothing is excluded: operations whose path names an object B does not have (a payment, an
e-Factura message, an attachment) get a fresh UUID, since the company check comes first.
"""

from __future__ import annotations

from core.auth.operations import permission_for
from core.auth.permissions import ROLE_PERMISSIONS
from tests.security.conftest import call

#: Areas the walk must find, so that it cannot pass by finding nothing.
EXPECTED = {
    ("POST", "/api/v1/invoices"),
    ("GET", "/api/v1/invoices/{invoice_id}"),
    ("POST", "/api/v1/invoices/{invoice_id}/issue"),
    ("PATCH", "/api/v1/clients/{client_id}"),
    ("DELETE", "/api/v1/products/{product_id}"),
    ("GET", "/api/v1/document-series"),
    ("POST", "/api/v1/proforma-invoices/{proforma_id}/convert"),
    ("PUT", "/api/v1/delivery-notes/{note_id}"),
    ("GET", "/api/v1/companies/{company_id}/einvoice-config"),
    ("POST", "/api/v1/sync/trigger"),
}


async def test_the_walk_covers_the_company_operations(estate):
    found = {(op.method, op.path) for op in estate.operations}
    assert EXPECTED <= found, sorted(EXPECTED - found)
    assert len(found) >= 80


async def test_every_company_operation_has_a_known_permission(estate):
    for op in estate.operations:
        permission = permission_for(op.method, op.path)
        if "X-Company" in {p["name"] for p in op.params}:
            assert permission in ROLE_PERMISSIONS["owner"], (op.method, op.path, permission)


async def test_another_organisations_company_is_403_for_every_operation(estate):
    a, b = estate.a, estate.b
    credentials = {"jwt": f"Bearer {a.token}", "api key": estate.a_key}
    failures = []
    for label, authorization in credentials.items():
        for op in estate.operations:
            by_header = await call(
                estate, op, {"Authorization": authorization, "X-Company": b.company_id}, estate.b_ids
            )
            by_query = await call(
                estate,
                op,
                {"Authorization": authorization, "X-Company": a.company_id},
                estate.b_ids,
                {"company": b.company_id},
            )
            for how, answer in (("header", by_header), ("query", by_query)):
                if answer.status_code != 403:
                    failures.append(f"{label}/{how} {op.method} {op.path} -> {answer.status_code} {answer.text[:120]}")
    assert not failures, "\n".join(failures)


async def test_b_objects_named_in_a_company_are_never_served_or_changed(estate):
    """A acting in A's own company with B's object ids in the path: never a 2xx, and B's
    objects read the same afterwards."""
    a, b, api = estate.a, estate.b, estate.api
    ids = estate.b_ids
    readings = {
        "invoice": f"/api/v1/invoices/{ids['invoice_id']}",
        "client": f"/api/v1/clients/{ids['client_id']}",
        "product": f"/api/v1/products/{ids['product_id']}",
        "proforma": f"/api/v1/proforma-invoices/{ids['proforma_id']}",
        "delivery note": f"/api/v1/delivery-notes/{ids['note_id']}",
        "receipt": f"/api/v1/receipts/{ids['receipt_id']}",
        "recurring": f"/api/v1/recurring-invoices/{ids['template_id']}",
        "series": "/api/v1/document-series",
        "vat rates": "/api/v1/vat-rates",
    }
    before = {name: (await api.get(url, headers=b.headers)).json() for name, url in readings.items()}
    failures = []
    for op in estate.operations:
        if not any(p.get("in") == "path" and p["name"] in ids and p["name"] != "company_id" for p in op.params):
            continue  # no object of B in the path
        if "{company_id}" in op.path:
            continue  # the company itself is B's: covered by the 403 walk
        answer = await call(estate, op, {**a.auth, "X-Company": a.company_id}, ids)
        if 200 <= answer.status_code < 300:
            failures.append(f"{op.method} {op.path} -> {answer.status_code} {answer.text[:120]}")
    assert not failures, "\n".join(failures)
    after = {name: (await api.get(url, headers=b.headers)).json() for name, url in readings.items()}
    assert after == before
