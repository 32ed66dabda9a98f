"""Decimal helpers and the EN 16931 rounding rules.

Amounts are :class:`~decimal.Decimal`, never float. EN 16931 rounds line net amounts (BT-131),
VAT category amounts (BT-117) and document totals to 2 decimals, half away from zero (the rule of
ISO 31-0 that CEN's and ANAF's schematron check against: BR-DEC-*, BR-CO-10..17).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["CENT", "ZERO", "parse_decimal", "round2", "to_minor", "to_scaled", "from_minor", "AMOUNT_SCALE", "QUANTITY_SCALE"]

ZERO = Decimal("0")
CENT = Decimal("0.01")
#: Storage scales: amounts are kept as integers of 10^-AMOUNT_SCALE, quantities and prices of 10^-QUANTITY_SCALE.
AMOUNT_SCALE = 2
QUANTITY_SCALE = 6


def round2(value: Decimal) -> Decimal:
    """Round to 2 decimals, half away from zero (EN 16931 BR-DEC rules)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(text: str | int | float | Decimal, *, field: str = "amount") -> Decimal:
    """Parse an amount from text (or a JSON number) without going through binary float.

    Raises :class:`ValueError` naming ``field`` when the text is not a finite decimal.
    """
    if isinstance(text, Decimal):
        value = text
    else:
        try:
            value = Decimal(str(text).strip())
        except (InvalidOperation, ValueError):
            raise ValueError(f"{field} is not a decimal number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{field} is not a finite decimal number: {text!r}")
    return value


def to_minor(value: Decimal, scale: int = AMOUNT_SCALE) -> int:
    """Exact integer representation of ``value`` at ``scale`` decimals (for storage on any engine).

    Raises :class:`ValueError` when ``value`` has more decimals than ``scale`` keeps.
    """
    scaled = value.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {scale} decimals")
    return int(scaled)


def to_scaled(value: Decimal) -> int:
    """A quantity or price as stored: rounded half-up to :data:`QUANTITY_SCALE` decimals, as an integer."""
    return to_minor(value.quantize(Decimal(1).scaleb(-QUANTITY_SCALE), rounding=ROUND_HALF_UP), QUANTITY_SCALE)


def from_minor(value: int | None, scale: int = AMOUNT_SCALE) -> Decimal | None:
    """Inverse of :func:`to_minor`; ``None`` stays ``None``. Result has exactly ``scale`` decimals."""
    if value is None:
        return None
    return Decimal(value).scaleb(-scale)
