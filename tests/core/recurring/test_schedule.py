"""Issuance-date arithmetic of recurring templates (objects.md §3.11): pure functions, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from core.recurring.schedule import Rule, check_rule, first_on_or_after, next_after, periods_due

D = dt.date


def _chain(rule: Rule, start: dt.date, count: int) -> list[dt.date]:
    dates = [start]
    while len(dates) < count:
        dates.append(next_after(rule, dates[-1]))
    return dates


def test_monthly_on_the_31st_falls_on_month_ends_and_comes_back():
    rule = Rule("monthly", 31)
    assert _chain(rule, D(2026, 1, 31), 5) == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31)]
    assert next_after(rule, D(2028, 1, 31)) == D(2028, 2, 29)  # leap year


def test_monthly_on_the_30th_keeps_its_day_after_february():
    assert _chain(Rule("monthly", 30), D(2027, 1, 30), 3) == [D(2027, 1, 30), D(2027, 2, 28), D(2027, 3, 30)]


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        ("bimonthly", [D(2026, 11, 30), D(2027, 1, 30), D(2027, 3, 30)]),
        ("quarterly", [D(2026, 11, 30), D(2027, 2, 28), D(2027, 5, 30)]),
        ("semi_annually", [D(2026, 11, 30), D(2027, 5, 30), D(2027, 11, 30)]),
    ],
)
def test_multi_month_steps_cross_year_ends(frequency, expected):
    assert _chain(Rule(frequency, 30), D(2026, 11, 30), 3) == expected


def test_weekly_lands_on_the_iso_weekday():
    rule = Rule("weekly", 5)  # Friday
    first = first_on_or_after(rule, D(2026, 11, 21))  # a Saturday
    assert first == D(2026, 11, 27) and first.isoweekday() == 5
    assert next_after(rule, first) == D(2026, 12, 4)
    assert first_on_or_after(rule, D(2026, 11, 27)) == D(2026, 11, 27)


def test_yearly_uses_frequency_month_and_clamps_february():
    rule = Rule("yearly", 29, 2)
    assert first_on_or_after(rule, D(2026, 11, 21)) == D(2027, 2, 28)
    assert next_after(rule, D(2027, 2, 28)) == D(2028, 2, 29)
    assert next_after(rule, D(2028, 2, 29)) == D(2029, 2, 28)
    assert first_on_or_after(Rule("yearly", 1, 12), D(2026, 11, 21)) == D(2026, 12, 1)


def test_first_date_of_a_monthly_rule_is_this_month_or_next():
    assert first_on_or_after(Rule("monthly", 25), D(2026, 11, 21)) == D(2026, 11, 25)
    assert first_on_or_after(Rule("monthly", 5), D(2026, 11, 21)) == D(2026, 12, 5)
    assert first_on_or_after(Rule("monthly", 31), D(2026, 2, 10)) == D(2026, 2, 28)


def test_once_has_no_next_date():
    assert first_on_or_after(Rule("once", 1), D(2026, 11, 21)) == D(2026, 11, 21)
    assert next_after(Rule("once", 1), D(2026, 11, 21)) is None
    assert periods_due(Rule("once", 1), D(2026, 10, 1), D(2026, 11, 21)) == [D(2026, 10, 1)]


def test_periods_due_lists_every_missed_period_up_to_today_and_stop():
    rule = Rule("monthly", 15)
    assert periods_due(rule, D(2026, 8, 15), D(2026, 11, 21)) == [D(2026, 8, 15), D(2026, 9, 15), D(2026, 10, 15), D(2026, 11, 15)]
    assert periods_due(rule, D(2026, 8, 15), D(2026, 11, 21), stop=D(2026, 10, 1)) == [D(2026, 8, 15), D(2026, 9, 15)]
    assert periods_due(rule, D(2026, 12, 15), D(2026, 11, 21)) == []


@pytest.mark.parametrize(
    ("rule", "fields"),
    [
        (Rule("daily", 1), ["frequency"]),
        (Rule("weekly", 8), ["frequencyDay"]),
        (Rule("weekly", 0), ["frequencyDay"]),
        (Rule("monthly", 32), ["frequencyDay"]),
        (Rule("monthly", 0), ["frequencyDay"]),
        (Rule("yearly", 10), ["frequencyMonth"]),
        (Rule("yearly", 10, 13), ["frequencyMonth"]),
        (Rule("monthly", 10, 0), ["frequencyMonth"]),
    ],
)
def test_invalid_rules_name_their_field(rule, fields):
    assert [field for field, _ in check_rule(rule)] == fields


def test_valid_rules_have_no_problem():
    for rule in (Rule("weekly", 7), Rule("monthly", 31), Rule("yearly", 1, 12), Rule("once", 1), Rule("quarterly", 28)):
        assert check_rule(rule) == []
