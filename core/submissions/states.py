"""The transport state machine of a submission, as data (ARCHITECTURE "Lifecycle").

``pending -> in_flight -> submitted -> accepted | rejected``, with ``failed`` (permanent error) and
``unknown`` (outcome not known after a timeout; reconciled against the provider's own records
before any resend, so a document reaches a national system at most once).
"""

from __future__ import annotations

__all__ = ["TRANSITIONS", "TERMINAL", "allowed"]

TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"in_flight"}),
    "in_flight": frozenset({"submitted", "pending", "failed", "unknown"}),
    "submitted": frozenset({"accepted", "rejected", "submitted"}),
    "unknown": frozenset({"submitted", "pending", "unknown"}),
    "accepted": frozenset(),
    "rejected": frozenset(),
    "failed": frozenset(),
}

TERMINAL = frozenset({"accepted", "rejected", "failed"})


def allowed(current: str, new: str) -> bool:
    """True when a submission may move from ``current`` to ``new``."""
    return new in TRANSITIONS.get(current, frozenset())
