"""What CIUS-RO requires of a document before it can be rendered for ANAF.

:func:`cius_ro_problems` lists every business term that is missing or breaks one of ANAF's
national rules (``RO16931-rules.sch`` 1.0.9, CIUS-RO 1.0.1); :func:`prepare_cius_ro` raises
:class:`CiusRoError` for them, or returns the document with the two harmless normalisations the
rules invite (Bucharest sector spelling, BT-111 from the exchange rate).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

import msgspec

from core.model import Address, Invoice
from core.money import round2
from plugins.anaf.cius_ro_limits import length_problems

__all__ = [
    "CREDIT_NOTE_TYPE_CODES",
    "INVOICE_TYPE_CODES",
    "ISO_3166_2_RO",
    "CiusRoError",
    "Problem",
    "cius_ro_problems",
    "prepare_cius_ro",
]

#: BR-RO-020: the BT-3 codes CIUS-RO accepts in a UBL Invoice, and in a UBL CreditNote.
INVOICE_TYPE_CODES = frozenset({"380", "384", "389", "751"})
CREDIT_NOTE_TYPE_CODES = frozenset({"381"})
#: ISO 3166-2:RO county codes (BR-RO-110/111/170/212) and Bucharest sectors (BR-RO-100/101/160/202).
ISO_3166_2_RO = frozenset(
    "RO-AB RO-AG RO-AR RO-B RO-BC RO-BH RO-BN RO-BR RO-BT RO-BV RO-BZ RO-CJ RO-CL RO-CS RO-CT RO-CV RO-DB "
    "RO-DJ RO-GJ RO-GL RO-GR RO-HD RO-HR RO-IF RO-IL RO-IS RO-MH RO-MM RO-MS RO-NT RO-OT RO-PH RO-SB RO-SJ "
    "RO-SM RO-SV RO-TL RO-TM RO-TR RO-VL RO-VN RO-VS".split()
)
SECTORS = frozenset(f"SECTOR{n}" for n in range(1, 7))
#: BR-RO-040: BT-8 restricted to UNTDID 2005 codes 3, 35, 432.
TAX_POINT_DATE_CODES = frozenset({"3", "35", "432"})
#: Categories that make a seller VAT/tax id (BR-RO-065) and a buyer id (BR-RO-120) mandatory.
_TAXABLE_CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})
_SECTOR_SPELLING = re.compile(r"^\s*sector(?:ul)?\s*([1-6])\s*$", re.IGNORECASE)
_DIGIT = re.compile(r"[0-9]")
#: EN 16931 rules requiring the country code of each address (BT-40, BT-55, BT-69, BT-80).
_COUNTRY_RULES = {"seller": "BR-09", "buyer": "BR-11", "tax representative": "BR-20", "deliver to": "BR-57"}


class Problem(NamedTuple):
    """A business term that keeps a document from being CIUS-RO: missing (``detail`` None) or invalid."""

    term: str  # e.g. "BT-52"
    name: str  # e.g. "buyer city"
    rule: str  # the ANAF / CEN rule id, e.g. "BR-RO-092"
    detail: str | None = None

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.term} {self.name}{detail} ({self.rule})"


class CiusRoError(ValueError):
    """The document cannot be rendered as CIUS-RO; ``problems`` lists why, term by term."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        missing = [str(p) for p in problems if p.detail is None]
        invalid = [str(p) for p in problems if p.detail is not None]
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"invalid {', '.join(invalid)}"] if invalid else []
        )
        super().__init__(f"cannot render as CIUS-RO: {'; '.join(parts)}")


def _sector(city: str | None) -> str | None:
    """``Sector 3`` / ``sectorul 3`` / ``SECTOR3`` -> ``SECTOR3``; anything else unchanged."""
    if city is None:
        return None
    match = _SECTOR_SPELLING.match(city)
    return f"SECTOR{match.group(1)}" if match else city


