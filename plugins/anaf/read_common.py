"""Helpers shared by the UBL and CII readers: text, decimals, dates, base64, each failing in one sentence.

Values are stripped of surrounding whitespace; empty elements read as None. Decimals go through
:func:`core.money.parse_decimal` (never float).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from decimal import Decimal

from lxml import etree

from core.model import Identifier
from core.money import parse_decimal

__all__ = ["Reader", "split_note"]

_NOTE_SUBJECT = re.compile(r"^#([A-Za-z0-9]{1,10})#(.*)$", re.DOTALL)


def split_note(text: str) -> tuple[str | None, str]:
    """``"#AAB#text"`` -> ``("AAB", "text")``: BT-21 subject code as UBL carries it inside BT-22."""
    match = _NOTE_SUBJECT.match(text)
    if match:
        return match.group(1), match.group(2)
    return None, text


class Reader:
    """Path-based reading of one XML dialect (``namespaces`` maps the prefixes used in paths)."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.ns = namespaces

    def find(self, element: etree._Element | None, path: str) -> etree._Element | None:
        """First element at ``path`` below ``element`` (None when either is missing)."""
        return None if element is None else element.find(path, self.ns)

    def findall(self, element: etree._Element | None, path: str) -> list[etree._Element]:
        """All elements at ``path`` below ``element``."""
        return [] if element is None else element.findall(path, self.ns)

    def text(self, element: etree._Element | None, path: str | None = None) -> str | None:
        """Stripped text at ``path`` (or of ``element`` itself), None when absent or blank."""
        found = element if path is None else self.find(element, path)
        if found is None or found.text is None:
            return None
        value = found.text.strip()
        return value or None

    def identifier(self, element: etree._Element | None, path: str | None = None) -> Identifier | None:
        """An identifier element's text with its optional ``schemeID`` (the same attribute in UBL
        and CII), None when absent or blank."""
        found = element if path is None else self.find(element, path)
        value = self.text(found)
        return None if value is None else Identifier(value, self.attr(found, ".", "schemeID"))

    def texts(self, element: etree._Element | None, path: str) -> list[str]:
        """Stripped non-blank texts of every element at ``path``."""
        return [v for v in (self.text(e) for e in self.findall(element, path)) if v is not None]

    def attr(self, element: etree._Element | None, path: str, name: str) -> str | None:
        """Stripped attribute ``name`` of the element at ``path``, None when absent or blank."""
        found = self.find(element, path)
        value = found.get(name) if found is not None else None
        return value.strip() or None if value is not None else None

    def decimal(self, element: etree._Element | None, path: str, term: str) -> Decimal | None:
        """Decimal at ``path``; raises ValueError naming ``term`` (e.g. ``BT-131``) when not a number."""
        value = self.text(element, path)
        return None if value is None else parse_decimal(value, field=term)

    def required(self, element: etree._Element | None, path: str, term: str) -> str:
        """Text at ``path``; raises ValueError naming ``term`` when it is absent."""
        value = self.text(element, path)
        if value is None:
            raise ValueError(f"the document has no {term}")
        return value

    def required_decimal(self, element: etree._Element | None, path: str, term: str) -> Decimal:
        """Decimal at ``path``; raises ValueError naming ``term`` when absent or not a number."""
        return parse_decimal(self.required(element, path, term), field=term)

    def date(self, element: etree._Element | None, path: str, term: str) -> dt.date | None:
        """A date written ``YYYY-MM-DD`` (UBL) or ``YYYYMMDD`` (CII format 102); ValueError naming ``term``."""
        value = self.text(element, path)
        if value is None:
            return None
        try:
            if re.fullmatch(r"\d{8}", value):
                return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            raise ValueError(f"{term} is not a calendar date: {value!r}") from None

    def binary(self, element: etree._Element | None, path: str, term: str) -> bytes | None:
        """Base64 content at ``path`` decoded to bytes; ValueError naming ``term`` when not base64."""
        value = self.text(element, path)
        if value is None:
            return None
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"{term} is not valid base64 content") from None
