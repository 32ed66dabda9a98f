"""Line, VAT breakdown and document totals per EN 16931.

Rules (EN 16931-1 and CEN validation artefacts):
- line net amount BT-131 = round2(quantity BT-129 x net price BT-146) - line allowance (BG-27);
- one VAT breakdown (BG-23) per VAT category and rate; taxable amount BT-116 = sum of the line net
  amounts in it (BR-S-08, BR-Z-08, ...); VAT amount BT-117 = round2(BT-116 x BT-119 / 100) (BR-CO-17);
- BT-106 = sum BT-131 (BR-CO-10); BT-109 = BT-106 - BT-107 + BT-108 (BR-CO-13);
  BT-110 = sum BT-117 (BR-CO-14); BT-112 = BT-109 + BT-110 (BR-CO-15); BT-115 = BT-112 - BT-113 (BR-CO-16).
Amounts are Decimal in the document currency, 2 decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import msgspec

from core.money import ZERO, round2

__all__ = ["DraftLine", "LineTotals", "Totals", "compute_totals", "normalise_vat", "ZERO_RATED"]

#: UNTDID 5305 categories that always carry 0 % (objects.md §3.2).
ZERO_RATED = frozenset({"Z", "E", "AE", "K", "G", "O"})

#: Default exemption reasons (BT-120/BT-121, VATEX) when a line gives none (BR-E-10, BR-AE-10, ...).
EXEMPTIONS: dict[str, tuple[str, str]] = {
    "E": ("VATEX-EU-132", "Scutit de TVA"),
    "AE": ("VATEX-EU-AE", "Taxare inversa"),
    "K": ("VATEX-EU-IC", "Livrare intracomunitara scutita"),
    "G": ("VATEX-EU-G", "Export scutit de TVA"),
    "O": ("VATEX-EU-O", "Nu intra in sfera TVA"),
}


class DraftLine(msgspec.Struct, frozen=True):
    """A line as entered: quantity, unit price (net), absolute discount, VAT rate (percent) and category."""

    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    vat_category_code: str = "S"
    discount: Decimal = ZERO


class LineTotals(msgspec.Struct, frozen=True):
    """Computed line amounts: net BT-131 and the line's own VAT (display only; totals use BG-23)."""

    net_amount: Decimal
    vat_amount: Decimal
    vat_rate: Decimal
    vat_category_code: str


class Breakdown(msgspec.Struct, frozen=True):
    """BG-23 entry: category BT-118, rate BT-119, taxable BT-116, VAT BT-117."""

    category_code: str
    rate: Decimal
    taxable_amount: Decimal
    vat_amount: Decimal


class Totals(msgspec.Struct, frozen=True):
    """Document totals: lines, BG-23 breakdown, BT-106 net, BT-110 VAT, BT-112 gross, discount sum."""

    lines: tuple[LineTotals, ...]
    breakdown: tuple[Breakdown, ...]
    line_net_total: Decimal
    vat_total: Decimal
    total: Decimal
    discount: Decimal


def normalise_vat(rate: Decimal, category: str) -> tuple[Decimal, str]:
    """Apply objects.md §3.2: zero-rated categories force 0 %; ``S`` at 0 % becomes ``Z``;
    a zero-rate category with a rate above 0 becomes ``S``."""
    category = (category or "S").upper()
    if category == "S" and rate == 0:
        return Decimal("0.00"), "Z"
    if category == "Z" and rate > 0:
        return rate, "S"
    if category in ZERO_RATED:
        return Decimal("0.00"), category
    return rate, category


def compute_totals(lines: Sequence[DraftLine]) -> Totals:
    """Compute line nets, the VAT breakdown and document totals (see the module docstring)."""
    computed: list[LineTotals] = []
    groups: dict[tuple[str, Decimal], Decimal] = {}
    discount = ZERO
    for line in lines:
        rate, category = normalise_vat(line.vat_rate, line.vat_category_code)
        net = round2(line.quantity * line.unit_price) - round2(line.discount)
        computed.append(LineTotals(net, round2(net * rate / 100), rate, category))
        key = (category, rate)
        groups[key] = groups.get(key, ZERO) + net
        discount += round2(line.discount)
    breakdown = tuple(
        Breakdown(category, rate, round2(taxable), round2(taxable * rate / 100))
        for (category, rate), taxable in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    )
    net_total = round2(sum((c.net_amount for c in computed), ZERO))
    vat_total = round2(sum((b.vat_amount for b in breakdown), ZERO))
    return Totals(tuple(computed), breakdown, net_total, vat_total, net_total + vat_total, discount)
