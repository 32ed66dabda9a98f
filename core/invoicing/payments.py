"""Payments recorded against invoices (objects.md §3.6, §5.1 "payments").

The only writer of ``payments``; it also keeps the invoice's ``amount_paid`` (sum of payments),
``paid_at`` (set when fully paid, cleared when not) and ``payment_method`` (of the latest
payment) in step. Payments never change the invoice ``status`` (objects.md §5.1 note).
Negative-total documents are settled at issue and refuse payments (objects.md §7.3).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.api import json as j
from core.db.engine import write_transaction
from core.errors import BadRequest, NotFound, Unprocessable
from core.invoicing.service import InvoiceService
from core.invoicing.tables import Invoice, Payment
from core.money import from_minor, to_minor

__all__ = ["PaymentIn", "payment_json", "list_payments", "payments_of", "record_payment", "delete_payment", "settle"]

DEFAULT_METHOD = "bank_transfer"


class PaymentIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/invoices/{id}/payments`` body; ``amount`` and ``paymentMethod`` are required
    (checked by :func:`record_payment`, 400), ``currency`` defaults to the invoice's, ``paymentDate`` to today."""

    amount: Decimal | None = None
    payment_method: str | None = None
    currency: str | None = None
    payment_date: dt.date | None = None
    reference: str | None = None
    notes: str | None = None
    is_reconciled: bool = False


def payment_json(row: dict[str, Any]) -> dict[str, Any]:
    """A payment row as the API's Payment (objects.md §3.6)."""
    return {
        "id": row["id"],
        "amount": j.amount(row["amount"]),
        "currency": row["currency"],
        "paymentDate": j.date(row["payment_date"]),
        "paymentMethod": row["payment_method"],
        "reference": row.get("reference"),
        "notes": row.get("notes"),
        "isReconciled": bool(row.get("is_reconciled")),
        "createdAt": j.stamp(row["created_at"]),
    }


async def list_payments(service: InvoiceService, company_id: str, invoice_id: str) -> list[dict[str, Any]]:
    """The invoice's payments, oldest first (NotFound for another company's invoice)."""
    await service.get(company_id, invoice_id)
    return await payments_of(invoice_id)


async def payments_of(invoice_id: str) -> list[dict[str, Any]]:
    """The payments of an invoice the caller already loaded for its company, oldest first."""
    return await Payment.select().where(Payment.invoice == invoice_id).order_by(Payment.created_at).run()


async def _recompute(invoice_id: str) -> None:
    """Set amount_paid, paid_at and payment_method of a positive-total invoice from its payments."""
    invoice = await Invoice.select(Invoice.total, Invoice.paid_at).where(Invoice.id == invoice_id).first().run()
    rows = await Payment.select(Payment.amount, Payment.payment_method).where(Payment.invoice == invoice_id).order_by(Payment.created_at).run()
    paid = sum(r["amount"] for r in rows)
    fully = invoice["total"] > 0 and paid >= invoice["total"]
    now = dt.datetime.now(dt.timezone.utc)
    await Invoice.update(
        {
            Invoice.amount_paid: paid,
            Invoice.paid_at: (invoice["paid_at"] or now) if fully else None,
            Invoice.payment_method: rows[-1]["payment_method"] if rows else None,
            Invoice.updated_at: now,
        }
    ).where(Invoice.id == invoice_id).run()


async def record_payment(service: InvoiceService, company_id: str, invoice_id: str, data: PaymentIn, *, actor: str | None) -> dict[str, Any]:
    """Record a payment; returns its row.

    Raises :class:`core.errors.BadRequest` (amount missing or ≤ 0, paymentMethod missing),
    :class:`core.errors.Unprocessable` (``overpayment`` beyond the balance; ``negative_total``
    on a negative-total invoice) and NotFound.
    """
    if data.amount is None or not data.amount.is_finite() or data.amount <= 0:
        raise BadRequest("amount is required and must be > 0.", field="amount")
    if not (data.payment_method or "").strip():
        raise BadRequest("paymentMethod is required.", field="paymentMethod")
    amount = to_minor(data.amount.quantize(Decimal("0.01")))
    async with write_transaction():
        invoice = await service.get_for_update(company_id, invoice_id)
        if invoice["total"] <= 0:
            raise Unprocessable("Payments cannot be recorded on a negative-total invoice (it is settled at issue).", code="negative_total")
        balance = invoice["total"] - invoice["amount_paid"]
        if amount > balance:
            raise Unprocessable(f"The payment ({from_minor(amount)}) exceeds the invoice balance ({from_minor(balance)}).", code="overpayment")
        row = Payment(
            invoice=invoice_id, company=company_id, amount=amount, currency=(data.currency or invoice["currency"]).upper(),
            payment_date=data.payment_date or dt.date.today(), payment_method=data.payment_method.strip(),
            reference=data.reference, notes=data.notes, is_reconciled=data.is_reconciled,
        )
        await Payment.insert(row).run()
        await _recompute(invoice_id)
        await service.record_event(invoice_id, invoice["status"], invoice["status"], "payment_recorded", actor, paymentId=row.id, amount=str(from_minor(amount)), paymentMethod=row.payment_method)
    return await Payment.select().where(Payment.id == row.id).first().run()


async def delete_payment(service: InvoiceService, company_id: str, invoice_id: str, payment_id: str, *, actor: str | None) -> None:
    """Delete a payment and recompute the invoice's paid amount; NotFound when unknown."""
    async with write_transaction():
        invoice = await service.get_for_update(company_id, invoice_id)
        row = await Payment.select().where((Payment.id == payment_id) & (Payment.invoice == invoice_id)).first().run()
        if row is None:
            raise NotFound("Payment not found.")
        await Payment.delete().where(Payment.id == payment_id).run()
        await _recompute(invoice_id)
        await service.record_event(invoice_id, invoice["status"], invoice["status"], "payment_deleted", actor, paymentId=payment_id, amount=str(from_minor(row["amount"])))


async def settle(service: InvoiceService, company_id: str, invoice_id: str, *, actor: str | None, method: str = DEFAULT_METHOD) -> None:
    """Record the remaining balance as one payment (``bulk-mark-paid``).

    Raises :class:`core.errors.Unprocessable` when nothing is due (already paid, negative total).
    """
    invoice = await service.get(company_id, invoice_id)
    balance = invoice["total"] - invoice["amount_paid"]
    if invoice["total"] <= 0 or balance <= 0:
        raise Unprocessable("Nothing is due on this invoice.", code="nothing_due")
    await record_payment(service, company_id, invoice_id, PaymentIn(amount=from_minor(balance), payment_method=method), actor=actor)
