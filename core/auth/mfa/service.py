"""The second factor, end to end (objects.md §8.1 passkeys, §8.2 MFA and step-up).

* Managing it (an authenticated user, ``/api/v1/me/...``): status, TOTP setup/enable/disable,
  backup-code regeneration, passkey registration, listing and removal.
* Answering a challenge: the login challenge opened by :func:`core.auth.service.complete_login`
  (``/api/auth/mfa/...``) and the step-up challenge (``/api/v1/mfa/...``), with ``type`` ∈
  ``totp``, ``backup``, ``email_otp``, ``passkey``. A wrong answer is 401 ``Invalid code.`` and
  counts against the challenge (5 failures and it is gone).
* Passwordless passkey login (``/api/auth/passkey/...``), which needs no second factor.

Every change of a user's factors and every login is written to the audit log.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.api import json as j
from core.audit.log import record
from core.auth import security
from core.auth import service as accounts
from core.auth.context import Caller
from core.auth.mfa import backup_codes, challenges, email_otp, passkeys, totp
from core.auth.mfa.challenges import InvalidCode
from core.auth.mfa.tables import MfaChallenge, Passkey
from core.auth.tables import User
from core.errors import BadRequest, Conflict, Unprocessable
from core.settings import Settings

__all__ = [
    "FACTOR_TYPES",
    "login_email_otp",
    "login_passkey_options",
    "mfa_status",
    "passkey_list",
    "passkey_login",
    "passkey_login_options",
    "passkey_register",
    "passkey_register_options",
    "passkey_remove",
    "regenerate_backup_codes",
    "step_up_challenge",
    "step_up_email_otp",
    "step_up_verify",
    "totp_disable",
    "totp_enable",
    "totp_setup",
    "verify_login",
]

#: Accepted values of ``type`` when answering a challenge (objects.md §8.2: ``backup``, not ``backup_code``).
FACTOR_TYPES = ("totp", "backup", "email_otp", "passkey")


async def _user(user_id: str) -> dict[str, Any]:
    user = await User.select().where(User.id == user_id).first()
    if user is None:
        raise InvalidCode("Invalid code.")
    return user


async def _check_password(user_id: str, password: str | None) -> None:
    user = await _user(user_id)
    valid = await asyncio.to_thread(security.verify_password, user["password_hash"] or None, password or "")
    if not valid:
        raise Unprocessable("Invalid password.")


# --- managing the factors ----------------------------------------------------------------------


async def mfa_status(caller: Caller) -> dict[str, Any]:
    """``GET /api/v1/me/mfa/status``: ``{totpEnabled, backupCodesRemaining, passkeysCount, mfaEnabled}``."""
    enabled = await totp.is_enabled(caller.user_id)
    count = await Passkey.count().where(Passkey.user_id == caller.user_id)
    return {
        "totpEnabled": enabled,
        "backupCodesRemaining": await backup_codes.count_unused(caller.user_id),
        "passkeysCount": count,
        "mfaEnabled": enabled or count > 0,
    }


async def totp_setup(caller: Caller) -> dict[str, str]:
    """``POST …/totp/setup``: a new pending secret, ``{secret, qrCode, otpauthUri}``.

    Raises :class:`Conflict` 409 when TOTP is already enabled.
    """
    if await totp.is_enabled(caller.user_id):
        raise Conflict("TOTP is already enabled.")
    secret = await totp.start_setup(caller.user_id)
    return totp.provisioning(secret, caller.email)


async def totp_enable(settings: Settings, caller: Caller, code: str | None, ip: str | None = None) -> dict[str, Any]:
    """``POST …/totp/enable``: verify the first code of the pending secret, enable TOTP and return
    ``{enabled: true, backupCodes}`` (10 new codes, shown once).

    Raises :class:`BadRequest` (no code, or no pending setup), :class:`Conflict` (already
    enabled) and :class:`Unprocessable` 422 ``Invalid code.``.
    """
    if not code:
        raise BadRequest("The code is required.")
    if await totp.is_enabled(caller.user_id):
        raise Conflict("TOTP is already enabled.")
    if not await totp.accept(caller.user_id, code, pending=True):
        raise Unprocessable("Invalid code.")
    await totp.enable(caller.user_id)
    codes = await backup_codes.replace(settings.secret_key, caller.user_id)
    await record("mfa.totp_enabled", actor=caller.user_id, organisation=caller.organisation_id, target=caller.user_id, ip=ip)
    return {"enabled": True, "backupCodes": codes}


async def totp_disable(caller: Caller, password: str | None, ip: str | None = None) -> dict[str, bool]:
    """``POST …/totp/disable``: forget the secret and the backup codes; ``{disabled: true}``.

    Raises :class:`Unprocessable` 422 ``Invalid password.`` and :class:`BadRequest` when TOTP is
    not enabled.
    """
    await _check_password(caller.user_id, password)
    if not await totp.is_enabled(caller.user_id):
        raise BadRequest("TOTP is not enabled.")
    await totp.delete(caller.user_id)
    await backup_codes.delete_all(caller.user_id)
    await record("mfa.totp_disabled", actor=caller.user_id, organisation=caller.organisation_id, target=caller.user_id, ip=ip)
    return {"disabled": True}


async def regenerate_backup_codes(
    settings: Settings, caller: Caller, password: str | None, ip: str | None = None
) -> dict[str, list[str]]:
    """``POST …/backup-codes/regenerate``: ``{backupCodes}`` replacing every previous code.

    Raises :class:`Unprocessable` 422 ``Invalid password.`` and :class:`BadRequest` 400
    ``MFA is not enabled.`` (backup codes accompany TOTP).
    """
    await _check_password(caller.user_id, password)
    if not await totp.is_enabled(caller.user_id):
        raise BadRequest("MFA is not enabled.")
    codes = await backup_codes.replace(settings.secret_key, caller.user_id)
    await record(
        "mfa.backup_codes_regenerated", actor=caller.user_id, organisation=caller.organisation_id, target=caller.user_id, ip=ip
    )
    return {"backupCodes": codes}


def _passkey_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "createdAt": j.stamp(row["created_at"]),
        "lastUsedAt": j.stamp(row["last_used_at"]),
    }


async def passkey_register_options(settings: Settings, caller: Caller) -> dict[str, Any]:
    """``POST /api/v1/passkey/register/options``: WebAuthn creation options; the challenge is
    kept 5 minutes (a new request replaces the previous one)."""
    user = await _user(caller.user_id)
    display = " ".join(p for p in (user["first_name"], user["last_name"]) if p) or caller.email
    options, challenge = await passkeys.registration_options(settings, caller.user_id, caller.email, display)
    await MfaChallenge.delete().where(
        (MfaChallenge.user_id == caller.user_id) & (MfaChallenge.purpose == "passkey_register")
    )
    await challenges.create("passkey_register", caller.user_id, webauthn_challenge=challenge)
    return options


async def passkey_register(
    settings: Settings, caller: Caller, credential: Any, name: str | None, ip: str | None = None
) -> dict[str, Any]:
    """``POST /api/v1/passkey/register``: verify the creation response against the pending
    challenge and store the passkey; ``{id, name, createdAt, lastUsedAt}``.

    Raises :class:`BadRequest` (no pending challenge, or the response does not verify) and
    :class:`Conflict` (credential already registered).
    """
    if not isinstance(credential, (dict, str)):
        raise BadRequest("The credential is required.")
    row = await (
        MfaChallenge.select()
        .where(
            (MfaChallenge.user_id == caller.user_id)
            & (MfaChallenge.purpose == "passkey_register")
            & (MfaChallenge.expires_at > challenges.now())
        )
        .order_by(MfaChallenge.created_at, ascending=False)
        .first()
    )
    if row is None:
        raise BadRequest("No passkey registration in progress: request the options first.")
    await challenges.discard(row)  # one answer per challenge, right or wrong
    stored = await passkeys.register(settings, caller.user_id, credential, row["webauthn_challenge"], name)
    await record(
        "mfa.passkey_added",
        actor=caller.user_id,
        organisation=caller.organisation_id,
        target=stored["id"],
        ip=ip,
        details={"name": stored["name"]},
    )
    return _passkey_view(stored)


async def passkey_list(caller: Caller) -> list[dict[str, Any]]:
    """``GET /api/v1/me/passkeys``: ``[{id, name, createdAt, lastUsedAt}]``."""
    return [_passkey_view(row) for row in await passkeys.list_for(caller.user_id)]


async def passkey_remove(caller: Caller, passkey_id: str, ip: str | None = None) -> None:
    """``DELETE /api/v1/me/passkeys/{id}``; :class:`core.errors.NotFound` for another user's or unknown id."""
    row = await passkeys.delete(caller.user_id, passkey_id)
    await record(
        "mfa.passkey_removed",
        actor=caller.user_id,
        organisation=caller.organisation_id,
        target=row["id"],
        ip=ip,
        details={"name": row["name"]},
    )


