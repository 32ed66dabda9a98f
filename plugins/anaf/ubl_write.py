"""Small building blocks for writing UBL 2.1: elements, amounts, decimals, dates, codes.

Every writer of the ANAF plugin appends children through :func:`add` and :func:`opt`, so empty
values never produce empty elements and the text formatting of amounts lives in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from lxml import etree

from core.money import CENT
from plugins.anaf.names import CAC, CBC

__all__ = [
    "add",
    "amount",
    "amount_text",
    "date_text",
    "decimal_text",
    "has_vat_prefix",
    "opt",
    "percent",
    "ZERO_RATE_CATEGORIES",
]

_NS = {"cac": CAC, "cbc": CBC}

#: UNTDID 5305 categories whose VAT rate is 0 by definition (EN 16931 BR-Z-05, BR-E-05, BR-AE-05,
#: BR-IC-05, BR-G-05); the rate is written as 0 when the model leaves it empty.
ZERO_RATE_CATEGORIES = frozenset({"Z", "E", "AE", "K", "G"})

_VAT_PREFIX = re.compile(r"^(?:[A-Z]{2}|1A)")


def _qname(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def add(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str | None) -> etree._Element:
    """Append ``cac:``/``cbc:`` element ``tag`` to ``parent`` with ``text`` and the non-empty ``attrs``."""
    element = etree.SubElement(parent, _qname(tag))
    if text is not None:
        element.text = text
    for key, value in attrs.items():
        if value not in (None, ""):
            element.set(key, value)
    return element


def opt(parent: etree._Element, tag: str, text: str | None, /, **attrs: str | None) -> etree._Element | None:
    """Like :func:`add`, but writes nothing when ``text`` is None or blank."""
    if text is None or not str(text).strip():
        return None
    return add(parent, tag, str(text), **attrs)


def amount_text(value: Decimal, term: str = "amount") -> str:
    """An EN 16931 amount with exactly 2 decimals (``12.5`` -> ``"12.50"``).

    Raises ValueError naming ``term`` when ``value`` carries more than 2 significant decimals,
    which EN 16931 BR-DEC-* and CIUS-RO BR-DEC-RO-* forbid (rounding here would change totals).
    """
    rounded = value.quantize(CENT)
    if rounded != value:
        raise ValueError(f"{term} {value} has more than 2 decimals (EN 16931 BR-DEC)")
    return format(rounded, "f")


def amount(parent: etree._Element, tag: str, value: Decimal | None, currency: str, term: str = "amount"):
    """Append an amount element with ``currencyID`` (ISO 4217) and 2 decimals; nothing when None."""
    if value is None:
        return None
    return add(parent, tag, amount_text(value, term), currencyID=currency)


def decimal_text(value: Decimal) -> str:
    """A quantity, price or percentage as plain decimal text (no exponent, decimals kept as given)."""
    return format(value, "f")


def date_text(value: dt.date | None) -> str | None:
    """ISO 8601 calendar date ``YYYY-MM-DD`` (CIUS-RO BR-RO-DT001..006), None passes through."""
    return value.isoformat() if value is not None else None


def percent(category_code: str, rate: Decimal | None) -> str | None:
    """Text of a VAT rate (BT-96/BT-103/BT-119/BT-152): the rate, 0 for zero-rate categories, else None."""
    if rate is not None:
        return decimal_text(rate)
    if category_code in ZERO_RATE_CATEGORIES:
        return "0"
    return None


def has_vat_prefix(vat_identifier: str) -> bool:
    """True when a VAT identifier starts with an ISO 3166-1 alpha-2 prefix (EN 16931 BR-CO-09)."""
    return bool(_VAT_PREFIX.match(vat_identifier.strip()))