def _address_problems(
    address: Address, role: str, terms: tuple[str, ...], rules: tuple[str, ...]
) -> Iterator[Problem]:
    """Line 1, city, country, and for RO the county code and Bucharest sector of one address."""
    line1, city, subdivision, country = terms
    line1_rule, city_rule, subdivision_rule, sector_rule = rules
    if not (address.line1 or "").strip():
        yield Problem(line1, f"{role} address line 1", line1_rule)
    if not (address.city or "").strip():
        yield Problem(city, f"{role} city", city_rule)
    if not (address.country_code or "").strip():
        yield Problem(country, f"{role} country code", _COUNTRY_RULES[role])
    elif address.country_code.strip() == "RO":
        code = (address.subdivision or "").strip()
        if not code:
            yield Problem(subdivision, f"{role} country subdivision", subdivision_rule)
        elif code not in ISO_3166_2_RO:
            yield Problem(
                subdivision, f"{role} country subdivision", subdivision_rule, f"{code!r} is not ISO 3166-2:RO"
            )
        elif code == "RO-B" and (address.city or "").strip() and _sector(address.city) not in SECTORS:
            yield Problem(city, f"{role} city", sector_rule, f"{address.city!r} is not SECTOR1..SECTOR6")


def cius_ro_problems(document: Invoice) -> list[Problem]:
    """Every reason ANAF's CIUS-RO rules would reject ``document`` that can be known from the model.

    Covers BR-RO-001 (set by the renderer, never reported), 010, 020, 030, 040, 065, 080..212,
    BR-53 (BT-111 when BT-6 is set), BR-RO-A020 (at most 20 notes), BR-27 (no negative BT-146)
    and the BR-RO-L* character limits. Returns an empty list when the document can be rendered.
    """
    problems: list[Problem] = []
    number = (document.invoice_number or "").strip()
    if not number:
        problems.append(Problem("BT-1", "invoice number", "BR-02"))
    elif not _DIGIT.search(number):
        problems.append(Problem("BT-1", "invoice number", "BR-RO-010", f"{number!r} has no digit"))
    allowed = CREDIT_NOTE_TYPE_CODES if document.is_credit_note else INVOICE_TYPE_CODES
    if document.type_code not in allowed:
        problems.append(
            Problem(
                "BT-3",
                "invoice type code",
                "BR-RO-020",
                f"{document.type_code!r} is not one of 380, 384, 389, 751, 381",
            )
        )
    currency = (document.currency_code or "").strip()
    accounting = document.vat_accounting_currency_code
    if not currency:
        problems.append(Problem("BT-5", "invoice currency code", "BR-05"))
    elif currency != "RON":
        if not accounting:
            problems.append(
                Problem("BT-6", "VAT accounting currency code (RON when BT-5 is not RON)", "BR-RO-030")
            )
        elif accounting != "RON":
            problems.append(
                Problem("BT-6", "VAT accounting currency code", "BR-RO-030", f"{accounting!r} is not RON")
            )
    if accounting and accounting != currency:
        if document.totals.vat_total_accounting is None and document.exchange_rate is None:
            problems.append(
                Problem(
                    "BT-111",
                    "invoice total VAT amount in accounting currency (or the exchange rate)",
                    "BR-53",
                )
            )
    code = document.tax_point_date_code or (
        document.invoicing_period.description_code if document.invoicing_period else None
    )
    if code and code not in TAX_POINT_DATE_CODES:
        problems.append(
            Problem("BT-8", "value added tax point date code", "BR-RO-040", f"{code!r} is not 3, 35 or 432")
        )
    if len(document.notes) > 20:
        problems.append(
            Problem("BG-1", "invoice note", "BR-RO-A020", f"{len(document.notes)} notes, at most 20")
        )

    problems += _address_problems(
        document.seller.address,
        "seller",
        ("BT-35", "BT-37", "BT-39", "BT-40"),
        ("BR-RO-081", "BR-RO-091", "BR-RO-110", "BR-RO-100"),
    )
    problems += _address_problems(
        document.buyer.address,
        "buyer",
        ("BT-50", "BT-52", "BT-54", "BT-55"),
        ("BR-RO-082", "BR-RO-092", "BR-RO-111", "BR-RO-101"),
    )
    if document.tax_representative is not None:
        problems += _address_problems(
            document.tax_representative.address,
            "tax representative",
            ("BT-64", "BT-66", "BT-68", "BT-69"),
            ("BR-RO-140", "BR-RO-150", "BR-RO-170", "BR-RO-160"),
        )
    if document.delivery is not None and document.delivery.address is not None:
        address = document.delivery.address
        problems += _address_problems(
            address,
            "deliver to",
            ("BT-75", "BT-77", "BT-79", "BT-80"),
            ("BR-RO-180", "BR-RO-201", "BR-RO-212", "BR-RO-202"),
        )
        if address.country_code != "RO" and not (address.subdivision or "").strip():
            problems.append(Problem("BT-79", "deliver to country subdivision", "BR-RO-211"))

    # ANAF's BR-RO-065/120 look at cac:InvoiceLine only, so a CreditNote's lines do not count.
    categories = set() if document.is_credit_note else {line.vat_category_code for line in document.lines}
    categories |= {a.vat_category_code for a in document.allowances_charges if a.vat_category_code}
    if categories & _TAXABLE_CATEGORIES:
        representative_vat = (
            document.tax_representative.vat_identifier if document.tax_representative else None
        )
        if not (document.seller.vat_identifier or document.seller.tax_registration_id or representative_vat):
            problems.append(
                Problem(
                    "BT-31", "seller VAT identifier or BT-32 seller tax registration identifier", "BR-RO-065"
                )
            )
        if not (document.buyer.vat_identifier or document.buyer.legal_registration_id):
            problems.append(
                Problem(
                    "BT-48", "buyer VAT identifier or BT-47 buyer legal registration identifier", "BR-RO-120"
                )
            )
    for line in document.lines:
        if line.net_price < 0:
            problems.append(
                Problem(
                    "BT-146",
                    f"item net price of line {line.line_id}",
                    "BR-27",
                    f"{line.net_price} is negative",
                )
            )
    for limit, length in length_problems(document):
        problems.append(
            Problem(limit.term, limit.name, limit.rule, f"{length} characters, at most {limit.maximum}")
        )
    return problems