# --- answering a challenge ---------------------------------------------------------------------


async def _answer(
    settings: Settings, row: dict[str, Any], kind: str | None, code: str | None, credential: Any
) -> str:
    """Check one answer to the challenge ``row``; returns the factor type used. A wrong answer
    counts one failure and raises :class:`InvalidCode`."""
    kind = kind or "totp"
    user_id = row["user_id"]
    if kind not in FACTOR_TYPES:
        raise BadRequest(f"type must be one of: {', '.join(FACTOR_TYPES)}.")
    if kind == "totp":
        accepted = await totp.accept(user_id, code or "")
    elif kind == "backup":
        accepted = await backup_codes.use(settings.secret_key, user_id, code or "")
        if accepted:
            await record("mfa.backup_code_used", actor=user_id, target=user_id)
    elif kind == "email_otp":
        accepted = await email_otp.accept(settings, row, code)
    else:
        accepted = await passkeys.verify_assertion(settings, credential, row["webauthn_challenge"], user_id) is not None
    if not accepted:
        await challenges.fail(row)
        await record(
            "auth.login_failed" if row["purpose"] == "login" else "mfa.step_up_failed",
            actor=user_id,
            target=user_id,
            details={"reason": "second_factor", "type": kind},
        )
        raise InvalidCode("Invalid code.")
    if not await challenges.discard(row):  # a concurrent answer spent it first
        raise InvalidCode("Invalid code.")
    return kind


