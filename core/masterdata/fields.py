"""Checks shared by the master-data request fields (clients, suppliers; objects.md §3.3, §3.13)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["EMAIL", "length_errors", "trimmed", "vat_prefix"]

#: A plausible e-mail address: one ``@``, no spaces, a dot in the domain.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def vat_prefix(country: str) -> str:
    """The prefix of ``country``'s (ISO 3166-1 alpha-2) VAT numbers: the code itself, except ``EL``
    for Greece (``GR``), as the EU VAT numbering and VIES write it."""
    return "EL" if country == "GR" else country


def trimmed(values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``values`` with every text stripped and an empty text turned into None."""
    return {key: (value.strip() or None) if isinstance(value, str) else value for key, value in values.items()}


def length_errors(values: Mapping[str, Any], limits: Mapping[str, int]) -> list[tuple[str, str]]:
    """``(camelCase field, message)`` for each text of ``values`` (snake_case keys) longer than its
    limit in ``limits`` (characters), for :class:`core.errors.FieldErrors`."""
    return [
        (_camel(key), f"At most {limit} characters.")
        for key, limit in limits.items()
        if isinstance(values.get(key), str) and len(values[key]) > limit
    ]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
