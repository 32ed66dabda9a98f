"""The ``CREATE TABLE`` text of a document line table, shared by the raw-SQL migrations.

Proforma, delivery-note, receipt and recurring-template lines (m0006, m0008, m0009) have the
columns of :class:`core.invoicing.tables.LineColumns` (BG-25): quantities and prices ``BIGINT``
at 6 decimals, amounts ``BIGINT`` minor units. Applied migrations are recorded by id only, so
this text is frozen: a later change of line columns is a new migration (``ALTER TABLE``), never
an edit here.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CASCADE", "LINE_COLUMNS", "line_table"]

#: The referential actions of every foreign key created by the raw-SQL migrations.
CASCADE = "ON DELETE CASCADE ON UPDATE CASCADE"

#: The line columns after the id and the key of the document, in table order.
LINE_COLUMNS = (
    '"position" INTEGER NOT NULL',
    '"description" VARCHAR(500) NOT NULL',
    '"quantity" BIGINT NOT NULL',
    "\"unit_of_measure\" VARCHAR(20) NOT NULL DEFAULT 'buc'",
    "\"unit_code\" VARCHAR(3) NOT NULL DEFAULT 'H87'",
    '"unit_price" BIGINT NOT NULL',
    '"vat_rate" BIGINT NOT NULL DEFAULT 2100',
    "\"vat_category_code\" VARCHAR(3) NOT NULL DEFAULT 'S'",
    '"vat_exemption_reason" VARCHAR(255) NULL DEFAULT NULL',
    '"vat_amount" BIGINT NOT NULL DEFAULT 0',
    '"line_total" BIGINT NOT NULL DEFAULT 0',
    '"discount" BIGINT NOT NULL DEFAULT 0',
    f'"product" VARCHAR(36) NULL DEFAULT NULL REFERENCES "products" ("id") {CASCADE}',
    '"product_code" VARCHAR(50) NULL DEFAULT NULL',
    '"line_note" VARCHAR(500) NULL DEFAULT NULL',
)


def line_table(table: str, document_column: str, document_table: str, extra_columns: Sequence[str] = ()) -> str:
    """``CREATE TABLE IF NOT EXISTS "<table>"`` of a line table: the id, ``document_column``
    referencing ``document_table`` (nullable, cascading), :data:`LINE_COLUMNS`, then
    ``extra_columns`` (column definitions, in order)."""
    columns = (
        '"id" VARCHAR(36) PRIMARY KEY NOT NULL',
        f'"{document_column}" VARCHAR(36) NULL DEFAULT NULL REFERENCES "{document_table}" ("id") {CASCADE}',
        *LINE_COLUMNS,
        *extra_columns,
    )
    return f'CREATE TABLE IF NOT EXISTS "{table}" (' + ", ".join(columns) + ")"
