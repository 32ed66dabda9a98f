"""Issuance dates of a recurring template: pure date arithmetic, no I/O (objects.md §3.11).

A :class:`Rule` is the template's ``frequency``, ``frequencyDay`` and ``frequencyMonth``:

* ``once``: one issuance, on ``nextIssuanceDate``; there is no next date;
* ``weekly``: ``frequencyDay`` is the ISO weekday (1 = Monday … 7 = Sunday);
* ``monthly``, ``bimonthly``, ``quarterly``, ``semi_annually``: every 1, 2, 3 or 6 months on day
  ``frequencyDay`` of the month;
* ``yearly``: on day ``frequencyDay`` of month ``frequencyMonth``.

Month-end safety: ``frequencyDay`` 29–31 falls on the last day of shorter months and comes back in
longer ones, because each step starts from the template's day, not from the previous date
(31 Jan → 28/29 Feb → 31 Mar → 30 Apr). The API documents 1–28 for month-based rules; 29–31 are
accepted as "that day, or the month's last day".
"""

from __future__ import annotations

import calendar
import datetime as dt

import msgspec

__all__ = ["FREQUENCIES", "MONTH_STEPS", "Rule", "check_rule", "first_on_or_after", "next_after", "periods_due"]

#: Months per step of the month-based frequencies.
MONTH_STEPS = {"monthly": 1, "bimonthly": 2, "quarterly": 3, "semi_annually": 6}
#: Every frequency of the API, in the order of objects.md §3.11.
FREQUENCIES = ("once", "weekly", "monthly", "bimonthly", "quarterly", "semi_annually", "yearly")


class Rule(msgspec.Struct, frozen=True):
    """A template's schedule: ``frequency`` (one of :data:`FREQUENCIES`), ``day`` (``frequencyDay``)
    and ``month`` (``frequencyMonth``, used by ``yearly`` only)."""

    frequency: str
    day: int
    month: int | None = None


def check_rule(rule: Rule) -> list[tuple[str, str]]:
    """What is wrong with ``rule`` as ``(field, message)`` pairs (empty when valid)."""
    problems: list[tuple[str, str]] = []
    if rule.frequency not in FREQUENCIES:
        return [("frequency", f"frequency must be one of {', '.join(FREQUENCIES)}.")]
    if rule.frequency == "weekly":
        if not 1 <= rule.day <= 7:
            problems.append(("frequencyDay", "frequencyDay must be 1–7 (ISO weekday, 1 = Monday) for weekly."))
    elif not 1 <= rule.day <= 31:
        problems.append(("frequencyDay", "frequencyDay must be 1–31 (29–31 mean the month's last day in shorter months)."))
    if rule.frequency == "yearly" and (rule.month is None or not 1 <= rule.month <= 12):
        problems.append(("frequencyMonth", "frequencyMonth (1–12) is required for yearly."))
    elif rule.month is not None and not 1 <= rule.month <= 12:
        problems.append(("frequencyMonth", "frequencyMonth must be 1–12."))
    return problems


def _on_day(year: int, month: int, day: int) -> dt.date:
    """``day`` of (``year``, ``month``), or the month's last day when the month is shorter."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _shift_months(date: dt.date, months: int, day: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return _on_day(index // 12, index % 12 + 1, day)


def first_on_or_after(rule: Rule, start: dt.date) -> dt.date:
    """The first issuance date of ``rule`` on or after ``start`` (``once``: ``start`` itself)."""
    if rule.frequency == "once":
        return start
    if rule.frequency == "weekly":
        return start + dt.timedelta(days=(rule.day - start.isoweekday()) % 7)
    if rule.frequency == "yearly":
        month = rule.month or 1
        candidate = _on_day(start.year, month, rule.day)
        return candidate if candidate >= start else _on_day(start.year + 1, month, rule.day)
    candidate = _on_day(start.year, start.month, rule.day)
    return candidate if candidate >= start else _shift_months(start, 1, rule.day)


def next_after(rule: Rule, date: dt.date) -> dt.date | None:
    """The issuance date that follows ``date`` (None for ``once``).

    Month-based rules step ``date``'s month by the frequency and land on ``rule.day`` (or the
    month's last day); weekly and yearly rules take the next matching date strictly after ``date``.
    """
    if rule.frequency == "once":
        return None
    if rule.frequency in MONTH_STEPS:
        return _shift_months(date, MONTH_STEPS[rule.frequency], rule.day)
    return first_on_or_after(rule, date + dt.timedelta(days=1))


def periods_due(rule: Rule, start: dt.date, today: dt.date, stop: dt.date | None = None) -> list[dt.date]:
    """Every issuance date from ``start`` up to ``today`` (and ``stop``), both inclusive: the
    periods a scheduler that was down since ``start`` owes, one invoice each."""
    dates: list[dt.date] = []
    current: dt.date | None = start
    while current is not None and current <= today and (stop is None or current <= stop):
        dates.append(current)
        current = next_after(rule, current)
    return dates
