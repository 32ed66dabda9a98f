"""Time-based one-time passwords (RFC 6238 over RFC 4226, via pyotp): 6 digits, 30 s steps,
SHA-1, issuer ``Storno``, label the user's e-mail; a code of the previous, current or next step
is accepted, and never a step already used (RFC 6238 §5.2) (objects.md §8.2).

Only writer of ``mfa_totp``. The base32 secret is sealed at rest (:mod:`core.crypto`, AES-256-GCM
with the context ``mfa_totp:<user id>:secret``, so a sealed secret copied to another user's row
does not open); :func:`reseal_secrets` re-seals rows stored in clear or under an older key.
"""

from __future__ import annotations

import hmac
import time

import pyotp
import segno

from core import crypto
from core.auth.mfa.challenges import now
from core.auth.mfa.tables import TotpSecret

__all__ = ["ISSUER", "STEP", "accept", "delete", "enable", "is_enabled", "provisioning", "reseal_secrets", "start_setup"]

ISSUER = "Storno"
#: Seconds per time step.
STEP = 30


def _context(user_id: str) -> str:
    return f"mfa_totp:{user_id}:secret"


def provisioning(secret: str, email: str) -> dict[str, str]:
    """``{secret, otpauthUri, qrCode}`` for an authenticator app; ``qrCode`` is a PNG data URI."""
    uri = pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m").png_data_uri(scale=5, border=2)
    return {"secret": secret, "qrCode": qr, "otpauthUri": uri}


async def is_enabled(user_id: str) -> bool:
    """True when ``user_id`` has verified TOTP."""
    return await TotpSecret.exists().where((TotpSecret.user_id == user_id) & (TotpSecret.enabled == True))  # noqa: E712


async def start_setup(user_id: str) -> str:
    """Store a new pending secret for ``user_id`` (replacing any pending one) and return it.

    The caller checks first that TOTP is not already enabled.
    """
    secret = pyotp.random_base32()  # 32 base32 characters: 160 bits, the RFC 4226 recommendation
    await TotpSecret.delete().where((TotpSecret.user_id == user_id) & (TotpSecret.enabled == False))  # noqa: E712
    sealed = crypto.active().seal(secret, context=_context(user_id))
    await TotpSecret(user_id=user_id, secret=sealed, created_at=now()).save()
    return secret


def _matching_step(secret: str, code: str, last_step: int | None, at: float | None = None) -> int | None:
    cleaned = (code or "").strip().replace(" ", "")
    if len(cleaned) != 6 or not cleaned.isdigit():
        return None
    otp = pyotp.TOTP(secret, interval=STEP)
    current = int((time.time() if at is None else at) // STEP)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(otp.generate_otp(step), cleaned):
            return step
    return None


async def accept(user_id: str, code: str, *, pending: bool = False) -> bool:
    """Check ``code`` against the user's secret (the pending one when ``pending``) and, when it
    matches, remember its step so it cannot be replayed. Returns whether it was accepted."""
    row = await TotpSecret.select().where((TotpSecret.user_id == user_id) & (TotpSecret.enabled == (not pending))).first()
    if row is None:
        return False
    secret = crypto.active().open(row["secret"], context=_context(user_id))
    step = _matching_step(secret, code, row["last_step"])
    if step is None:
        return False
    guard = TotpSecret.last_step.is_null() if row["last_step"] is None else (TotpSecret.last_step == row["last_step"])
    taken = (
        await TotpSecret.update({TotpSecret.last_step: step})
        .where((TotpSecret.id == row["id"]) & guard)
        .returning(TotpSecret.id)
    )
    return bool(taken)


async def enable(user_id: str) -> None:
    """Turn the pending secret of ``user_id`` into the enabled one."""
    await TotpSecret.update({TotpSecret.enabled: True, TotpSecret.enabled_at: now()}).where(
        (TotpSecret.user_id == user_id) & (TotpSecret.enabled == False)  # noqa: E712
    )


async def delete(user_id: str) -> None:
    """Forget the TOTP secret of ``user_id`` (disable)."""
    await TotpSecret.delete().where(TotpSecret.user_id == user_id)


async def reseal_secrets() -> int:
    """Seal every TOTP secret stored in clear or under an older key with the primary key; returns
    how many rows were re-sealed (the start sequence calls it after a key rotation)."""
    keyring = crypto.active()
    count = 0
    for row in await TotpSecret.select(TotpSecret.id, TotpSecret.user_id, TotpSecret.secret):
        if keyring.needs_reseal(row["secret"]):
            plain = keyring.open(row["secret"], context=_context(row["user_id"]))
            sealed = keyring.seal(plain, context=_context(row["user_id"]))
            await TotpSecret.update({TotpSecret.secret: sealed}).where(
                (TotpSecret.id == row["id"]) & (TotpSecret.secret == row["secret"])
            )
            count += 1
    return count