def _with_sectors(address: Address | None) -> Address | None:
    if address is None or address.country_code != "RO" or address.subdivision != "RO-B":
        return address
    return msgspec.structs.replace(address, city=_sector(address.city))


def prepare_cius_ro(document: Invoice) -> Invoice:
    """Return ``document`` ready for CIUS-RO rendering, or raise :class:`CiusRoError`.

    Normalises Bucharest city names (``Sector 2`` -> ``SECTOR2``, BR-RO-100) and, when BT-6
    differs from BT-5 and BT-111 is absent, computes BT-111 = round2(BT-110 × exchange rate) in
    BT-6 (EN 16931 BR-53). Nothing else is changed.
    """
    problems = cius_ro_problems(document)
    if problems:
        raise CiusRoError(problems)
    replace = msgspec.structs.replace
    seller = replace(document.seller, address=_with_sectors(document.seller.address))
    buyer = replace(document.buyer, address=_with_sectors(document.buyer.address))
    changes: dict = {"seller": seller, "buyer": buyer}
    if document.tax_representative is not None:
        representative = document.tax_representative
        changes["tax_representative"] = replace(representative, address=_with_sectors(representative.address))
    if document.delivery is not None and document.delivery.address is not None:
        changes["delivery"] = replace(document.delivery, address=_with_sectors(document.delivery.address))
    accounting = document.vat_accounting_currency_code
    totals = document.totals
    if accounting and accounting != document.currency_code and totals.vat_total_accounting is None:
        vat_total = totals.vat_total
        if vat_total is None:
            vat_total = sum((b.vat_amount for b in document.vat_breakdown), Decimal("0"))
        changes["totals"] = replace(totals, vat_total_accounting=round2(vat_total * document.exchange_rate))
    return replace(document, **changes)
