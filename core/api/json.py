"""JSON helpers for responses: exact decimals as JSON numbers, dates, timestamps with zone.

The design's rule for the API's **[doc drift]**: amounts are JSON numbers. They are written as
raw number text from the Decimal, so no value passes through a binary float.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import msgspec

from core.money import from_minor

__all__ = ["number", "amount", "scaled", "date", "stamp", "page", "Number", "NullableNumber", "Stamp", "view", "page_of"]


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


#: An exact decimal written as a JSON number (amounts 2 decimals, quantities 4, see :func:`scaled`).
#: The value is the number token itself (:class:`msgspec.Raw`), so no binary float is involved;
#: OpenAPI documents it as ``number``. msgspec cannot put ``Raw`` in a union, hence two aliases.
Number = Annotated[msgspec.Raw, msgspec.Meta(extra_json_schema={"extra": {"type": "number"}})]
#: :data:`Number` that may be ``null`` (objects.md §0: nullable fields are present with null).
NullableNumber = Annotated[msgspec.Raw, msgspec.Meta(extra_json_schema={"extra": {"type": ["number", "null"]}})]
#: A timestamp as written by :func:`stamp` (RFC 3339 with its zone), kept as sent.
Stamp = Annotated[str, msgspec.Meta(extra_json_schema={"extra": {"format": "date-time"}})]

T = TypeVar("T")


def view(kind: type[T], body: Any) -> T:
    """``body`` (a serialiser's dict, list or Struct) as the response Struct ``kind``.

    The body goes through its JSON form, so number tokens (:data:`Number`) stay byte-exact and
    the bytes sent are exactly what ``kind`` documents in OpenAPI. A key ``kind`` does not declare,
    a missing required key or a wrong type raises :class:`msgspec.ValidationError` (HTTP 500):
    the documented response schema and the serialiser cannot drift apart silently.
    """
    return msgspec.json.decode(msgspec.json.encode(body), type=kind)


def page_of(row: type[Any], name: str, doc: str, extras: tuple[tuple[str, Any], ...] = ()) -> type[msgspec.Struct]:
    """The pagination envelope Struct ``{data: [row], total, page, limit, pages, *extras}`` named
    ``name`` (objects.md §2, documented form; built by :func:`page`). ``extras`` are
    ``(camelCase name, type)`` pairs that follow ``pages``."""
    fields = [("data", list[row]), ("total", int), ("page", int), ("limit", int), ("pages", int), *extras]
    kind = msgspec.defstruct(name, fields, forbid_unknown_fields=True, module=row.__module__)
    kind.__doc__ = doc
    return kind
