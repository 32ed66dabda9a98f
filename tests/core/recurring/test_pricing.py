"""What a template generates (core.recurring.pricing): VAT auto-rules (objects.md §7.4), prices,
period texts and due dates. Pure functions over rows, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.invoicing.schemas import LineIn
from core.recurring.pricing import apply_vat_rules, due_date, estimate, generation_lines, render_text

COMPANY = {"country": "RO", "vat_payer": True}
RO_CLIENT = {"country": "RO", "is_vat_payer": True, "cui": "6859662"}
DE_REGISTERED = {"country": "DE", "is_vat_payer": True, "vat_code": "DE123456789"}
DE_CONSUMER = {"country": "DE", "is_vat_payer": False, "vat_code": None, "cui": None}
US_CLIENT = {"country": "US", "is_vat_payer": False}


def _lines() -> list[LineIn]:
    return [
        LineIn(description="Servicii", quantity=Decimal(1), unit_price=Decimal(100), vat_rate=Decimal(21)),
        LineIn(description="Carte", quantity=Decimal(1), unit_price=Decimal(50), vat_rate=Decimal(9)),
        LineIn(description="Scutit", quantity=Decimal(1), unit_price=Decimal(10), vat_rate=Decimal(0), vat_category_code="E"),
    ]


def _vat(lines: list[LineIn]) -> list[tuple[str, Decimal]]:
    return [(l.vat_category_code, l.vat_rate) for l in lines]


def test_domestic_client_keeps_the_lines():
    assert _vat(apply_vat_rules(_lines(), COMPANY, RO_CLIENT)) == [("S", 21), ("S", 9), ("E", 0)]


def test_vat_registered_eu_client_is_reverse_charged():
    assert _vat(apply_vat_rules(_lines(), COMPANY, DE_REGISTERED)) == [("AE", 0), ("AE", 0), ("E", 0)]
    # a company that is not VAT-registered cannot reverse-charge
    assert _vat(apply_vat_rules(_lines(), {**COMPANY, "vat_payer": False}, DE_REGISTERED))[0] == ("S", 21)


def test_eu_consumer_keeps_domestic_vat_without_oss():
    assert _vat(apply_vat_rules(_lines(), COMPANY, DE_CONSUMER)) == [("S", 21), ("S", 9), ("E", 0)]


def test_non_eu_client_is_zero_rated():
    assert _vat(apply_vat_rules(_lines(), COMPANY, US_CLIENT)) == [("Z", 0), ("Z", 0), ("Z", 0)]
    assert estimate(apply_vat_rules(_lines(), COMPANY, US_CLIENT)) == (16000, 0, 16000)


def _row(**fields):
    return {
        "description": "Hosting", "quantity": 2_000_000, "unit_price": 100_000_000, "unit_of_measure": "buc", "vat_rate": 2100,
        "vat_category_code": "S", "discount": 0, "product": None, "product_code": None, "line_note": None,
        "reference_currency": None, "markup_percent": None, "price_rule": "fixed", **fields,
    }


def test_reference_currency_is_converted_with_rate_and_markup_into_ron():
    template = {"currency": "RON", "exchange_rate": 4_977_300}  # 4.9773 RON per EUR
    line = generation_lines(template, [_row(reference_currency="EUR", markup_percent=150)], company=COMPANY, client=RO_CLIENT, products={})[0]
    assert line.unit_price == Decimal("505.20")  # 100 x 4.9773 x 1.015 = 505.19595 -> 505.20
    plain = generation_lines(template, [_row()], company=COMPANY, client=RO_CLIENT, products={})[0]
    assert plain.unit_price == Decimal("100.000000")
    same = generation_lines({"currency": "EUR", "exchange_rate": 4_977_300}, [_row(reference_currency="EUR")], company=COMPANY, client=RO_CLIENT, products={})[0]
    assert same.unit_price == Decimal("100.000000")  # already in the document currency


def test_updated_product_price_is_taken_at_generation():
    products = {"p1": {"id": "p1", "default_price": 120_500_000}}
    template = {"currency": "RON", "exchange_rate": None}
    updated = generation_lines(template, [_row(product="p1", price_rule="updated_product")], company=COMPANY, client=RO_CLIENT, products=products)[0]
    fixed = generation_lines(template, [_row(product="p1")], company=COMPANY, client=RO_CLIENT, products=products)[0]
    gone = generation_lines(template, [_row(product="p2", price_rule="updated_product")], company=COMPANY, client=RO_CLIENT, products=products)[0]
    assert (updated.unit_price, fixed.unit_price, gone.unit_price) == (Decimal("120.500000"), Decimal("100.000000"), Decimal("100.000000"))


def test_period_placeholders():
    period = dt.date(2026, 12, 15)
    text = "Abonament [[luna]] [[an]] ([[luna_nr]]), urmatoarea [[luna+1]] [[an+1]] [[luna_nr+1]], anterior [[luna-12]]; curs [[curs]]"
    assert render_text(text, period, Decimal("4.977300")) == "Abonament decembrie 2026 (12), urmatoarea ianuarie 2027 01, anterior decembrie; curs 4.9773"
    assert render_text("fara curs [[curs]]", period, None) == "fara curs "
    assert render_text(None, period, None) is None


def test_due_date_rules():
    issued = dt.date(2027, 1, 20)
    assert due_date({"due_date_type": "days", "due_date_days": 15}, issued) == dt.date(2027, 2, 4)
    assert due_date({"due_date_type": "fixed_day", "due_date_fixed_day": 25}, issued) == dt.date(2027, 1, 25)
    assert due_date({"due_date_type": "fixed_day", "due_date_fixed_day": 10}, issued) == dt.date(2027, 2, 10)
    assert due_date({"due_date_type": "fixed_day", "due_date_fixed_day": 31}, dt.date(2027, 2, 1)) == dt.date(2027, 2, 28)
    assert due_date({"due_date_type": None}, issued) is None
