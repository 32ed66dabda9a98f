"""Refresh tokens, and one company per CIF within an organisation, as raw SQL for SQLite and PostgreSQL.

The table mirrors :class:`core.auth.tables.RefreshToken`. Timestamps are declared ``TIMESTAMPTZ``
on both engines (piccolo's SQLite engine converts that declared type back to aware datetimes).
The company index is partial, so a soft-deleted company does not block adding its CIF again.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "refresh tokens; unique CIF per organisation"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "refresh_tokens" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"user" VARCHAR(36) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"organisation" VARCHAR(36) NULL DEFAULT NULL, '
    '"family" VARCHAR(36) NOT NULL, '
    '"token_hash" VARCHAR(64) NOT NULL, '
    '"expires_at" TIMESTAMPTZ NOT NULL, '
    '"used_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"revoked_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS refresh_tokens_hash_uq ON "refresh_tokens" ("token_hash")',
    'CREATE INDEX IF NOT EXISTS refresh_tokens_family_idx ON "refresh_tokens" ("family")',
    'CREATE INDEX IF NOT EXISTS refresh_tokens_user_idx ON "refresh_tokens" ("user")',
    'CREATE UNIQUE INDEX IF NOT EXISTS companies_org_cif_uq ON "companies" ("organisation", "cif") WHERE "deleted_at" IS NULL',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
