"""Routes of MFA, step-up verification and passkeys (objects.md §8.1, §8.2). Thin: each handler
hands its body to :mod:`core.auth.mfa.service`. Mounted by the app factory from :data:`ROUTES`.

Public (no bearer token): ``/api/auth/mfa/*`` (they carry the login challenge's ``mfaToken``)
and ``/api/auth/passkey/login*``. Everything under ``/api/v1`` acts for the authenticated caller.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.auth.context import Caller
from core.auth.controllers import with_refresh_cookie
from core.auth.deps import client_ip, settings_of
from core.auth.mfa import service
from core.auth.mfa.schemas import (
    ChallengeAnswerIn,
    CodeIn,
    MfaTokenIn,
    PasskeyLoginIn,
    PasskeyRegisterIn,
    PasswordIn,
    StepUpAnswerIn,
    StepUpTokenIn,
)

__all__ = ["ROUTES"]


class LoginMfaController(Controller):
    """``/api/auth``: answering the login MFA challenge, and passwordless passkey login."""

    path = "/api/auth"
    tags = ["auth", "mfa"]

    @post("/mfa/verify", status_code=200, summary="Answer the login MFA challenge (totp, backup, email_otp, passkey): tokens")
    async def verify(self, request: Request, data: JSONBody[ChallengeAnswerIn]) -> Response[dict[str, Any]]:
        tokens = await service.verify_login(
            settings_of(request), data.mfa_token, data.type, data.code, data.credential, ip=client_ip(request)
        )
        return with_refresh_cookie(tokens)

    @post("/mfa/email-otp/send", status_code=200, summary="E-mail a 6-digit code for the login MFA challenge")
    async def email_otp(self, request: Request, data: JSONBody[MfaTokenIn]) -> dict[str, str]:
        return await service.login_email_otp(settings_of(request), data.mfa_token)

    @post("/mfa/passkey/options", status_code=200, summary="WebAuthn request options for the login MFA challenge")
    async def passkey_options(self, request: Request, data: JSONBody[MfaTokenIn]) -> dict[str, Any]:
        return await service.login_passkey_options(settings_of(request), data.mfa_token)

    @post("/passkey/login/options", status_code=200, summary="WebAuthn request options plus sessionId for passkey login")
    async def passkey_login_options(self, request: Request) -> dict[str, Any]:
        return await service.passkey_login_options(settings_of(request))

    @post("/passkey/login", status_code=200, summary="Log in with a passkey assertion (no second factor needed): tokens")
    async def passkey_login(self, request: Request, data: JSONBody[PasskeyLoginIn]) -> Response[dict[str, Any]]:
        tokens = await service.passkey_login(settings_of(request), data.session_id, data.assertion, ip=client_ip(request))
        return with_refresh_cookie(tokens)


class MyMfaController(Controller):
    """``/api/v1/me``: the caller's TOTP, backup codes and passkeys."""

    path = "/api/v1/me"
    tags = ["auth", "mfa"]

    @get("/mfa/status", summary="MFA status: totpEnabled, backupCodesRemaining, passkeysCount")
    async def status(self, caller: NamedDependency[Caller]) -> dict[str, Any]:
        return await service.mfa_status(caller)

    @post("/mfa/totp/setup", status_code=200, summary="New pending TOTP secret with otpauth URI and QR code (PNG data URI)")
    async def totp_setup(self, caller: NamedDependency[Caller]) -> dict[str, str]:
        return await service.totp_setup(caller)

    @post("/mfa/totp/enable", status_code=200, summary="Verify the first TOTP code, enable TOTP, return 10 backup codes")
    async def totp_enable(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[CodeIn]
    ) -> dict[str, Any]:
        return await service.totp_enable(settings_of(request), caller, data.code, ip=client_ip(request))

    @post("/mfa/totp/disable", status_code=200, summary="Disable TOTP and delete the backup codes (password required)")
    async def totp_disable(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[PasswordIn]
    ) -> dict[str, bool]:
        return await service.totp_disable(caller, data.password, ip=client_ip(request))

    @post("/mfa/backup-codes/regenerate", status_code=200, summary="Replace the backup codes (password required)")
    async def regenerate(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[PasswordIn]
    ) -> dict[str, list[str]]:
        return await service.regenerate_backup_codes(settings_of(request), caller, data.password, ip=client_ip(request))

    @get("/passkeys", summary="The caller's passkeys")
    async def passkeys(self, caller: NamedDependency[Caller]) -> list[dict[str, Any]]:
        return await service.passkey_list(caller)

    @delete("/passkeys/{passkey_id:str}", status_code=204, summary="Remove a passkey")
    async def remove_passkey(
        self,
        request: Request,
        caller: NamedDependency[Caller],
        passkey_id: Annotated[str, PathParameter(description="Passkey id (UUID).")],
    ) -> None:
        await service.passkey_remove(caller, passkey_id, ip=client_ip(request))


class PasskeyRegistrationController(Controller):
    """``/api/v1/passkey``: registering a passkey for the caller."""

    path = "/api/v1/passkey"
    tags = ["auth", "mfa"]

    @post("/register/options", status_code=200, summary="WebAuthn creation options for a new passkey")
    async def options(self, request: Request, caller: NamedDependency[Caller]) -> dict[str, Any]:
        return await service.passkey_register_options(settings_of(request), caller)

    @post("/register", status_code=201, summary="Register a passkey from the WebAuthn creation response")
    async def register(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[PasskeyRegisterIn]
    ) -> dict[str, Any]:
        return await service.passkey_register(settings_of(request), caller, data.attestation, data.name, ip=client_ip(request))


class StepUpController(Controller):
    """``/api/v1/mfa``: step-up verification before a sensitive action."""

    path = "/api/v1/mfa"
    tags = ["auth", "mfa"]

    @post("/challenge", status_code=200, summary="Open a step-up challenge (or learn none is needed)")
    async def challenge(self, request: Request, caller: NamedDependency[Caller]) -> dict[str, Any]:
        return await service.step_up_challenge(settings_of(request), caller)

    @post("/email-otp/send", status_code=200, summary="E-mail a 6-digit code for the step-up challenge")
    async def email_otp(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[StepUpTokenIn]
    ) -> dict[str, str]:
        return await service.step_up_email_otp(settings_of(request), caller, data.challenge_token)

    @post("/verify", status_code=200, summary="Answer the step-up challenge: a single-use verification_token (2 min)")
    async def verify(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[StepUpAnswerIn]
    ) -> dict[str, str]:
        return await service.step_up_verify(
            settings_of(request), caller, data.challenge_token, data.type, data.code, data.credential
        )


#: Mounted by the app factory.
ROUTES: list[Any] = [LoginMfaController, MyMfaController, PasskeyRegistrationController, StepUpController]
