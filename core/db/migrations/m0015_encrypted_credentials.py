"""Provider tokens as managed objects, and one-time authorisation links, as raw SQL.

``provider_credentials`` gains ``label``, ``validated_cifs``, ``created_by`` and ``created_at``
(the ANAF token list of endpoints.tsv area ``anaf``); ``authorization_links`` mirrors
:class:`core.submissions.tables.AuthorizationLink`.

Encryption at rest of the tokens (and of ``einvoice_configs.credentials``) is not done here:
the key lives outside the database (``STORNO_ENCRYPTION_KEY`` or ``encryption.key`` in the data
directory) and a migration must not depend on it — the template database of the tests, a
one-shot ``storno migrate`` container and the serving processes may each see another data
directory. Instead every process seals the rows still stored in clear (or under a retired key)
at its start, with the key it runs with (:func:`core.submissions.credentials.reseal_credentials`,
:func:`core.einvoice.service.reseal_configs`), and the stores read legacy clear values meanwhile.
"""

from core.db.raw_migration import raw_migration

ID = "2026-11-21T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "provider token labels and validated CIFs; one-time authorisation links"

STATEMENTS = [
    'ALTER TABLE "provider_credentials" ADD COLUMN "label" VARCHAR(255) NULL',
    "ALTER TABLE \"provider_credentials\" ADD COLUMN \"validated_cifs\" JSON NOT NULL DEFAULT '[]'",
    'ALTER TABLE "provider_credentials" ADD COLUMN "created_by" VARCHAR(36) NULL',
    'ALTER TABLE "provider_credentials" ADD COLUMN "created_at" TIMESTAMPTZ NULL',
    'CREATE TABLE IF NOT EXISTS "authorization_links" ('
    '"id" VARCHAR(36) PRIMARY KEY NOT NULL, '
    '"token_hash" VARCHAR(64) NOT NULL, '
    '"company" VARCHAR(36) NOT NULL REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE CASCADE, '
    '"provider" VARCHAR(20) NOT NULL, '
    '"created_by" VARCHAR(36) NULL, '
    '"expires_at" TIMESTAMPTZ NOT NULL, '
    '"used_at" TIMESTAMPTZ NULL, '
    '"completed_at" TIMESTAMPTZ NULL, '
    '"created_at" TIMESTAMPTZ NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS authorization_links_token_uq ON "authorization_links" ("token_hash")',
]


async def forwards():
    return raw_migration(ID, DESCRIPTION, STATEMENTS)
