"""The receipt lifecycle as data (objects.md §5.4).

``TRANSITIONS[action] = (allowed_from, result)``; ``None`` keeps the status (edit, delete, refund:
a refund creates a new receipt and leaves its parent ``issued``).
"""

from __future__ import annotations

from core.errors import InvalidTransition

__all__ = ["TRANSITIONS", "check"]

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "issue": (frozenset({"draft"}), "issued"),
    "convert": (frozenset({"issued"}), "invoiced"),
    "cancel": (frozenset({"draft", "issued"}), "cancelled"),
    "restore": (frozenset({"cancelled"}), "draft"),
    "refund": (frozenset({"issued"}), None),
    "edit": (frozenset({"draft", "issued"}), None),
    "delete": (frozenset({"draft", "cancelled"}), None),
}


def check(action: str, current: str) -> str | None:
    """The status after ``action`` from ``current``; raises :class:`InvalidTransition` (422) naming both states."""
    allowed, result = TRANSITIONS[action]
    if current not in allowed:
        raise InvalidTransition("receipt", action, current, tuple(sorted(allowed)))
    return result
