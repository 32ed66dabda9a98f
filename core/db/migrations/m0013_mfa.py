"""Second factor: TOTP secrets, backup codes, passkeys, MFA challenges and step-up verifications,
as raw SQL (mirrors :mod:`core.auth.mfa.tables`). Rows of a user go with the user (ON DELETE
CASCADE)."""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "mfa: totp, backup codes, passkeys, challenges, step-up verifications"

_USER = '"user_id" VARCHAR(36) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE'

STATEMENTS = [
    'CREATE TABLE IF NOT EXISTS "mfa_totp" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    f"{_USER}, "
    '"secret" VARCHAR(64) NOT NULL, '
    '"enabled" BOOLEAN NOT NULL DEFAULT FALSE, '
    '"last_step" INTEGER NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"enabled_at" TIMESTAMPTZ NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS mfa_totp_user_uq ON "mfa_totp" ("user_id")',
    'CREATE TABLE IF NOT EXISTS "mfa_backup_codes" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    f"{_USER}, "
    '"code_hash" VARCHAR(64) NOT NULL, '
    '"used_at" TIMESTAMPTZ NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE INDEX IF NOT EXISTS mfa_backup_codes_user_idx ON "mfa_backup_codes" ("user_id")',
    'CREATE TABLE IF NOT EXISTS "passkeys" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    f"{_USER}, "
    '"credential_id" VARCHAR(1400) NOT NULL, '
    '"public_key" TEXT NOT NULL, '
    '"sign_count" BIGINT NOT NULL DEFAULT 0, '
    "\"transports\" TEXT NOT NULL DEFAULT '[]', "
    '"name" VARCHAR(255) NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"last_used_at" TIMESTAMPTZ NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS passkeys_credential_uq ON "passkeys" ("credential_id")',
    'CREATE INDEX IF NOT EXISTS passkeys_user_idx ON "passkeys" ("user_id")',
    'CREATE TABLE IF NOT EXISTS "mfa_challenges" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"token_hash" VARCHAR(64) NOT NULL, '
    '"purpose" VARCHAR(20) NOT NULL, '
    '"user_id" VARCHAR(36) NULL REFERENCES "users" ("id") ON DELETE CASCADE, '
    '"login_method" VARCHAR(20) NULL, '
    '"attempts" INTEGER NOT NULL DEFAULT 0, '
    '"webauthn_challenge" VARCHAR(128) NULL, '
    '"email_otp_hash" VARCHAR(64) NULL, '
    '"email_otp_expires_at" TIMESTAMPTZ NULL, '
    '"expires_at" TIMESTAMPTZ NOT NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS mfa_challenges_token_uq ON "mfa_challenges" ("token_hash")',
    'CREATE INDEX IF NOT EXISTS mfa_challenges_user_idx ON "mfa_challenges" ("user_id", "purpose")',
    'CREATE TABLE IF NOT EXISTS "mfa_verifications" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"token_hash" VARCHAR(64) NOT NULL, '
    f"{_USER}, "
    '"expires_at" TIMESTAMPTZ NOT NULL, '
    '"used_at" TIMESTAMPTZ NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS mfa_verifications_token_uq ON "mfa_verifications" ("token_hash")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
