"""CIUS-RO character limits (ANAF rules BR-RO-L*), as data.

Each limit names the business term, its maximum length after whitespace normalisation (the rules
measure ``string-length(normalize-space(...))``) and the ANAF rule id; :func:`length_problems`
yields the terms of a document that are too long. Source: ANAF ``RO16931-rules.sch`` 1.0.9.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from core.model import Address, Invoice, Party

__all__ = ["Limit", "LIMITS", "length_problems", "normalized_length"]


class Limit(NamedTuple):
    """A maximum length: business term, its name, the CIUS-RO rule, and the values it applies to."""

    term: str
    name: str
    maximum: int
    rule: str
    values: Callable[[Invoice], Iterable[str | None]]


def normalized_length(text: str) -> int:
    """Length of ``text`` after XPath ``normalize-space`` (trimmed, inner whitespace collapsed)."""
    return len(" ".join(text.split()))


def _address(
    get: Callable[[Invoice], Address | None], attr: str
) -> Callable[[Invoice], Iterable[str | None]]:
    def values(document: Invoice) -> Iterable[str | None]:
        address = get(document)
        return (getattr(address, attr),) if address is not None else ()

    return values


def _contact(get: Callable[[Invoice], Party], attr: str) -> Callable[[Invoice], Iterable[str | None]]:
    return lambda d: (getattr(get(d).contact, attr),) if get(d).contact is not None else ()


def _seller(d: Invoice) -> Party:
    return d.seller


def _buyer(d: Invoice) -> Party:
    return d.buyer


def _seller_address(d: Invoice) -> Address:
    return d.seller.address


def _buyer_address(d: Invoice) -> Address:
    return d.buyer.address


def _representative_address(d: Invoice) -> Address | None:
    return d.tax_representative.address if d.tax_representative else None


def _delivery_address(d: Invoice) -> Address | None:
    return d.delivery.address if d.delivery else None


def _note_text(d: Invoice) -> Iterable[str]:
    return (f"#{n.subject_code}#{n.text}" if n.subject_code else n.text for n in d.notes)


def _means(d: Invoice) -> Iterable:
    return (d.payment_instructions,) if d.payment_instructions else ()


def _doc_reasons_codes(charge: bool) -> Callable[[Invoice], Iterable[str | None]]:
    return lambda d: (a.reason_code for a in d.allowances_charges if a.charge_indicator is charge)


def _line_reasons(charge: bool) -> Callable[[Invoice], Iterable[str | None]]:
    return lambda d: (
        a.reason for ln in d.lines for a in ln.allowances_charges if a.charge_indicator is charge
    )


LIMITS: tuple[Limit, ...] = (
    Limit("BT-1", "invoice number", 200, "BR-RO-L155", lambda d: (d.invoice_number,)),
    Limit("BT-12", "contract reference", 200, "BR-RO-L0302", lambda d: (d.contract_reference,)),
    Limit("BT-13", "purchase order reference", 200, "BR-RO-L0303", lambda d: (d.purchase_order_reference,)),
    Limit("BT-14", "sales order reference", 200, "BR-RO-L0304", lambda d: (d.sales_order_reference,)),
    Limit(
        "BT-15", "receiving advice reference", 200, "BR-RO-L0305", lambda d: (d.receiving_advice_reference,)
    ),
    Limit("BT-16", "despatch advice reference", 200, "BR-RO-L0306", lambda d: (d.despatch_advice_reference,)),
    Limit("BT-17", "tender or lot reference", 200, "BR-RO-L0307", lambda d: (d.tender_or_lot_reference,)),
    Limit(
        "BT-18",
        "invoiced object identifier",
        200,
        "BR-RO-L0308",
        lambda d: (d.invoiced_object_identifier.value,) if d.invoiced_object_identifier else (),
    ),
    Limit(
        "BT-19", "buyer accounting reference", 100, "BR-RO-L1001", lambda d: (d.buyer_accounting_reference,)
    ),
    Limit("BT-20", "payment terms", 300, "BR-RO-L301", lambda d: (d.payment_terms,)),
    Limit("BT-22", "invoice note", 300, "BR-RO-L302", _note_text),
    Limit(
        "BT-25",
        "preceding invoice reference",
        200,
        "BR-RO-L156",
        lambda d: (p.reference for p in d.preceding_invoices),
    ),
    Limit("BT-27", "seller name", 200, "BR-RO-L201", lambda d: (d.seller.name,)),
    Limit("BT-28", "seller trading name", 200, "BR-RO-L202", lambda d: (d.seller.trading_name,)),
    Limit(
        "BT-33",
        "seller additional legal information",
        1000,
        "BR-RO-L1000",
        lambda d: (d.seller.additional_legal_info,),
    ),
    Limit("BT-35", "seller address line 1", 150, "BR-RO-L151", _address(_seller_address, "line1")),
    Limit("BT-36", "seller address line 2", 100, "BR-RO-L1002", _address(_seller_address, "line2")),
    Limit("BT-162", "seller address line 3", 100, "BR-RO-L1003", _address(_seller_address, "line3")),
    Limit("BT-37", "seller city", 50, "BR-RO-L0501", _address(_seller_address, "city")),
    Limit("BT-38", "seller post code", 20, "BR-RO-L0201", _address(_seller_address, "postal_code")),
    Limit("BT-41", "seller contact point", 100, "BR-RO-L1004", _contact(_seller, "name")),
    Limit("BT-42", "seller contact telephone number", 100, "BR-RO-L1005", _contact(_seller, "telephone")),
    Limit("BT-43", "seller contact email address", 100, "BR-RO-L1006", _contact(_seller, "email")),
    Limit("BT-44", "buyer name", 200, "BR-RO-L203", lambda d: (d.buyer.name,)),
    Limit("BT-45", "buyer trading name", 200, "BR-RO-L204", lambda d: (d.buyer.trading_name,)),
    Limit("BT-50", "buyer address line 1", 150, "BR-RO-L152", _address(_buyer_address, "line1")),
    Limit("BT-51", "buyer address line 2", 100, "BR-RO-L1007", _address(_buyer_address, "line2")),
    Limit("BT-163", "buyer address line 3", 100, "BR-RO-L1008", _address(_buyer_address, "line3")),
    Limit("BT-52", "buyer city", 50, "BR-RO-L0502", _address(_buyer_address, "city")),
    Limit("BT-53", "buyer post code", 20, "BR-RO-L0202", _address(_buyer_address, "postal_code")),
    Limit("BT-56", "buyer contact point", 100, "BR-RO-L1009", _contact(_buyer, "name")),
    Limit("BT-57", "buyer contact telephone number", 100, "BR-RO-L1010", _contact(_buyer, "telephone")),
    Limit("BT-58", "buyer contact email address", 100, "BR-RO-L1011", _contact(_buyer, "email")),
    Limit("BT-59", "payee name", 200, "BR-RO-L205", lambda d: (d.payee.name,) if d.payee else ()),
    Limit(
        "BT-62",
        "tax representative name",
        200,
        "BR-RO-L206",
        lambda d: (d.tax_representative.name,) if d.tax_representative else (),
    ),
    Limit(
        "BT-64",
        "tax representative address line 1",
        150,
        "BR-RO-L153",
        _address(_representative_address, "line1"),
    ),
    Limit(
        "BT-65",
        "tax representative address line 2",
        100,
        "BR-RO-L1012",
        _address(_representative_address, "line2"),
    ),
    Limit(
        "BT-164",
        "tax representative address line 3",
        100,
        "BR-RO-L1013",
        _address(_representative_address, "line3"),
    ),
    Limit("BT-66", "tax representative city", 50, "BR-RO-L0503", _address(_representative_address, "city")),
    Limit(
        "BT-67",
        "tax representative post code",
        20,
        "BR-RO-L0203",
        _address(_representative_address, "postal_code"),
    ),
    Limit(
        "BT-70",
        "deliver to party name",
        200,
        "BR-RO-L207",
        lambda d: (d.delivery.party_name,) if d.delivery else (),
    ),
    Limit("BT-75", "deliver to address line 1", 150, "BR-RO-L154", _address(_delivery_address, "line1")),
    Limit("BT-76", "deliver to address line 2", 100, "BR-RO-L1014", _address(_delivery_address, "line2")),
    Limit("BT-165", "deliver to address line 3", 100, "BR-RO-L1015", _address(_delivery_address, "line3")),
    Limit("BT-77", "deliver to city", 50, "BR-RO-L0504", _address(_delivery_address, "city")),
    Limit("BT-78", "deliver to post code", 20, "BR-RO-L0204", _address(_delivery_address, "postal_code")),
    Limit("BT-82", "payment means text", 100, "BR-RO-L1016", lambda d: (m.means_text for m in _means(d))),
    Limit(
        "BT-83",
        "remittance information",
        140,
        "BR-RO-L140",
        lambda d: (m.remittance_information for m in _means(d)),
    ),
    Limit(
        "BT-85",
        "payment account name",
        200,
        "BR-RO-L208",
        lambda d: (t.account_name for m in _means(d) for t in m.credit_transfers),
    ),
    Limit(
        "BT-88",
        "payment card holder name",
        200,
        "BR-RO-L209",
        lambda d: (m.card.holder_name for m in _means(d) if m.card),
    ),
    Limit("BT-98", "document level allowance reason code", 100, "BR-RO-L1017", _doc_reasons_codes(False)),
    Limit("BT-105", "document level charge reason code", 100, "BR-RO-L1018", _doc_reasons_codes(True)),
    Limit(
        "BT-120",
        "VAT exemption reason text",
        100,
        "BR-RO-L1019",
        lambda d: (b.exemption_reason for b in d.vat_breakdown),
    ),
    Limit(
        "BT-122",
        "supporting document reference",
        200,
        "BR-RO-L0308",
        lambda d: (a.reference for a in d.additional_documents),
    ),
    Limit(
        "BT-123",
        "supporting document description",
        100,
        "BR-RO-L1020",
        lambda d: (a.description for a in d.additional_documents),
    ),
    Limit(
        "BT-124",
        "external document location",
        200,
        "BR-RO-L210",
        lambda d: (a.external_uri for a in d.additional_documents),
    ),
    Limit(
        "BT-125",
        "attached document file name",
        200,
        "BR-RO-L211",
        lambda d: (a.attachment.filename for a in d.additional_documents if a.attachment),
    ),
    Limit("BT-127", "invoice line note", 300, "BR-RO-L303", lambda d: (ln.note for ln in d.lines)),
    Limit(
        "BT-133",
        "invoice line buyer accounting reference",
        100,
        "BR-RO-L1021",
        lambda d: (ln.buyer_accounting_reference for ln in d.lines),
    ),
    Limit("BT-139", "invoice line allowance reason", 100, "BR-RO-L1022", _line_reasons(False)),
    Limit("BT-144", "invoice line charge reason", 100, "BR-RO-L1023", _line_reasons(True)),
    Limit("BT-153", "item name", 100, "BR-RO-L1024", lambda d: (ln.item_name for ln in d.lines)),
    Limit("BT-154", "item description", 200, "BR-RO-L212", lambda d: (ln.item_description for ln in d.lines)),
    Limit(
        "BT-160",
        "item attribute name",
        50,
        "BR-RO-L0505",
        lambda d: (a.name for ln in d.lines for a in ln.attributes),
    ),
    Limit(
        "BT-161",
        "item attribute value",
        100,
        "BR-RO-L1025",
        lambda d: (a.value for ln in d.lines for a in ln.attributes),
    ),
)


def length_problems(document: Invoice) -> Iterator[tuple[Limit, int]]:
    """Yield ``(limit, actual length)`` for every value of ``document`` longer than its CIUS-RO limit."""
    for limit in LIMITS:
        for value in limit.values(document):
            if value and normalized_length(value) > limit.maximum:
                yield limit, normalized_length(value)
                break
