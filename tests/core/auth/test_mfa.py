"""Login MFA, TOTP, backup codes, e-mailed codes and step-up verification (objects.md §8.2),
through the real API on a real database."""

from __future__ import annotations

import base64
import datetime as dt
import re
import time

import msgspec
import pyotp
import pytest

from core.audit.tables import AuditEntry
from core.auth import stepup
from core.auth.mfa.tables import MfaChallenge
from core.auth.tables import User
from core.errors import Forbidden
from core.mail.outbox import outbox_dir
from tests.core.conftest import PASSWORD, in_app, login, ok, register, start_api

EMAIL = "owner@alfa.ro"


def totp_code(secret: str, offset_steps: int = 0) -> str:
    """The code of the step ``offset_steps`` away from now, never generated in the last second
    of a step (the server, a moment later, must see the same current step)."""
    while time.time() % 30 > 29:
        time.sleep(0.2)
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


async def enable_totp(api, tenant) -> tuple[str, list[str]]:
    """Set up and enable TOTP for ``tenant``; returns the secret and the backup codes."""
    setup = ok(await api.post("/api/v1/me/mfa/totp/setup", headers=tenant.auth))
    enabled = ok(await api.post("/api/v1/me/mfa/totp/enable", json={"code": totp_code(setup["secret"], -1)}, headers=tenant.auth))
    assert enabled["enabled"] is True
    return setup["secret"], enabled["backupCodes"]


async def password_login(api) -> dict:
    return ok(await api.post("/api/auth", json={"email": EMAIL, "password": PASSWORD}))


def audit_actions(api) -> list[tuple[str, dict]]:
    rows = in_app(api, AuditEntry.select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.seq).run)
    import json

    return [(row["action"], json.loads(row["details"])) for row in rows]


def mailed_codes(settings) -> list[str]:
    """The e-mailed one-time codes in the outbox directory, oldest first."""
    files = sorted(outbox_dir(settings).glob("*-email_otp-*.eml"))
    return [re.search(r"\b(\d{6})\b", path.read_text()).group(1) for path in files]


async def test_login_without_mfa_issues_tokens_and_is_audited(api):
    tenant = await register(api, EMAIL)
    assert tenant.token and tenant.refresh_token
    status = ok(await api.get("/api/v1/me/mfa/status", headers=tenant.auth))
    assert status == {"totpEnabled": False, "backupCodesRemaining": 0, "passkeysCount": 0, "mfaEnabled": False}
    assert ok(await api.get("/api/v1/me", headers=tenant.auth))["mfaEnabled"] is False
    assert ("auth.login", {"method": "password"}) in audit_actions(api)


async def test_totp_setup_gives_secret_uri_and_png_qr_code(api):
    tenant = await register(api, EMAIL)
    setup = ok(await api.post("/api/v1/me/mfa/totp/setup", headers=tenant.auth))
    assert re.fullmatch(r"[A-Z2-7]{32}", setup["secret"])
    uri = setup["otpauthUri"]
    assert uri.startswith("otpauth://totp/Storno:owner%40alfa.ro?") and "issuer=Storno" in uri
    assert f"secret={setup['secret']}" in uri
    prefix = "data:image/png;base64,"
    assert setup["qrCode"].startswith(prefix)
    assert base64.b64decode(setup["qrCode"][len(prefix):]).startswith(b"\x89PNG\r\n\x1a\n")


async def test_enable_needs_a_right_code_and_happens_once(api):
    tenant = await register(api, EMAIL)
    setup = ok(await api.post("/api/v1/me/mfa/totp/setup", headers=tenant.auth))
    wrong = str((int(totp_code(setup["secret"])) + 1) % 1_000_000).zfill(6)
    refused = await api.post("/api/v1/me/mfa/totp/enable", json={"code": wrong}, headers=tenant.auth)
    assert refused.status_code == 422 and refused.json() == {"error": "Invalid code."}
    assert ok(await api.get("/api/v1/me/mfa/status", headers=tenant.auth))["totpEnabled"] is False
    enabled = ok(await api.post("/api/v1/me/mfa/totp/enable", json={"code": totp_code(setup["secret"])}, headers=tenant.auth))
    codes = enabled["backupCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}", code) for code in codes)
    again = await api.post("/api/v1/me/mfa/totp/setup", headers=tenant.auth)
    assert again.status_code == 409 and again.json()["error"]
    status = ok(await api.get("/api/v1/me/mfa/status", headers=tenant.auth))
    assert status == {"totpEnabled": True, "backupCodesRemaining": 10, "passkeysCount": 0, "mfaEnabled": True}
    assert ok(await api.get("/api/v1/me", headers=tenant.auth))["mfaEnabled"] is True
    assert "mfa.totp_enabled" in [action for action, _ in audit_actions(api)]


