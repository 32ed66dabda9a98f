"""Accounts, members and invitations (objects.md §8.1, §3.18): e-mail confirmation and
password-reset tokens, invitations, the Google subject and profile fields on users, and the
explicit permission list on memberships. Raw SQL that runs on SQLite and PostgreSQL.

``account_tokens`` mirrors :class:`core.auth.tables.AccountToken`, ``invitations``
:class:`core.auth.tables.Invitation`. Tokens are stored only as SHA-256 digests (unique).
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "account tokens; invitations; users.google_sub and profile; memberships.permissions"

STATEMENTS = [
    'ALTER TABLE "users" ADD COLUMN "google_sub" VARCHAR(255) NULL',
    'ALTER TABLE "users" ADD COLUMN "phone" VARCHAR(50) NULL',
    "ALTER TABLE \"users\" ADD COLUMN \"timezone\" VARCHAR(64) NOT NULL DEFAULT 'Europe/Bucharest'",
    "ALTER TABLE \"users\" ADD COLUMN \"preferences\" JSON NOT NULL DEFAULT '{}'",
    'ALTER TABLE "users" ADD COLUMN "deleted_at" TIMESTAMPTZ NULL',
    'CREATE UNIQUE INDEX IF NOT EXISTS users_google_sub_uq ON "users" ("google_sub")',
    'ALTER TABLE "memberships" ADD COLUMN "permissions" JSON NULL',
    'CREATE TABLE IF NOT EXISTS "account_tokens" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"user" VARCHAR(36) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE, '
    '"purpose" VARCHAR(20) NOT NULL, '
    '"token_hash" VARCHAR(64) NOT NULL, '
    '"expires_at" TIMESTAMPTZ NOT NULL, '
    '"used_at" TIMESTAMPTZ NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS account_tokens_hash_uq ON "account_tokens" ("token_hash")',
    'CREATE INDEX IF NOT EXISTS account_tokens_user_idx ON "account_tokens" ("user", "purpose")',
    'CREATE TABLE IF NOT EXISTS "invitations" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"organisation" VARCHAR(36) NOT NULL REFERENCES "organisations" ("id") ON DELETE CASCADE, '
    '"email" VARCHAR(255) NOT NULL, '
    '"role" VARCHAR(20) NOT NULL, '
    "\"allowed_companies\" JSON NOT NULL DEFAULT '[]', "
    "\"status\" VARCHAR(12) NOT NULL DEFAULT 'pending', "
    '"token_hash" VARCHAR(64) NOT NULL, '
    '"invited_by" VARCHAR(36) NULL, '
    '"accepted_by" VARCHAR(36) NULL, '
    '"expires_at" TIMESTAMPTZ NOT NULL, '
    '"accepted_at" TIMESTAMPTZ NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS invitations_hash_uq ON "invitations" ("token_hash")',
    # one pending invitation per address and organisation (409 ALREADY_INVITED after a lost race)
    'CREATE UNIQUE INDEX IF NOT EXISTS invitations_pending_uq ON "invitations" ("organisation", "email") '
    "WHERE \"status\" = 'pending'",
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
