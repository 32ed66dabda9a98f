"""JSON helpers for responses: exact decimals as JSON numbers, dates, timestamps with zone.

The design's rule for the API's **[doc drift]**: amounts are JSON numbers. They are written as
raw number text from the Decimal, so no value passes through a binary float.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.money import from_minor

__all__ = ["number", "amount", "scaled", "date", "stamp"]


def number(value: Decimal | None) -> msgspec.Raw | None:
    """A Decimal as a JSON number token (None stays null)."""
    if value is None:
        return None
    text = format(value, "f")
    return msgspec.Raw(text.encode())


def amount(minor: int | None) -> msgspec.Raw | None:
    """A stored amount (integer minor units) as a JSON number with 2 decimals."""
    return number(from_minor(minor))


def scaled(value: int | None, places: int = 4) -> msgspec.Raw | None:
    """A stored 6-decimal quantity or price as a JSON number with ``places`` decimals (more if needed)."""
    dec = from_minor(value, 6)
    if dec is None:
        return None
    short = dec.quantize(Decimal(1).scaleb(-places))
    return number(short if short == dec else dec.normalize())


def date(value: dt.date | str | None) -> str | None:
    """A date as ``YYYY-MM-DD``."""
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def stamp(value: dt.datetime | str | None) -> str | None:
    """A timestamp as RFC 3339 with its zone (UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()


def page(rows: list[Any], total: int, page_no: int, limit: int, **extra: Any) -> dict[str, Any]:
    """The pagination envelope ``{data,total,page,limit,pages}`` (objects.md §2, documented form)."""
    pages = (total + limit - 1) // limit if limit else 0
    return {"data": rows, "total": total, "page": page_no, "limit": limit, "pages": pages, **extra}
