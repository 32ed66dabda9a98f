"""Status transitions of the document types (proformas, delivery notes, receipts; objects.md §5):
drive a document through actions over HTTP and check a refused transition's error body."""

from __future__ import annotations

from typing import Any

import httpx

CREATED_BY = frozenset({"convert"})
"""Actions that create another document (a draft invoice) and so answer 201; the others answer 200."""


def advance(http: httpx.Client, base: str, document: dict[str, Any], *actions: str) -> dict[str, Any]:
    """POST ``{base}/{id}/{action}`` for each action in turn, asserting 201 for ``convert`` and 200
    otherwise; returns the document as ``GET {base}/{id}`` shows it afterwards."""
    for action in actions:
        response = http.post(f"{base}/{document['id']}/{action}")
        assert response.status_code == (201 if action in CREATED_BY else 200), response.text
    return http.get(f"{base}/{document['id']}").json()


def assert_refused(response: httpx.Response, current: str) -> None:
    """A transition refused from status ``current``: 422 ``invalid_transition`` whose message names
    the current status and the statuses it is allowed from (objects.md §1)."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert f"'{current}'" in body["error"] and "allowed from" in body["error"]
