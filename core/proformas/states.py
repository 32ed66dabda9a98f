"""The proforma lifecycle as data (objects.md §5.2).

``TRANSITIONS[action] = (allowed_from, result)``; ``None`` keeps the status (edit, delete).
"""

from __future__ import annotations

from core.errors import InvalidTransition

__all__ = ["TRANSITIONS", "check"]

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "send": (frozenset({"draft"}), "sent"),
    "accept": (frozenset({"sent"}), "accepted"),
    "reject": (frozenset({"sent"}), "rejected"),
    "cancel": (frozenset({"draft", "sent", "accepted", "rejected", "expired"}), "cancelled"),
    "convert": (frozenset({"sent", "accepted"}), "converted"),
    "expire": (frozenset({"sent", "accepted"}), "expired"),
    "edit": (frozenset({"draft"}), None),
    "delete": (frozenset({"draft", "cancelled"}), None),
}

#: The timestamp column each transition sets.
STAMPS = {"send": "sent_at", "accept": "accepted_at", "reject": "rejected_at", "cancel": "cancelled_at", "expire": "expired_at"}


def check(action: str, current: str) -> str | None:
    """The status after ``action`` from ``current``; raises :class:`InvalidTransition` (422) naming both states."""
    allowed, result = TRANSITIONS[action]
    if current not in allowed:
        raise InvalidTransition("proforma", action, current, tuple(sorted(allowed)))
    return result
