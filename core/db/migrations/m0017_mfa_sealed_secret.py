"""TOTP secrets are sealed at rest (:mod:`core.crypto`): the sealed text is longer than the 64
characters m0013 allowed, so the column becomes TEXT (PostgreSQL; SQLite does not enforce
VARCHAR lengths)."""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T16:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "mfa_totp.secret as TEXT (sealed secrets)"

POSTGRES_STATEMENTS = ['ALTER TABLE "mfa_totp" ALTER COLUMN "secret" TYPE TEXT']


async def forwards():
    return raw_migration(ID, DESCRIPTION, postgres=POSTGRES_STATEMENTS)
