"""Amounts keep exact decimals on both engines (SQLite's NUMERIC would be a float)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.db import engine as db
from core.money import from_minor, to_minor


async def test_amounts_round_trip_and_sum_exactly(settings):
    from core.auth.tables import Company, Organisation
    from core.invoicing.tables import Invoice

    await db.connect(settings)
    try:
        await db.migrate()
        org = Organisation(name="Org", slug="org")
        await Organisation.insert(org).run()
        company = Company(organisation=org.id, name="Co", cif="123")
        await Company.insert(company).run()
        values = [Decimal("12345678901234.57"), Decimal("0.1"), Decimal("0.2")]
        for i, value in enumerate(values):
            await Invoice.insert(Invoice(company=company.id, number=f"N{i}", issue_date=dt.date(2026, 11, 1), total=to_minor(value))).run()
        rows = await Invoice.select(Invoice.number, Invoice.total).order_by(Invoice.number).run()
        assert [from_minor(r["total"]) for r in rows] == [Decimal("12345678901234.57"), Decimal("0.10"), Decimal("0.20")]
        summed = await Invoice.raw("SELECT SUM(total) AS s FROM invoices WHERE number IN ('N1', 'N2')").run()
        assert from_minor(summed[0]["s"]) == Decimal("0.30")
        everything = await Invoice.raw("SELECT SUM(total) AS s FROM invoices").run()
        assert from_minor(everything[0]["s"]) == Decimal("12345678901234.87")
    finally:
        await db.disconnect()
