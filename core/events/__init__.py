"""Domain events: broadcast to every plugin's ``storno_event`` after the transaction committed.

Webhooks and real-time fan-out will be default plugins observing the same events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import providers
from core.ids import new_id
from core.views import Event

__all__ = ["emit", "invoice_event_data"]


def invoice_event_data(row: dict[str, Any]) -> dict[str, Any]:
    """The webhook payload of invoice events (objects.md §4): id, number, status, direction, total, currency."""
    from core.money import from_minor

    return {"id": row["id"], "number": row["number"], "status": row["status"], "direction": row["direction"], "total": str(from_minor(row["total"])), "currency": row["currency"]}


def emit(name: str, company_id: str | None, data: dict[str, Any]) -> Event:
    """Broadcast ``name`` (e.g. ``invoice.issued``) now; call only after the commit."""
    event = Event(id=new_id(), name=name, company_id=company_id, created_at=dt.datetime.now(dt.timezone.utc), data=data)
    providers.broadcast(event)
    return event
