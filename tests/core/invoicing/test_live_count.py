"""The per-company count of live invoices (``invoice_counts``, migration m0016) that the
unfiltered invoice list reports as ``total`` stays equal to ``COUNT(*)`` of the live rows through
every kind of write: creates, soft deletes, statements touching many rows, restoring a
soft-deleted row and hard deletes, in each company separately (objects.md §2 ``total``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.invoicing.counts import live_count
from core.invoicing.tables import Invoice
from tests.core.conftest import in_app, ok
from tests.support.tenants import two_organisations

LINE = {"description": "Consultanță", "quantity": "1", "unitPrice": "100.00", "vatRate": "21"}


def _counts(api: Any, company_id: str) -> tuple[int, int]:
    """(the counter, ``COUNT(*)`` of the company's live rows)."""
    counted = in_app(api, Invoice.count().where((Invoice.company == company_id) & Invoice.deleted_at.is_null()).run)
    return in_app(api, live_count, company_id), counted


async def test_counter_follows_every_write(settings) -> None:
    async with two_organisations(settings) as (api, a, b):
        async def listed(tenant: Any) -> int:
            return ok(await api.get("/api/v1/invoices", headers=tenant.headers))["total"]

        def same(tenant: Any, expected: int, total: int) -> None:
            counter, counted = _counts(api, tenant.company_id)
            assert counter == counted == total == expected, (counter, counted, total, expected)

        ids = []
        for _ in range(4):
            body = {"clientId": a.extra["client_id"], "lines": [LINE]}
            ids.append(ok(await api.post("/api/v1/invoices", json=body, headers=a.headers), 201)["invoice"]["id"])
        ok(await api.post("/api/v1/invoices", json={"clientId": b.extra["client_id"], "lines": [LINE]}, headers=b.headers), 201)
        same(a, 4, await listed(a))
        same(b, 1, await listed(b))

        assert (await api.delete(f"/api/v1/invoices/{ids[0]}", headers=a.headers)).status_code == 204
        same(a, 3, await listed(a))
        now = dt.datetime.now(dt.timezone.utc)
        # one statement soft-deleting several rows, then restoring one of them
        in_app(api, Invoice.update({Invoice.deleted_at: now}, use_auto_update=False).where(Invoice.id.is_in(ids[1:3])).run)
        same(a, 1, await listed(a))
        in_app(api, Invoice.update({Invoice.deleted_at: None}, use_auto_update=False).where(Invoice.id == ids[1]).run)
        same(a, 2, await listed(a))
        # updates that do not touch deleted_at leave the count alone
        in_app(api, Invoice.update({Invoice.notes: "x"}, use_auto_update=False).where(Invoice.company == a.company_id).run)
        same(a, 2, await listed(a))
        # hard deletes: a live row and an already soft-deleted one
        in_app(api, Invoice.delete().where(Invoice.id.is_in([ids[3], ids[2]])).run)
        same(a, 1, await listed(a))
        same(b, 1, await listed(b))
        # a filtered list still counts the matching rows
        assert ok(await api.get("/api/v1/invoices", params={"status": "draft"}, headers=a.headers))["total"] == 1
