"""The request fingerprint of idempotent creates; unique and lookup indexes, as raw SQL that SQLite and PostgreSQL both accept.

piccolo's ``Unique()`` constraints fail on SQLite, so uniqueness lives in indexes created here.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique and lookup indexes; idempotency fingerprint"

STATEMENTS = [
    'ALTER TABLE "invoices" ADD COLUMN "idempotency_fingerprint" VARCHAR(64) DEFAULT NULL',
    'CREATE UNIQUE INDEX IF NOT EXISTS users_email_uq ON "users" ("email")',
    'CREATE UNIQUE INDEX IF NOT EXISTS memberships_user_org_uq ON "memberships" ("user", "organisation")',
    'CREATE UNIQUE INDEX IF NOT EXISTS document_series_prefix_uq ON "document_series" ("company", "prefix")',
    'CREATE UNIQUE INDEX IF NOT EXISTS invoices_idempotency_uq ON "invoices" ("company", "idempotency_key")',
    'CREATE INDEX IF NOT EXISTS invoices_company_issue_idx ON "invoices" ("company", "issue_date")',
    'CREATE INDEX IF NOT EXISTS invoice_lines_invoice_idx ON "invoice_lines" ("invoice", "position")',
    'CREATE INDEX IF NOT EXISTS document_events_invoice_idx ON "document_events" ("invoice", "created_at")',
    'CREATE INDEX IF NOT EXISTS submissions_due_idx ON "submissions" ("status", "due_at")',
    'CREATE INDEX IF NOT EXISTS submissions_invoice_idx ON "submissions" ("invoice")',
    'CREATE UNIQUE INDEX IF NOT EXISTS provider_credentials_uq ON "provider_credentials" ("company", "provider")',
    'CREATE UNIQUE INDEX IF NOT EXISTS sync_states_uq ON "sync_states" ("company", "provider")',
    'CREATE UNIQUE INDEX IF NOT EXISTS efactura_messages_uq ON "efactura_messages" ("company", "anaf_message_id")',
    'CREATE INDEX IF NOT EXISTS stored_documents_invoice_idx ON "stored_documents" ("invoice", "kind")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