async def verify_login(
    settings: Settings, mfa_token: str | None, kind: str | None, code: str | None, credential: Any, ip: str | None = None
) -> dict[str, Any]:
    """``POST /api/auth/mfa/verify``: answer the login challenge; ``{token, refresh_token}``.

    Raises :class:`InvalidCode` 401 (wrong answer, or unknown/expired/exhausted challenge),
    :class:`BadRequest` (unknown ``type``) and the account-state 403s of the primary login.
    """
    row = await challenges.load(mfa_token, "login")
    kind = await _answer(settings, row, kind, code, credential)
    user = await _user(row["user_id"])
    accounts.check_account(user)
    return await accounts.issue_login(settings, user, method=row["login_method"] or "password", ip=ip, second_factor=kind)


async def _send_code(settings: Settings, row: dict[str, Any]) -> dict[str, str]:
    user = await _user(row["user_id"])
    await email_otp.send(settings, row, user["email"])
    return {"message": "A verification code was sent to your e-mail address."}


async def login_email_otp(settings: Settings, mfa_token: str | None) -> dict[str, str]:
    """``POST /api/auth/mfa/email-otp/send``: e-mail a 6-digit code for the login challenge."""
    return await _send_code(settings, await challenges.load(mfa_token, "login"))


async def _passkey_options(settings: Settings, row: dict[str, Any]) -> dict[str, Any]:
    options, challenge = await passkeys.authentication_options(settings, row["user_id"])
    await challenges.update(row, webauthn_challenge=challenge)
    return options


