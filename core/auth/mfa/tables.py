"""Tables of the second factor (created by migration m0013 as raw SQL).

Owned by this package: :mod:`core.auth.mfa.totp_service` writes ``mfa_totp`` and
``mfa_backup_codes``, :mod:`core.auth.mfa.passkeys` writes ``passkeys``,
:mod:`core.auth.mfa.challenges` writes ``mfa_challenges`` and ``mfa_verifications``.

Secrets: the TOTP shared secret is sealed at rest with the appliance's encryption key
(:mod:`core.crypto`, AES-256-GCM bound to the row's user); every other secret (backup codes,
e-mail codes, challenge and verification tokens) is stored only as a digest.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Integer, Text, Varchar
from piccolo.table import Table

from core.db.columns import IdColumn, Stamp
from core.ids import new_id

__all__ = ["BackupCode", "MfaChallenge", "MfaVerification", "Passkey", "TotpSecret"]


class TotpSecret(Table, tablename="mfa_totp"):
    """A user's TOTP secret (RFC 6238), sealed (``enc:v1:…``, see :mod:`core.crypto`). At most one
    row per user (unique index on ``user_id``). The column is TEXT since m0017.

    ``enabled`` turns true once the first code was verified (``POST …/totp/enable``); until then
    the row is a pending setup. ``last_step`` is the last time step (30 s units since the epoch)
    whose code was accepted, so a code cannot be replayed within its window.
    """

    id = IdColumn(primary_key=True, default=new_id)
    user_id = Varchar(length=36)
    secret = Text()
    enabled = Boolean(default=False)
    last_step = Integer(null=True, default=None)
    created_at = Stamp()
    enabled_at = Stamp(null=True, default=None)


class BackupCode(Table, tablename="mfa_backup_codes"):
    """One single-use backup code, stored as a keyed digest (:func:`core.auth.mfa.codes.digest`)."""

    id = IdColumn(primary_key=True, default=new_id)
    user_id = Varchar(length=36)
    code_hash = Varchar(length=64)
    used_at = Stamp(null=True, default=None)
    created_at = Stamp()


class Passkey(Table, tablename="passkeys"):
    """A WebAuthn credential of a user (objects.md §8.1).

    ``credential_id`` is the base64url credential id (unique); ``public_key`` the base64url
    COSE_Key; ``sign_count`` the authenticator's signature counter last seen.
    """

    id = IdColumn(primary_key=True, default=new_id)
    user_id = Varchar(length=36)
    credential_id = Varchar(length=1400)
    public_key = Text()
    sign_count = BigInt(default=0)
    transports = Text(default="[]")
    name = Varchar(length=255, null=True, default=None)
    created_at = Stamp()
    last_used_at = Stamp(null=True, default=None)


class MfaChallenge(Table, tablename="mfa_challenges"):
    """A short-lived challenge: a login or step-up MFA challenge, or a WebAuthn ceremony.

    ``purpose``: ``login`` (after the primary login; ``login_method`` says which), ``step_up``,
    ``passkey_login`` (no user yet), ``passkey_register``. ``token_hash`` is the SHA-256 hex of the
    token handed to the client (``mfa_token``, ``challenge_token`` or ``sessionId``);
    ``webauthn_challenge`` the base64url WebAuthn challenge; ``email_otp_hash`` the keyed digest of
    the last e-mailed code, valid until ``email_otp_expires_at``. ``attempts`` counts failures.
    """

    id = IdColumn(primary_key=True, default=new_id)
    token_hash = Varchar(length=64)
    purpose = Varchar(length=20)
    user_id = Varchar(length=36, null=True, default=None)
    login_method = Varchar(length=20, null=True, default=None)
    attempts = Integer(default=0)
    webauthn_challenge = Varchar(length=128, null=True, default=None)
    email_otp_hash = Varchar(length=64, null=True, default=None)
    email_otp_expires_at = Stamp(null=True, default=None)
    expires_at = Stamp()
    created_at = Stamp()


class MfaVerification(Table, tablename="mfa_verifications"):
    """A step-up verification token (objects.md §8.2): SHA-256 hex of the token, bound to
    ``user_id``, valid until ``expires_at`` (2 min), spent when ``used_at`` is set."""

    id = IdColumn(primary_key=True, default=new_id)
    token_hash = Varchar(length=64)
    user_id = Varchar(length=36)
    expires_at = Stamp()
    used_at = Stamp(null=True, default=None)
    created_at = Stamp()