async def test_mfa_blocks_tokens_until_the_totp_code_is_verified(api):
    tenant = await register(api, EMAIL)
    secret, _ = await enable_totp(api, tenant)
    response = await api.post("/api/auth", json={"email": EMAIL, "password": PASSWORD})
    challenge = ok(response)
    assert challenge["mfa_required"] is True and re.fullmatch(r"[0-9a-f]{64}", challenge["mfa_token"])
    assert challenge["mfa_methods"] == ["totp", "backup_code", "email_otp"]
    assert "token" not in challenge and "refresh_token" not in challenge
    assert "__refresh__token" not in response.headers.get("set-cookie", "")
    # the MFA token is not an access token
    assert (await api.get("/api/v1/me", headers={"Authorization": f"Bearer {challenge['mfa_token']}"})).status_code == 401

    verified = await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "code": totp_code(secret)})
    tokens = ok(verified)
    assert "__refresh__token=" in verified.headers["set-cookie"]
    me = ok(await api.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['token']}"}))
    assert me["email"] == EMAIL
    # the challenge is spent with its first right answer
    reused = await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "code": totp_code(secret, 1)})
    assert reused.status_code == 401
    assert ("auth.login", {"method": "password", "mfa": "totp"}) in audit_actions(api)


async def test_the_same_totp_code_cannot_be_used_twice(api):
    tenant = await register(api, EMAIL)
    secret, _ = await enable_totp(api, tenant)
    code = totp_code(secret)
    first = await password_login(api)
    ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": first["mfa_token"], "type": "totp", "code": code}))
    second = await password_login(api)
    replay = await api.post("/api/auth/mfa/verify", json={"mfaToken": second["mfa_token"], "type": "totp", "code": code})
    assert replay.status_code == 401 and replay.json() == {"error": "Invalid code."}


async def test_five_wrong_codes_kill_the_challenge(api):
    tenant = await register(api, EMAIL)
    secret, _ = await enable_totp(api, tenant)
    challenge = await password_login(api)
    right = totp_code(secret)
    wrong = str((int(right) + 500_000) % 1_000_000).zfill(6)
    for _ in range(5):
        failed = await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "code": wrong})
        assert failed.status_code == 401 and failed.json() == {"error": "Invalid code."}
    sixth = await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "code": right})
    assert sixth.status_code == 401
    failures = [details for action, details in audit_actions(api) if action == "auth.login_failed"]
    assert failures == [{"reason": "second_factor", "type": "totp"}] * 5
    # a new login opens a new challenge that the right code answers
    fresh = await password_login(api)
    ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": fresh["mfa_token"], "code": right}))


async def test_expired_challenge_is_refused(api):
    tenant = await register(api, EMAIL)
    secret, _ = await enable_totp(api, tenant)
    challenge = await password_login(api)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    in_app(api, MfaChallenge.update({MfaChallenge.expires_at: past}).where(MfaChallenge.purpose == "login").run)
    late = await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "code": totp_code(secret)})
    assert late.status_code == 401
    unknown = await api.post("/api/auth/mfa/verify", json={"mfaToken": "0" * 64, "code": totp_code(secret)})
    assert unknown.status_code == 401


async def test_a_backup_code_works_once_with_or_without_dash(api):
    tenant = await register(api, EMAIL)
    _, codes = await enable_totp(api, tenant)
    challenge = await password_login(api)
    typed = codes[3].replace("-", "").upper()
    tokens = ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "type": "backup", "code": typed}))
    assert tokens["token"]
    again = await password_login(api)
    reused = await api.post("/api/auth/mfa/verify", json={"mfaToken": again["mfa_token"], "type": "backup", "code": codes[3]})
    assert reused.status_code == 401 and reused.json() == {"error": "Invalid code."}
    ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": again["mfa_token"], "type": "backup", "code": codes[4]}))
    status = ok(await api.get("/api/v1/me/mfa/status", headers={"Authorization": f"Bearer {tokens['token']}"}))
    assert status["backupCodesRemaining"] == 8
    assert [a for a, _ in audit_actions(api)].count("mfa.backup_code_used") == 2


async def test_unknown_factor_type_is_a_bad_request(api):
    tenant = await register(api, EMAIL)
    await enable_totp(api, tenant)
    challenge = await password_login(api)
    refused = await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "type": "backup_code", "code": "x"})
    assert refused.status_code == 400 and "type" in refused.json()["error"]


