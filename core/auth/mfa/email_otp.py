"""E-mailed one-time codes for an open MFA challenge (objects.md §8.2): 6 digits, valid 5 minutes,
single use; a new send replaces the previous code. The code is stored as a keyed digest on the
challenge row and the message goes through the mail outbox (:mod:`core.mail.outbox`)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from core.auth.mfa import challenges
from core.auth.mfa.backup_codes import keyed_digest
from core.auth.mfa.tables import MfaChallenge
from core.mail.outbox import send_mail
from core.settings import Settings

__all__ = ["TTL", "send", "accept"]

#: Lifetime of an e-mailed code.
TTL = dt.timedelta(minutes=5)


async def send(settings: Settings, row: dict[str, Any], email: str) -> None:
    """Generate a code for the challenge ``row``, remember its digest and e-mail it to ``email``."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    await challenges.update(
        row,
        email_otp_hash=keyed_digest(settings.secret_key, "email_otp", row["id"], code),
        email_otp_expires_at=challenges.now() + TTL,
    )
    body = (
        f"Your Storno verification code is {code}.\n\n"
        "It is valid for 5 minutes and can be used once. If you did not try to sign in, "
        "change your password: someone knows it.\n"
    )
    await send_mail(settings, to=email, subject="Your Storno verification code", body=body, kind="email_otp")


async def accept(settings: Settings, row: dict[str, Any], code: str | None) -> bool:
    """True when ``code`` is the live code last e-mailed for the challenge ``row``; the code is
    then spent (cleared with a guard, so a concurrent second use loses)."""
    stored, expires = row["email_otp_hash"], row["email_otp_expires_at"]
    cleaned = (code or "").strip()
    if not stored or expires is None or len(cleaned) != 6 or not cleaned.isdigit():
        return False
    if (expires if expires.tzinfo else expires.replace(tzinfo=dt.timezone.utc)) <= challenges.now():
        return False
    if not hmac.compare_digest(stored, keyed_digest(settings.secret_key, "email_otp", row["id"], cleaned)):
        return False
    spent = (
        await MfaChallenge.update({MfaChallenge.email_otp_hash: None, MfaChallenge.email_otp_expires_at: None})
        .where((MfaChallenge.id == row["id"]) & (MfaChallenge.email_otp_hash == stored))
        .returning(MfaChallenge.id)
    )
    return bool(spent)
