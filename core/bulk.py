"""Bulk operations over ids (objects.md §1 shape D): ``{"<verb>": n, "errors": [{"id", "error"}]}``.

Each id is handled on its own; an id whose operation raises a :class:`core.errors.StornoError`
(unknown, another company's, a transition its status does not allow) is reported in ``errors``
with the error's message and never stops the others.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from core.errors import BadRequest, StornoError

__all__ = ["MAX_IDS", "apply_each", "distinct_ids"]

#: Most ids one bulk request may list.
MAX_IDS = 100


def distinct_ids(ids: Iterable[str], noun: str) -> list[str]:
    """``ids`` without repeats, in order; :class:`core.errors.BadRequest` (``field: "ids"``) unless
    there are 1 to :data:`MAX_IDS` of them (``noun`` names them in the message)."""
    unique = list(dict.fromkeys(ids))
    if not unique or len(unique) > MAX_IDS:
        raise BadRequest(f"ids must list between 1 and {MAX_IDS} {noun} ids.", field="ids")
    return unique


async def apply_each(ids: Iterable[str], verb: str, action: Callable[[str], Awaitable[Any]]) -> dict[str, Any]:
    """Await ``action(id)`` for each id in turn; shape D ``{verb: done, "errors": [{"id", "error"}]}``."""
    done, errors = 0, []
    for item in ids:
        try:
            await action(item)
        except StornoError as exc:
            errors.append({"id": item, "error": exc.message})
        else:
            done += 1
    return {verb: done, "errors": errors}