async def test_an_emailed_code_from_the_outbox_works_once(api, settings):
    tenant = await register(api, EMAIL)
    await enable_totp(api, tenant)
    challenge = await password_login(api)
    token = challenge["mfa_token"]
    # no code sent yet: nothing to answer with
    early = await api.post("/api/auth/mfa/verify", json={"mfaToken": token, "type": "email_otp", "code": "123456"})
    assert early.status_code == 401
    ok(await api.post("/api/auth/mfa/email-otp/send", json={"mfaToken": token}))
    ok(await api.post("/api/auth/mfa/email-otp/send", json={"mfaToken": token}))
    first, second = mailed_codes(settings)
    message = sorted(outbox_dir(settings).glob("*-email_otp-*.eml"))[-1].read_text()
    assert f"To: {EMAIL}" in message
    if first != second:  # a new send replaces the previous code
        stale = await api.post("/api/auth/mfa/verify", json={"mfaToken": token, "type": "email_otp", "code": first})
        assert stale.status_code == 401
    ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": token, "type": "email_otp", "code": second}))
    replay = await api.post("/api/auth/mfa/verify", json={"mfaToken": token, "type": "email_otp", "code": second})
    assert replay.status_code == 401
    # the code belongs to its challenge: a new login's challenge does not take it
    other = await password_login(api)
    foreign = await api.post("/api/auth/mfa/verify", json={"mfaToken": other["mfa_token"], "type": "email_otp", "code": second})
    assert foreign.status_code == 401


async def test_disabling_totp_needs_the_password(api):
    tenant = await register(api, EMAIL)
    await enable_totp(api, tenant)
    refused = await api.post("/api/v1/me/mfa/totp/disable", json={"password": "not-the-password"}, headers=tenant.auth)
    assert refused.status_code == 422 and refused.json() == {"error": "Invalid password."}
    assert (await password_login(api))["mfa_required"] is True
    assert ok(await api.post("/api/v1/me/mfa/totp/disable", json={"password": PASSWORD}, headers=tenant.auth)) == {"disabled": True}
    tokens = await password_login(api)
    assert tokens["token"] and "mfa_required" not in tokens
    status = ok(await api.get("/api/v1/me/mfa/status", headers=tenant.auth))
    assert status["totpEnabled"] is False and status["backupCodesRemaining"] == 0
    assert "mfa.totp_disabled" in [a for a, _ in audit_actions(api)]


async def test_regenerating_backup_codes_needs_the_password_and_voids_the_old_ones(api):
    tenant = await register(api, EMAIL)
    _, old = await enable_totp(api, tenant)
    refused = await api.post("/api/v1/me/mfa/backup-codes/regenerate", json={"password": "wrong-password"}, headers=tenant.auth)
    assert refused.status_code == 422
    new = ok(await api.post("/api/v1/me/mfa/backup-codes/regenerate", json={"password": PASSWORD}, headers=tenant.auth))["backupCodes"]
    assert len(new) == 10 and not set(new) & set(old)
    challenge = await password_login(api)
    stale = await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "type": "backup", "code": old[0]})
    assert stale.status_code == 401
    ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "type": "backup", "code": new[0]}))
    assert "mfa.backup_codes_regenerated" in [a for a, _ in audit_actions(api)]


async def test_regenerating_without_mfa_is_refused(api):
    tenant = await register(api, EMAIL)
    refused = await api.post("/api/v1/me/mfa/backup-codes/regenerate", json={"password": PASSWORD}, headers=tenant.auth)
    assert refused.status_code == 400


async def test_step_up_without_mfa_is_not_needed(api):
    tenant = await register(api, EMAIL)
    assert ok(await api.post("/api/v1/mfa/challenge", headers=tenant.auth)) == {"mfa_required": False}
    user_id = ok(await api.get("/api/v1/me", headers=tenant.auth))["id"]
    in_app(api, stepup.require_step_up, user_id, None)  # no MFA: nothing demanded


async def test_step_up_verification_token_is_single_use_and_bound_to_the_user(settings):
    async with start_api(msgspec.structs.replace(settings, open_registration=True)) as api:
        await _step_up_single_use(api)