async def login_passkey_options(settings: Settings, mfa_token: str | None) -> dict[str, Any]:
    """``POST /api/auth/mfa/passkey/options``: WebAuthn request options for the login challenge
    (the user's passkeys allowed)."""
    return await _passkey_options(settings, await challenges.load(mfa_token, "login"))


async def step_up_challenge(settings: Settings, caller: Caller) -> dict[str, Any]:
    """``POST /api/v1/mfa/challenge``: ``{mfa_required: false}`` for a user without MFA, else
    ``{mfa_required: true, challenge_token, methods}`` plus ``passkeyOptions`` (WebAuthn request
    options) when the user has passkeys."""
    if not await challenges.has_mfa(caller.user_id):
        return {"mfa_required": False}
    token = await challenges.create("step_up", caller.user_id)
    methods = await challenges.methods_for(caller.user_id)
    answer: dict[str, Any] = {"mfa_required": True, "challenge_token": token, "methods": methods}
    if "passkey" in methods:
        answer["passkeyOptions"] = await _passkey_options(settings, await challenges.load(token, "step_up"))
    return answer


async def _step_up_row(caller: Caller, token: str | None) -> dict[str, Any]:
    row = await challenges.load(token, "step_up")
    if row["user_id"] != caller.user_id:
        raise InvalidCode("Invalid code.")
    return row


async def step_up_email_otp(settings: Settings, caller: Caller, token: str | None) -> dict[str, str]:
    """``POST /api/v1/mfa/email-otp/send``: e-mail a 6-digit code for the caller's step-up challenge."""
    return await _send_code(settings, await _step_up_row(caller, token))


async def step_up_verify(
    settings: Settings, caller: Caller, token: str | None, kind: str | None, code: str | None, credential: Any
) -> dict[str, str]:
    """``POST /api/v1/mfa/verify``: answer the step-up challenge; ``{verification_token}`` (2 min,
    single use, bound to the caller). Errors as :func:`verify_login`."""
    row = await _step_up_row(caller, token)
    await _answer(settings, row, kind, code, credential)
    return {"verification_token": await challenges.issue_verification(caller.user_id)}


# --- passwordless passkey login ----------------------------------------------------------------


async def passkey_login_options(settings: Settings) -> dict[str, Any]:
    """``POST /api/auth/passkey/login/options``: WebAuthn request options for any discoverable
    passkey plus ``sessionId`` (the challenge, kept 5 minutes)."""
    options, challenge = await passkeys.authentication_options(settings, None)
    session = await challenges.create("passkey_login", None, webauthn_challenge=challenge)
    return {**options, "sessionId": session}


async def passkey_login(settings: Settings, session_id: str | None, credential: Any, ip: str | None = None) -> dict[str, Any]:
    """``POST /api/auth/passkey/login``: verify the assertion and issue ``{token, refresh_token}``
    (no second factor: a passkey is one already).

    Raises :class:`InvalidCode` 401 (unknown/expired session, or the assertion does not verify:
    unknown credential, wrong signature, replayed counter, another challenge) and the
    account-state 403s.
    """
    row = await challenges.load(session_id, "passkey_login")
    await challenges.discard(row)  # one answer per ceremony
    passkey = await passkeys.verify_assertion(settings, credential, row["webauthn_challenge"], None)
    if passkey is None:
        await record("auth.login_failed", ip=ip, details={"method": "passkey", "reason": "assertion"})
        raise InvalidCode("Passkey authentication failed.")
    user = await _user(passkey["user_id"])
    accounts.check_account(user)
    return await accounts.issue_login(settings, user, method="passkey", ip=ip)
