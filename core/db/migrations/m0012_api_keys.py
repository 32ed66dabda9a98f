"""API keys (objects.md §8.3) as raw SQL: ``api_keys`` mirrors :class:`core.auth.apikeys.tables.ApiKey`.

Keys are looked up by the SHA-256 digest of the presented key on every API-key request, hence the
unique index on ``token_hash``; lists are per user and organisation.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "API keys"

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "api_keys" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"user" VARCHAR(36) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"organisation" VARCHAR(36) NOT NULL REFERENCES "organisations" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"name" VARCHAR(255) NOT NULL, '
    '"token_prefix" VARCHAR(12) NOT NULL, '
    '"token_hash" VARCHAR(64) NOT NULL, '
    "\"scopes\" JSON NOT NULL DEFAULT '[]', "
    '"expires_at" TIMESTAMPTZ NULL, '
    '"last_used_at" TIMESTAMPTZ NULL, '
    '"revoked_at" TIMESTAMPTZ NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS api_keys_token_hash_uq ON "api_keys" ("token_hash")',
    'CREATE INDEX IF NOT EXISTS api_keys_owner_idx ON "api_keys" ("user", "organisation", "created_at")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
