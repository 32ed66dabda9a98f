"""Master data of a company: clients (buyers), suppliers (sellers of incoming invoices), products, VAT rates.

Owned by :mod:`core.masterdata.service`.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Varchar, Text
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import Amount, IdColumn, Scaled, Stamp
from core.ids import new_id


class Client(Table, tablename="clients"):
    """A buyer (BG-7). ``cui`` without country prefix; ``vat_code`` with it (BT-48)."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    type = Varchar(length=20, default="company")
    name = Varchar(length=255)
    cui = Varchar(length=20, null=True, default=None)
    cnp = Varchar(length=13, null=True, default=None)
    vat_code = Varchar(length=20, null=True, default=None)
    is_vat_payer = Boolean(default=False)
    registration_number = Varchar(length=50, null=True, default=None)
    address = Varchar(length=255, default="")
    city = Varchar(length=100, default="")
    county = Varchar(length=100, default="")
    postal_code = Varchar(length=20, null=True, default=None)
    country = Varchar(length=2, default="RO")
    email = Varchar(length=255, null=True, default=None)
    phone = Varchar(length=50, null=True, default=None)
    contact_person = Varchar(length=100, null=True, default=None)
    bank_name = Varchar(length=100, null=True, default=None)
    bank_account = Varchar(length=50, null=True, default=None)
    default_payment_term_days = Integer(null=True, default=None)
    currency = Varchar(length=3, null=True, default=None)
    notes = Text(null=True, default=None)
    source = Varchar(length=20, default="manual")
    created_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class Supplier(Table, tablename="suppliers"):
    """A seller of incoming invoices (BG-4 as read from their e-invoice), mostly created by sync."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    name = Varchar(length=255)
    cif = Varchar(length=30, null=True, default=None)
    vat_code = Varchar(length=30, null=True, default=None)
    is_vat_payer = Boolean(default=False)
    registration_number = Varchar(length=50, null=True, default=None)
    address = Varchar(length=255, default="")
    city = Varchar(length=100, default="")
    county = Varchar(length=100, default="")
    country = Varchar(length=2, default="RO")
    email = Varchar(length=255, null=True, default=None)
    bank_account = Varchar(length=50, null=True, default=None)
    postal_code = Varchar(length=20, null=True, default=None)  # from m0010 on
    phone = Varchar(length=50, null=True, default=None)
    bank_name = Varchar(length=100, null=True, default=None)
    notes = Text(null=True, default=None)
    source = Varchar(length=20, default="efactura")
    created_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class Product(Table, tablename="products"):
    """A catalogue item. ``default_price`` at 6 decimals (BT-146 may carry more than 2)."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    name = Varchar(length=255)
    code = Varchar(length=50, null=True, default=None)
    description = Text(null=True, default=None)
    unit_of_measure = Varchar(length=20, default="buc")
    default_price = Scaled(default=0)
    currency = Varchar(length=3, default="RON")
    vat_rate = Amount(default=2100)
    vat_category_code = Varchar(length=3, default="S")
    is_service = Boolean(default=False)
    is_active = Boolean(default=True)
    usage = Varchar(length=10, default="both")
    created_at = Stamp()
    deleted_at = Stamp(null=True, default=None)


class VatRate(Table, tablename="vat_rates"):
    """A VAT rate offered for a company's lines (percent at 2 decimals, UNTDID 5305 category)."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    rate = Amount()
    label = Varchar(length=100)
    category_code = Varchar(length=3, default="S")
    is_default = Boolean(default=False)
    is_active = Boolean(default=True)
    position = Integer(default=0)
    deleted_at = Stamp(null=True, default=None)
