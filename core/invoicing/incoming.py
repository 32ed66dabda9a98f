"""Importing incoming e-invoices (from a provider's inbox) as invoices with ``direction=incoming``.

The parsed canonical document is kept whole in the ``document`` column, so the invoice can be
validated, rendered to PDF or converted to another dialect later without losing business terms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.documents.store import DocumentStore
from core.ids import new_id
from core.invoicing.tables import DocumentEvent, Invoice, InvoiceLine
from core.masterdata.service import supplier_for_seller, tax_id_of
from core.money import to_minor, to_scaled
from core.views import ParsedDocument

__all__ = ["import_incoming"]


async def import_incoming(
    store: DocumentStore,
    company_id: str,
    parsed: ParsedDocument,
    *,
    xml: bytes,
    archive: bytes | None,
    message_id: str,
    upload_id: str | None,
) -> str:
    """Insert the incoming invoice, its supplier (found or created by CIF), lines and artefacts.

    Runs in the caller's transaction; returns the new invoice id. Amounts come from the file's
    own totals (BT-109, BT-110, BT-112), never recomputed.
    """
    doc = parsed.document
    invoice_id = new_id()
    supplier_id = await supplier_for_seller(company_id, doc.seller)
    vat_total = doc.totals.vat_total or Decimal("0")
    now = dt.datetime.now(dt.timezone.utc)
    await Invoice.insert(
        Invoice(
            id=invoice_id,
            company=company_id,
            direction="incoming",
            document_type="credit_note" if doc.is_credit_note else "invoice",
            status="synced",
            number=doc.invoice_number,
            supplier=supplier_id,
            sender_cif=tax_id_of(doc.seller.vat_identifier or doc.seller.tax_registration_id),
            sender_name=doc.seller.name,
            receiver_cif=tax_id_of(doc.buyer.vat_identifier or (doc.buyer.legal_registration_id.value if doc.buyer.legal_registration_id else None)),
            receiver_name=doc.buyer.name,
            currency=doc.currency_code,
            invoice_type_code="standard",
            issue_date=doc.issue_date,
            due_date=doc.due_date,
            payment_terms=doc.payment_terms,
            subtotal=to_minor(doc.totals.total_without_vat),
            vat_total=to_minor(vat_total),
            total=to_minor(doc.totals.total_with_vat),
            document=msgspec.to_builtins(doc),
            anaf_message_id=message_id,
            anaf_upload_id=upload_id,
            synced_at=now,
        )
    ).run()
    lines: list[Any] = []
    for position, line in enumerate(doc.lines, start=1):
        lines.append(
            InvoiceLine(
                invoice=invoice_id,
                position=position,
                description=line.item_name[:500],
                quantity=to_scaled(line.quantity),
                unit_of_measure=line.unit_code,
                unit_code=line.unit_code[:3],
                unit_price=to_scaled(line.net_price),
                vat_rate=to_minor((line.vat_rate or Decimal("0")).quantize(Decimal("0.01"))),
                vat_category_code=line.vat_category_code,
                line_total=to_minor(line.net_amount),
                product_code=line.seller_item_id,
                line_note=(line.note or None) and line.note[:500],
            )
        )
    if lines:
        await InvoiceLine.insert(*lines).run()
    await store.save(company_id=company_id, invoice_id=invoice_id, kind="xml", filename=f"{message_id}.xml", media_type="application/xml", content=xml, dialect=parsed.dialect)
    if archive:
        await store.save(company_id=company_id, invoice_id=invoice_id, kind="signed_zip", filename=f"{message_id}.zip", media_type="application/zip", content=archive)
    await DocumentEvent.insert(DocumentEvent(invoice=invoice_id, new_status="synced", action="created", metadata={"source": "efactura", "messageId": message_id})).run()
    return invoice_id
