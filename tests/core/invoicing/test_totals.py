"""EN 16931 totals: line nets, VAT breakdown per category and rate, document totals."""

from __future__ import annotations

from decimal import Decimal as D

from core.invoicing.totals import DraftLine, compute_totals, normalise_vat


def test_breakdown_per_category_and_rate_rounds_each_group_once():
    totals = compute_totals(
        [
            DraftLine(D("3"), D("10.333"), D("21")),  # 30.999 -> 31.00
            DraftLine(D("1"), D("0.015"), D("21")),  # 0.015 -> 0.02 (half away from zero)
            DraftLine(D("1"), D("100"), D("11"), "S", D("10")),  # discount as a line allowance
            DraftLine(D("2"), D("5"), D("0"), "S"),  # S at 0 % becomes Z
        ]
    )
    assert [l.net_amount for l in totals.lines] == [D("31.00"), D("0.02"), D("90.00"), D("10.00")]
    groups = {(b.category_code, b.rate): (b.taxable_amount, b.vat_amount) for b in totals.breakdown}
    assert groups == {("S", D("21")): (D("31.02"), D("6.51")), ("S", D("11")): (D("90.00"), D("9.90")), ("Z", D("0.00")): (D("10.00"), D("0.00"))}
    assert totals.line_net_total == D("131.02")  # BR-CO-10
    assert totals.vat_total == D("16.41")  # BR-CO-14: sum of the breakdown, not of line VAT
    assert totals.total == D("147.43")  # BR-CO-15
    assert totals.discount == D("10.00")


def test_storno_lines_are_negative():
    totals = compute_totals([DraftLine(D("-2"), D("50"), D("21"))])
    assert totals.line_net_total == D("-100.00") and totals.vat_total == D("-21.00") and totals.total == D("-121.00")


def test_vat_category_normalisation():
    assert normalise_vat(D("21"), "E") == (D("0.00"), "E")
    assert normalise_vat(D("9"), "Z") == (D("9"), "S")
    assert normalise_vat(D("0"), "s") == (D("0.00"), "Z")
