"""Tables of the transport side: submissions, provider credentials, inbox sync state, SPV messages.

Owned by :mod:`core.submissions.service` and :mod:`core.submissions.sync`. The database is the
source of truth for pending work: every submission and sync carries its due time, and the
scheduler sweep re-enqueues whatever is due (the broker is only a doorbell).
"""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Text, Varchar
from piccolo.table import Table

from core.auth.tables import Company
from core.db.columns import IdColumn, Stamp
from core.ids import new_id
from core.invoicing.tables import Invoice


class Submission(Table, tablename="submissions"):
    """One document sent to one provider; transport state machine in :mod:`core.submissions.states`.

    ``external_id`` is the provider's tracking id (ANAF ``index_incarcare``), stored before anything
    else once known. ``due_at`` is when the next step (send, poll, reconcile) should run;
    ``lease_until`` marks a worker's claim so two workers never run the same step.
    """

    id = IdColumn(primary_key=True, default=new_id)
    invoice = ForeignKey(Invoice)
    company = ForeignKey(Company)
    provider = Varchar(length=20)
    dialect = Varchar(length=30)
    status = Varchar(length=20, default="pending")
    provider_state = Varchar(length=60, null=True, default=None)
    external_id = Varchar(length=60, null=True, default=None)
    download_id = Varchar(length=60, null=True, default=None)
    attempts = Integer(default=0)
    polls = Integer(default=0)
    messages = JSON(default=[])
    last_error = Text(null=True, default=None)
    due_at = Stamp(null=True, default=None)
    lease_until = Stamp(null=True, default=None)
    submitted_at = Stamp(null=True, default=None)
    finished_at = Stamp(null=True, default=None)
    created_at = Stamp()
    updated_at = Stamp()


class ProviderCredential(Table, tablename="provider_credentials"):
    """A company's OAuth credentials at a provider (ANAF): one row per company and provider.

    ``access_token`` and ``refresh_token`` are sealed with AES-256-GCM (:mod:`core.crypto`) by
    :class:`core.submissions.credentials.DbCredentialStore`, the only code reading or writing
    them; rows written before m0015 may still hold clear text until re-sealed at the next start.
    ``label`` names the token for people, ``validated_cifs`` lists the tax ids it was checked to
    act for, ``created_by`` is the user who stored it (None: stored by the sandbox or a job).
    """

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    provider = Varchar(length=20)
    access_token = Text()
    refresh_token = Text(null=True, default=None)
    expires_at = Stamp(null=True, default=None)
    updated_at = Stamp()
    label = Varchar(length=255, null=True, default=None)
    validated_cifs = JSON(default=[])
    created_by = Varchar(length=36, null=True, default=None)
    created_at = Stamp(null=True, default=None)


class AuthorizationLink(Table, tablename="authorization_links"):
    """A one-time link letting someone without an account authorise a provider for a company
    (``POST /api/v1/anaf/token-links``). Only the SHA-256 of the 64-hex link token is stored.
    ``used_at`` is set when the link starts the provider's consent, ``completed_at`` when the
    resulting token is stored."""

    id = IdColumn(primary_key=True, default=new_id)
    token_hash = Varchar(length=64)
    company = ForeignKey(Company)
    provider = Varchar(length=20)
    created_by = Varchar(length=36, null=True, default=None)
    expires_at = Stamp()
    used_at = Stamp(null=True, default=None)
    completed_at = Stamp(null=True, default=None)
    created_at = Stamp()


class SyncState(Table, tablename="sync_states"):
    """Incoming sync position per company and provider. ``cursor`` never advances past an error."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    provider = Varchar(length=20)
    cursor = Text(null=True, default=None)
    status = Varchar(length=20, default="idle")
    last_synced_at = Stamp(null=True, default=None)
    last_error = Text(null=True, default=None)
    due_at = Stamp(null=True, default=None)
    lease_until = Stamp(null=True, default=None)
    stats = JSON(default={})


class EfacturaMessage(Table, tablename="efactura_messages"):
    """A raw SPV message seen by the sync (``GET /api/v1/efactura-messages``); unique per company
    and ``anaf_message_id``, so a message is imported at most once."""

    id = IdColumn(primary_key=True, default=new_id)
    company = ForeignKey(Company)
    anaf_message_id = Varchar(length=30)
    message_type = Varchar(length=60)
    cif = Varchar(length=20)
    details = Text(default="")
    upload_id = Varchar(length=30, null=True, default=None)
    status = Varchar(length=20, default="processed")
    error_message = Text(null=True, default=None)
    invoice = ForeignKey(Invoice, null=True, default=None)
    created_at = Stamp()
