"""Column types shared by every feature's tables.

Money never goes through a binary float: piccolo's ``Numeric`` is a float on SQLite, so amounts
are stored as exact integers at a fixed scale on both engines (see :mod:`core.money`).
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import BigInt, Timestamptz, Varchar

__all__ = ["Amount", "Scaled", "IdColumn", "Stamp"]


class Amount(BigInt):
    """An amount in minor units: the integer of ``value * 10**2`` (``core.money.to_minor``)."""


class Scaled(BigInt):
    """A quantity, price or rate at 6 decimals: the integer of ``value * 10**6``."""


def IdColumn(**kwargs: Any) -> Varchar:  # noqa: N802 - reads as a column type
    """A UUID v7 held as its 36-character string (same text on SQLite and PostgreSQL)."""
    return Varchar(length=36, **kwargs)


def Stamp(**kwargs: Any) -> Timestamptz:  # noqa: N802 - reads as a column type
    """A UTC timestamp (``datetime`` with tzinfo on both engines); defaults to now."""
    return Timestamptz(**kwargs)
