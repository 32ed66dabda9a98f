"""The document lifecycle of invoices and credit notes as data (objects.md §5.1).

``TRANSITIONS[action] = (allowed_from, result)``; the service checks every action here and raises
:class:`core.errors.InvalidTransition` naming both states otherwise.
"""

from __future__ import annotations

from core.errors import InvalidTransition

__all__ = ["TRANSITIONS", "SUBMIT_BLOCKED", "check"]

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "issue": (frozenset({"draft"}), "issued"),
    "submit": (frozenset({"issued", "rejected", "refund"}), "sent_to_provider"),
    "provider_accepted": (frozenset({"sent_to_provider"}), "validated"),
    "provider_rejected": (frozenset({"sent_to_provider"}), "rejected"),
    "cancel": (frozenset({"draft", "issued"}), "cancelled"),
    "restore": (frozenset({"cancelled"}), "draft"),
    "edit": (frozenset({"draft"}), None),
    "delete": (frozenset({"draft", "cancelled"}), None),
}

#: States from which a document may not be submitted again (objects.md §5.1 "submit to ANAF").
SUBMIT_BLOCKED = frozenset({"draft", "cancelled", "refunded", "sent_to_provider", "synced", "validated"})


def check(action: str, current: str, *, kind: str = "invoice") -> str | None:
    """Return the resulting status of ``action`` from ``current`` (None: unchanged).

    Raises :class:`core.errors.InvalidTransition` when ``current`` does not allow ``action``.
    """
    allowed, result = TRANSITIONS[action]
    if current not in allowed:
        raise InvalidTransition(kind, action, current, tuple(sorted(allowed)))
    return result
