"""The hash-chained audit log (append-only by trigger) and the mail outbox, as raw SQL.

``audit_log`` mirrors :class:`core.audit.tables.AuditEntry`; triggers make the database refuse
UPDATE and DELETE on it (SQLite ``RAISE(ABORT)``, PostgreSQL a PL/pgSQL function), so entries can
only be appended. ``mail_outbox`` mirrors :class:`core.mail.tables.OutgoingMail`.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log; mail outbox"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "audit_log" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"seq" INTEGER NOT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"action" VARCHAR(64) NOT NULL, '
    '"organisation" VARCHAR(36) NULL, '
    '"actor" VARCHAR(36) NULL, '
    '"target" VARCHAR(255) NULL, '
    '"ip" VARCHAR(64) NULL, '
    "\"details\" TEXT NOT NULL DEFAULT '{}', "
    '"prev_hash" VARCHAR(64) NOT NULL, '
    '"entry_hash" VARCHAR(64) NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS audit_log_seq_uq ON "audit_log" ("seq")',
    'CREATE INDEX IF NOT EXISTS audit_log_organisation_idx ON "audit_log" ("organisation", "seq")',
    'CREATE TABLE IF NOT EXISTS "mail_outbox" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"kind" VARCHAR(40) NOT NULL, '
    '"to_address" VARCHAR(255) NOT NULL, '
    '"subject" VARCHAR(255) NOT NULL, '
    '"body" TEXT NOT NULL, '
    "\"status\" VARCHAR(10) NOT NULL DEFAULT 'pending', "
    '"attempts" INTEGER NOT NULL DEFAULT 0, '
    '"last_error" TEXT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"sent_at" TIMESTAMPTZ NULL)',
    'CREATE INDEX IF NOT EXISTS mail_outbox_status_idx ON "mail_outbox" ("status", "created_at")',
]

SQLITE_STATEMENTS = [
    'CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON "audit_log" '
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    'CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON "audit_log" '
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
]

POSTGRES_STATEMENTS = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql",
    'DROP TRIGGER IF EXISTS audit_log_append_only ON "audit_log"',
    'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" '
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS, sqlite=SQLITE_STATEMENTS, postgres=POSTGRES_STATEMENTS)
