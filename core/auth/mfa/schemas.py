"""Request bodies of the MFA and passkey endpoints (objects.md §8.1, §8.2), camelCase on the wire.

Unknown fields are ignored. ``credential`` is a WebAuthn ``PublicKeyCredential`` serialised as
JSON by the browser (base64url binary fields); ``response`` is accepted as its alias, as the
public documentation names it.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "ChallengeAnswerIn",
    "CodeIn",
    "MfaTokenIn",
    "PasskeyLoginIn",
    "PasskeyRegisterIn",
    "PasswordIn",
    "StepUpAnswerIn",
    "StepUpTokenIn",
]


class CodeIn(msgspec.Struct, kw_only=True):
    """``POST /api/v1/me/mfa/totp/enable``: the first 6-digit code of the authenticator app."""

    code: str | None = None


class PasswordIn(msgspec.Struct, kw_only=True):
    """TOTP disable and backup-code regeneration: the account password."""

    password: str | None = None


class MfaTokenIn(msgspec.Struct, rename="camel", kw_only=True):
    """The login challenge's ``mfaToken`` (e-mail code and passkey options helpers)."""

    mfa_token: str | None = None


class ChallengeAnswerIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/auth/mfa/verify``: ``type`` ∈ totp (default), backup, email_otp, passkey;
    ``code`` for the first three, ``credential`` (a WebAuthn assertion) for passkey."""

    mfa_token: str | None = None
    type: str | None = None
    code: str | None = None
    credential: Any = None


class StepUpTokenIn(msgspec.Struct, rename="camel", kw_only=True):
    """The step-up challenge's ``challengeToken``."""

    challenge_token: str | None = None


class StepUpAnswerIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/mfa/verify``: as :class:`ChallengeAnswerIn`, for a step-up challenge."""

    challenge_token: str | None = None
    type: str | None = None
    code: str | None = None
    credential: Any = None


class PasskeyRegisterIn(msgspec.Struct, kw_only=True):
    """``POST /api/v1/passkey/register``: the creation response and an optional name."""

    name: str | None = None
    credential: Any = None
    response: Any = None

    @property
    def attestation(self) -> Any:
        """Whichever of ``credential`` / ``response`` the client sent."""
        return self.credential if self.credential is not None else self.response


class PasskeyLoginIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/auth/passkey/login``: ``sessionId`` from the options and the assertion."""

    session_id: str | None = None
    credential: Any = None
    response: Any = None

    @property
    def assertion(self) -> Any:
        """Whichever of ``credential`` / ``response`` the client sent."""
        return self.credential if self.credential is not None else self.response
