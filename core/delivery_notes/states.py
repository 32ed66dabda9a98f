"""The delivery-note lifecycle as data (objects.md §5.3).

``TRANSITIONS[action] = (allowed_from, result)``; ``None`` keeps the status (edit, delete).
"""

from __future__ import annotations

from core.errors import InvalidTransition

__all__ = ["TRANSITIONS", "check"]

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "issue": (frozenset({"draft"}), "issued"),
    "cancel": (frozenset({"draft", "issued"}), "cancelled"),
    "restore": (frozenset({"cancelled"}), "draft"),
    "convert": (frozenset({"issued"}), "converted"),
    "edit": (frozenset({"draft", "issued"}), None),
    "delete": (frozenset({"draft", "cancelled"}), None),
}


def check(action: str, current: str) -> str | None:
    """The status after ``action`` from ``current``; raises :class:`InvalidTransition` (422) naming both states."""
    allowed, result = TRANSITIONS[action]
    if current not in allowed:
        raise InvalidTransition("delivery note", action, current, tuple(sorted(allowed)))
    return result
