"""What a template generates on a given period: line prices, VAT rules, texts and the due date.

Pure functions of the stored template, its lines, the company, the client and the linked
products; the service uses them both to generate and to show the estimated totals.

* Prices (objects.md §3.2 "recurring only"): ``priceRule`` ``updated_product`` takes the linked
  product's current price; a line whose ``referenceCurrency`` differs from a RON document is
  converted with the template's ``exchangeRate`` (RON per unit of the reference currency) raised
  by ``markupPercent`` percent, rounded to 2 decimals. No BNR feed is built in: the rate is the
  template's, set by the user.
* VAT auto-rules (objects.md §7.4, always on for recurring generation): a client in another EU
  state that is VAT-registered, billed by a VAT-registered company: ``S`` lines become ``AE``
  0 % (reverse charge); a client outside the EU: every line ``Z`` 0 %; a client in the company's
  country: unchanged. VAT registration is read from the client's ``isVatPayer`` flag and VAT code
  (the appliance keeps no VIES result yet); OSS is not applied (companies carry no OSS flag yet).
* Texts (objects.md §3.11): ``[[luna]]`` (Romanian month name), ``[[luna_nr]]`` (01–12) and
  ``[[an]]`` of the period, each with an optional ``+N``/``-N`` offset in months (years for
  ``[[an]]``), and ``[[curs]]`` (the template's exchange rate).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec

from core.invoicing.schemas import LineIn
from core.invoicing.totals import DraftLine, compute_totals
from core.money import from_minor, to_minor
from core.proformas.lines import line_in

__all__ = ["EU_COUNTRIES", "generation_lines", "apply_vat_rules", "render_text", "due_date", "estimate"]

#: EU member states (ISO 3166-1 alpha-2; Greece as ``GR``, its VAT prefix ``EL`` is accepted too).
EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
MONTHS_RO = ("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie")
_PLACEHOLDER = re.compile(r"\[\[(luna_nr|luna|an|curs)([+-]\d{1,3})?\]\]")
_PRICE = Decimal("0.01")


def _price(line: dict[str, Any], *, currency: str, rate: Decimal | None, product: dict[str, Any] | None) -> Decimal:
    price = from_minor(line["unit_price"], 6)
    if line.get("price_rule") == "updated_product" and product is not None:
        price = from_minor(product["default_price"], 6)
    reference = line.get("reference_currency")
    if reference and reference != currency and currency == "RON" and rate is not None:
        markup = from_minor(line["markup_percent"]) if line.get("markup_percent") is not None else Decimal(0)
        price = (price * rate * (1 + markup / 100)).quantize(_PRICE, rounding=ROUND_HALF_UP)
    return price


def apply_vat_rules(lines: list[LineIn], company: dict[str, Any], client: dict[str, Any] | None) -> list[LineIn]:
    """``lines`` with the VAT auto-rules of objects.md §7.4 applied (see the module docstring)."""
    if client is None:
        return lines
    own = (company.get("country") or "RO").upper()
    country = (client.get("country") or own).upper()
    if country == own:
        return lines
    if country not in EU_COUNTRIES:
        return [_with_vat(line, "Z") for line in lines]
    registered = bool(client.get("is_vat_payer")) and bool(client.get("vat_code") or client.get("cui"))
    if registered and company.get("vat_payer"):
        return [_with_vat(line, "AE") if line.vat_category_code.upper() == "S" else line for line in lines]
    return lines


def _with_vat(line: LineIn, category: str) -> LineIn:
    return msgspec.structs.replace(line, vat_rate=Decimal("0.00"), vat_category_code=category)


def generation_lines(
    template: dict[str, Any], lines: list[dict[str, Any]], *, company: dict[str, Any], client: dict[str, Any] | None,
    products: dict[str, dict[str, Any]],
) -> list[LineIn]:
    """The invoice lines a generation of ``template`` produces now: prices, then VAT rules.

    ``products`` maps product id to its row (missing or deleted products keep the stored price).
    """
    rate = from_minor(template["exchange_rate"], 6) if template.get("exchange_rate") else None
    built = [
        line_in(line, unit_price=_price(line, currency=template["currency"], rate=rate, product=products.get(line.get("product") or "")))
        for line in lines
    ]
    return apply_vat_rules(built, company, client)


def estimate(lines: list[LineIn]) -> tuple[int, int, int]:
    """(subtotal, VAT, total) in minor units of ``lines`` (EN 16931 totals)."""
    totals = compute_totals([DraftLine(l.quantity, l.unit_price, l.vat_rate, l.vat_category_code, l.discount) for l in lines])
    return to_minor(totals.line_net_total), to_minor(totals.vat_total), to_minor(totals.total)


def _shift(period: dt.date, months: int) -> tuple[int, int]:
    index = period.year * 12 + period.month - 1 + months
    return index // 12, index % 12 + 1


def render_text(text: str | None, period: dt.date, rate: Decimal | None) -> str | None:
    """``text`` with the placeholders of the period ``period`` filled in (module docstring)."""
    if not text:
        return text

    def fill(match: re.Match[str]) -> str:
        name, offset = match.group(1), int(match.group(2) or 0)
        if name == "curs":
            return format(rate.normalize(), "f") if rate is not None else ""
        if name == "an":
            return str(period.year + offset)
        year, month = _shift(period, offset)
        return f"{month:02d}" if name == "luna_nr" else MONTHS_RO[month - 1]

    return _PLACEHOLDER.sub(fill, text)


def due_date(template: dict[str, Any], issue_date: dt.date) -> dt.date | None:
    """The generated invoice's due date by the template's rule; None leaves the invoice default
    (the client's payment term, else 30 days)."""
    kind = template.get("due_date_type")
    if kind == "days" and template.get("due_date_days") is not None:
        return issue_date + dt.timedelta(days=template["due_date_days"])
    if kind == "fixed_day" and template.get("due_date_fixed_day"):
        day = template["due_date_fixed_day"]
        year, month = issue_date.year, issue_date.month
        for _ in range(2):
            candidate = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
            if candidate >= issue_date:
                return candidate
            year, month = _shift(dt.date(year, month, 1), 1)
    return None