async def _step_up_single_use(api):
    tenant = await register(api, EMAIL)
    secret, _ = await enable_totp(api, tenant)
    user_id = ok(await api.get("/api/v1/me", headers=tenant.auth))["id"]
    # a second user who has MFA too
    ok(await api.post("/api/auth/register", json={"email": "other@beta.ro", "password": PASSWORD}), 201)
    in_app(api, User.update({User.email_verified: True}).where(User.email == "other@beta.ro").run)
    other = await login(api, "other@beta.ro")
    await enable_totp(api, other)
    other_id = ok(await api.get("/api/v1/me", headers=other.auth))["id"]
    with pytest.raises(Forbidden) as missing:
        in_app(api, stepup.require_step_up, user_id, None)
    assert missing.value.status == 403 and missing.value.body()["error"] == "mfa_required"
    assert missing.value.body()["error_description"]

    challenge = ok(await api.post("/api/v1/mfa/challenge", headers=tenant.auth))
    assert challenge["mfa_required"] is True and challenge["methods"] == ["totp", "backup_code", "email_otp"]
    wrong = await api.post(
        "/api/v1/mfa/verify", json={"challengeToken": challenge["challenge_token"], "code": "000000"}, headers=tenant.auth
    )
    assert wrong.status_code == 401
    answer = ok(
        await api.post(
            "/api/v1/mfa/verify",
            json={"challengeToken": challenge["challenge_token"], "type": "totp", "code": totp_code(secret)},
            headers=tenant.auth,
        )
    )
    token = answer["verification_token"]
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    with pytest.raises(Forbidden):  # bound to its user
        in_app(api, stepup.require_step_up, other_id, token)
    in_app(api, stepup.require_step_up, user_id, token)
    with pytest.raises(Forbidden):  # single use
        in_app(api, stepup.require_step_up, user_id, token)


async def test_step_up_by_emailed_code(api, settings):
    tenant = await register(api, EMAIL)
    await enable_totp(api, tenant)
    user_id = ok(await api.get("/api/v1/me", headers=tenant.auth))["id"]
    challenge = ok(await api.post("/api/v1/mfa/challenge", headers=tenant.auth))
    ok(await api.post("/api/v1/mfa/email-otp/send", json={"challengeToken": challenge["challenge_token"]}, headers=tenant.auth))
    (code,) = mailed_codes(settings)
    answer = ok(
        await api.post(
            "/api/v1/mfa/verify",
            json={"challengeToken": challenge["challenge_token"], "type": "email_otp", "code": code},
            headers=tenant.auth,
        )
    )
    in_app(api, stepup.require_step_up, user_id, answer["verification_token"])


async def test_expired_step_up_token_is_refused(api):
    from core.auth.mfa.tables import MfaVerification

    tenant = await register(api, EMAIL)
    secret, _ = await enable_totp(api, tenant)
    user_id = ok(await api.get("/api/v1/me", headers=tenant.auth))["id"]
    challenge = ok(await api.post("/api/v1/mfa/challenge", headers=tenant.auth))
    answer = ok(
        await api.post(
            "/api/v1/mfa/verify",
            json={"challengeToken": challenge["challenge_token"], "code": totp_code(secret)},
            headers=tenant.auth,
        )
    )
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    in_app(api, MfaVerification.update({MfaVerification.expires_at: past}).where(MfaVerification.user_id == user_id).run)
    with pytest.raises(Forbidden):
        in_app(api, stepup.require_step_up, user_id, answer["verification_token"])


async def test_the_totp_secret_is_sealed_at_rest(api):
    from core.auth.mfa import totp
    from core.auth.mfa.tables import TotpSecret

    tenant = await register(api, EMAIL)
    setup = ok(await api.post("/api/v1/me/mfa/totp/setup", headers=tenant.auth))
    (row,) = in_app(api, TotpSecret.select(TotpSecret.secret).run)
    assert row["secret"].startswith("enc:v1:") and setup["secret"] not in row["secret"]
    # a secret stored in clear (before sealing existed) is sealed by the start-time re-seal and still works
    in_app(api, TotpSecret.update({TotpSecret.secret: setup["secret"]}, force=True).run)
    assert in_app(api, totp.reseal_secrets) == 1
    (row,) = in_app(api, TotpSecret.select(TotpSecret.secret).run)
    assert row["secret"].startswith("enc:v1:")
    ok(await api.post("/api/v1/me/mfa/totp/enable", json={"code": totp_code(setup["secret"])}, headers=tenant.auth))


async def test_a_google_login_also_asks_for_the_second_factor(settings):
    from tests.core.auth.test_google_login import Google, _configured

    provider = Google()
    with provider.serve() as url:
        async with start_api(_configured(settings, url)) as api:
            tenant = await register(api, "ana@gmail.com")
            secret, _ = await enable_totp(api, tenant)
            answer = await api.post("/api/auth/google", json={"credential": provider.token()})
            challenge = ok(answer)
            assert challenge["mfa_required"] is True and "token" not in challenge
            assert "__refresh__token" not in answer.headers.get("set-cookie", "")
            tokens = ok(await api.post("/api/auth/mfa/verify", json={"mfaToken": challenge["mfa_token"], "code": totp_code(secret)}))
            assert tokens["token"] and tokens["refresh_token"]
            assert ("auth.login", {"method": "google", "mfa": "totp"}) in audit_actions(api)
