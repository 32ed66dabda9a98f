"""The table of per-company e-invoice provider configurations (created by migration m0007)."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import IdColumn, Stamp
from core.ids import new_id

__all__ = ["EInvoiceConfig"]


class EInvoiceConfig(Table, tablename="einvoice_configs"):
    """One provider's settings for one company; unique per (company, provider).

    ``credentials`` is a flat ``{name: value}`` object of strings, stored as plain JSON: encryption
    at rest is a later issue; until then the database's access control protects it.
    """

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    provider = Varchar(length=20)
    enabled = Boolean(default=True)
    credentials = JSON(default={})
    created_at = Stamp()
    updated_at = Stamp()
