"""Per-company count of live invoices, kept exact by triggers, as raw SQL.

``GET /api/v1/invoices`` without a filter reports ``total`` (objects.md §2) for every live invoice
of the company; an exact ``COUNT(*)`` walks all of them (100 000 index entries: most of the page's
time, see bench/invoice_list.py). ``invoice_counts`` holds that number per company instead, and
the database itself keeps it in step in the same transaction as the change, whatever writes the
invoice (service, sync, bulk load): an invoice counts when its ``deleted_at`` is null.

* SQLite: row triggers on insert, on update of ``deleted_at``/``company`` and on delete.
* PostgreSQL: statement triggers with transition tables, one upsert per statement and company, so
  a bulk load (``COPY`` of many rows) adds its rows in one step instead of updating the counter
  row once per invoice.

No foreign key to ``companies``: a company's invoices are removed with it by cascade, and the
trigger of that cascade must not recreate a row for a company that is going away. The migration
fills the table from the invoices already there before the triggers exist.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "per-company count of live invoices, kept by triggers"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "invoice_counts" ("company" VARCHAR(36) PRIMARY KEY NOT NULL, "live" INTEGER NOT NULL DEFAULT 0)',
    'DELETE FROM "invoice_counts"',
    'INSERT INTO "invoice_counts" ("company", "live") '
    'SELECT "company", COUNT(*) FROM "invoices" WHERE "deleted_at" IS NULL GROUP BY "company"',
]

SQLITE_STATEMENTS = [
    'CREATE TRIGGER IF NOT EXISTS invoice_counts_insert AFTER INSERT ON "invoices" WHEN NEW."deleted_at" IS NULL '
    'BEGIN INSERT INTO "invoice_counts" ("company", "live") VALUES (NEW."company", 1) '
    'ON CONFLICT ("company") DO UPDATE SET "live" = "live" + 1; END',
    'CREATE TRIGGER IF NOT EXISTS invoice_counts_update AFTER UPDATE OF "deleted_at", "company" ON "invoices" '
    'WHEN (OLD."deleted_at" IS NULL) <> (NEW."deleted_at" IS NULL) OR OLD."company" <> NEW."company" '
    'BEGIN '
    'UPDATE "invoice_counts" SET "live" = "live" - 1 WHERE "company" = OLD."company" AND OLD."deleted_at" IS NULL; '
    'INSERT INTO "invoice_counts" ("company", "live") SELECT NEW."company", 1 WHERE NEW."deleted_at" IS NULL '
    'ON CONFLICT ("company") DO UPDATE SET "live" = "live" + 1; '
    'END',
    'CREATE TRIGGER IF NOT EXISTS invoice_counts_delete AFTER DELETE ON "invoices" WHEN OLD."deleted_at" IS NULL '
    'BEGIN UPDATE "invoice_counts" SET "live" = "live" - 1 WHERE "company" = OLD."company"; END',
]

POSTGRES_STATEMENTS = [
    "CREATE OR REPLACE FUNCTION invoice_counts_apply() RETURNS trigger AS $$ "
    "BEGIN "
    "IF TG_OP = 'INSERT' THEN "
    '  INSERT INTO "invoice_counts" ("company", "live") '
    '  SELECT "company", COUNT(*) FROM new_rows WHERE "deleted_at" IS NULL GROUP BY "company" '
    '  ON CONFLICT ("company") DO UPDATE SET "live" = "invoice_counts"."live" + EXCLUDED."live"; '
    "ELSIF TG_OP = 'DELETE' THEN "
    '  UPDATE "invoice_counts" c SET "live" = c."live" - d.n '
    '  FROM (SELECT "company", COUNT(*) AS n FROM old_rows WHERE "deleted_at" IS NULL GROUP BY "company") d '
    '  WHERE c."company" = d."company"; '
    "ELSE "
    '  INSERT INTO "invoice_counts" ("company", "live") '
    '  SELECT "company", SUM(delta) FROM ('
    '    SELECT "company", 1 AS delta FROM new_rows WHERE "deleted_at" IS NULL '
    '    UNION ALL SELECT "company", -1 FROM old_rows WHERE "deleted_at" IS NULL) t '
    '  GROUP BY "company" HAVING SUM(delta) <> 0 '
    '  ON CONFLICT ("company") DO UPDATE SET "live" = "invoice_counts"."live" + EXCLUDED."live"; '
    "END IF; "
    "RETURN NULL; "
    "END $$ LANGUAGE plpgsql",
    'DROP TRIGGER IF EXISTS invoice_counts_insert ON "invoices"',
    'CREATE TRIGGER invoice_counts_insert AFTER INSERT ON "invoices" REFERENCING NEW TABLE AS new_rows '
    "FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_apply()",
    'DROP TRIGGER IF EXISTS invoice_counts_update ON "invoices"',
    'CREATE TRIGGER invoice_counts_update AFTER UPDATE ON "invoices" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
    "FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_apply()",
    'DROP TRIGGER IF EXISTS invoice_counts_delete ON "invoices"',
    'CREATE TRIGGER invoice_counts_delete AFTER DELETE ON "invoices" REFERENCING OLD TABLE AS old_rows '
    "FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_apply()",
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS, sqlite=SQLITE_STATEMENTS, postgres=POSTGRES_STATEMENTS)
