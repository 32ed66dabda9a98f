"""Tables of identity and tenancy: organisations, users, memberships, companies.

Owned by :mod:`core.auth.service` (users, organisations, memberships), :mod:`core.auth.security`
(refresh tokens) and :mod:`core.auth.companies` (companies); no other module writes them, except
that :mod:`core.auth.accounts` (confirmation, reset, Google), :mod:`core.auth.profile`, :mod:`core.auth.members`
and :mod:`core.auth.invitations` write the user and membership columns of their flows.
"""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Varchar
from piccolo.table import Table

from core.db.columns import IdColumn, Stamp
from core.ids import new_id


class Organisation(Table, tablename="organisations"):
    """An organisation (tenant): owns companies and has members."""

    id = IdColumn(primary_key=True, default=new_id)
    name = Varchar(length=255)
    slug = Varchar(length=255)
    created_at = Stamp()


class User(Table, tablename="users"):
    """A person who logs in. ``password_hash`` is an argon2id hash; ``email`` is stored lower-case."""

    id = IdColumn(primary_key=True, default=new_id)
    email = Varchar(length=255)
    password_hash = Varchar(length=255)
    first_name = Varchar(length=100, null=True, default=None)
    last_name = Varchar(length=100, null=True, default=None)
    locale = Varchar(length=5, default="ro")
    active = Boolean(default=True)
    email_verified = Boolean(default=False)
    created_at = Stamp()
    # m0014: Google account subject (``sub`` of its ID tokens), profile fields, account deletion
    google_sub = Varchar(length=255, null=True, default=None)
    phone = Varchar(length=50, null=True, default=None)
    timezone = Varchar(length=64, default="Europe/Bucharest")
    preferences = JSON(default={})
    deleted_at = Stamp(null=True, default=None)


class Membership(Table, tablename="memberships"):
    """A user's role in an organisation (``owner``, ``admin``, ``accountant``, ``employee``).

    ``allowed_companies`` is a JSON list of company ids; empty means every company.
    """

    id = IdColumn(primary_key=True, default=new_id)
    user = ForeignKey(User)
    organisation = ForeignKey(Organisation)
    role = Varchar(length=20, default="owner")
    active = Boolean(default=True)
    allowed_companies = JSON(default=[])
    created_at = Stamp()
    #: m0014: explicit permission list replacing the role defaults (objects.md §8.5); null = defaults
    permissions = JSON(null=True, default=None)


class Company(Table, tablename="companies"):
    """A company whose books the appliance keeps (the seller of its outgoing invoices, BG-4).

    ``cif`` is the numeric tax id without ``RO``; ``vat_code`` the VAT identifier with prefix (BT-31).
    """

    id = IdColumn(primary_key=True, default=new_id)
    organisation = ForeignKey(Organisation)
    name = Varchar(length=255)
    cif = Varchar(length=20)
    registration_number = Varchar(length=50, null=True, default=None)
    vat_payer = Boolean(default=True)
    vat_code = Varchar(length=20, null=True, default=None)
    vat_on_collection = Boolean(default=False)
    address = Varchar(length=255, default="")
    city = Varchar(length=100, default="")
    state = Varchar(length=100, default="")
    postal_code = Varchar(length=20, null=True, default=None)
    country = Varchar(length=2, default="RO")
    phone = Varchar(length=50, null=True, default=None)
    email = Varchar(length=255, null=True, default=None)
    website = Varchar(length=255, null=True, default=None)
    bank_name = Varchar(length=100, null=True, default=None)
    bank_account = Varchar(length=50, null=True, default=None)
    bank_bic = Varchar(length=20, null=True, default=None)
    default_currency = Varchar(length=3, default="RON")
    sync_enabled = Boolean(default=True)
    sync_days_back = Integer(default=60)
    efactura_delay_hours = Integer(null=True, default=None)
    created_at = Stamp()
    deleted_at = Stamp(null=True, default=None)
    #: m0018: when the owner last chose to keep it writable over the licence's company limit
    #: (``PUT …/set-active``, :mod:`core.auth.read_only`); null = never chosen
    kept_writable_at = Stamp(null=True, default=None)


class RefreshToken(Table, tablename="refresh_tokens"):
    """An opaque refresh token, stored only as the SHA-256 hex digest of its text.

    Single use: refreshing marks the row ``used_at`` and issues a new token of the same ``family``
    (one family per login). Presenting a used token again revokes the whole family (token theft).
    ``organisation`` is the organisation selected at login, carried into the new access tokens.
    Created by migration m0003 (raw SQL), not by m0001.
    """

    id = IdColumn(primary_key=True, default=new_id)
    user = ForeignKey(User, null=False)
    organisation = Varchar(length=36, null=True, default=None)
    family = Varchar(length=36)
    token_hash = Varchar(length=64)
    expires_at = Stamp()
    used_at = Stamp(null=True, default=None)
    revoked_at = Stamp(null=True, default=None)
    created_at = Stamp()


class AccountToken(Table, tablename="account_tokens"):
    """A single-use e-mail token: ``purpose`` ``confirm_email`` or ``password_reset``.

    Stored only as the SHA-256 hex digest of its text; spent by setting ``used_at``.
    Created by migration m0014; written only by :mod:`core.auth.tokens`.
    """

    id = IdColumn(primary_key=True, default=new_id)
    user = ForeignKey(User, null=False)
    purpose = Varchar(length=20)
    token_hash = Varchar(length=64)
    expires_at = Stamp()
    used_at = Stamp(null=True, default=None)
    created_at = Stamp()


class Invitation(Table, tablename="invitations"):
    """An invitation of ``email`` to join ``organisation`` with ``role`` (objects.md §3.18).

    ``status``: ``pending``, ``accepted`` or ``cancelled`` (``expired`` is shown for a pending one
    past ``expires_at``). The token is stored only as its SHA-256 digest; accepting spends it.
    Created by migration m0014; written only by :mod:`core.auth.invitations`.
    """

    id = IdColumn(primary_key=True, default=new_id)
    organisation = ForeignKey(Organisation, null=False)
    email = Varchar(length=255)
    role = Varchar(length=20)
    allowed_companies = JSON(default=[])
    status = Varchar(length=12, default="pending")
    token_hash = Varchar(length=64)
    invited_by = Varchar(length=36, null=True, default=None)
    accepted_by = Varchar(length=36, null=True, default=None)
    expires_at = Stamp()
    accepted_at = Stamp(null=True, default=None)
    created_at = Stamp()
