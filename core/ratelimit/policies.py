"""The limiters of objects.md §9 and the public endpoints each one guards.

Two policies:

* :class:`SlidingWindow` — at most ``limit`` accepted hits in any ``window`` seconds (a sliding log:
  the timestamps of the accepted hits in the window). Refused hits are not counted, so a client
  that keeps hammering is let in again as soon as its oldest accepted hit leaves the window.
* :class:`TokenBucket` — a bucket of ``capacity`` tokens, refilled continuously at
  ``refill_amount`` per ``refill_seconds``; each request takes one token. Bursts up to the
  capacity pass, the sustained rate is the refill rate.

The production values are those of objects.md §9 and the issue: ``login`` 5/min per IP and
(``login_account``) per account, ``register`` 10/h, ``password_reset`` 3/15 min, ``mfa_verify``
5/min, ``oauth_login`` 10/min, ``license_validate`` 10/h (all per IP), and ``authenticated_api``
a 50 000 bucket refilled by 500 every 2 minutes per credential (JWT user or API key).
"""

from __future__ import annotations

import msgspec

__all__ = ["LIMITS", "PUBLIC_PATHS", "SlidingWindow", "TokenBucket", "limiter_for_path"]


class SlidingWindow(msgspec.Struct, frozen=True):
    """At most ``limit`` hits per ``window`` seconds (sliding)."""

    limit: int
    window: float


class TokenBucket(msgspec.Struct, frozen=True):
    """``capacity`` tokens, refilled at ``refill_amount`` tokens per ``refill_seconds``."""

    capacity: int
    refill_amount: int
    refill_seconds: float

    @property
    def rate(self) -> float:
        """Tokens added per second."""
        return self.refill_amount / self.refill_seconds


#: Every limiter by name (production values).
LIMITS: dict[str, SlidingWindow | TokenBucket] = {
    "login": SlidingWindow(5, 60),
    "login_account": SlidingWindow(5, 60),
    "register": SlidingWindow(10, 3600),
    "password_reset": SlidingWindow(3, 900),
    "mfa_verify": SlidingWindow(5, 60),
    "oauth_login": SlidingWindow(10, 60),
    "license_validate": SlidingWindow(10, 3600),
    "authenticated_api": TokenBucket(50_000, 500, 120),
}

#: Public endpoints and the per-IP limiter guarding each (any method; no trailing slash).
PUBLIC_PATHS: dict[str, str] = {
    "/api/auth": "login",
    "/api/auth/register": "register",
    "/api/auth/resend-confirmation": "register",
    "/api/auth/forgot-password": "password_reset",
    "/api/auth/reset-password": "password_reset",
    "/api/auth/mfa/verify": "mfa_verify",
    "/api/auth/mfa/email-otp/send": "mfa_verify",
    "/api/auth/mfa/passkey/options": "mfa_verify",
    "/api/v1/mfa/verify": "mfa_verify",
    "/api/v1/mfa/email-otp/send": "mfa_verify",
    "/api/auth/google": "oauth_login",
    "/api/auth/passkey/login": "oauth_login",
    "/api/auth/passkey/login/options": "oauth_login",
    "/api/v1/licensing/validate": "license_validate",
}


def limiter_for_path(path: str) -> str | None:
    """The limiter name guarding ``path`` (trailing slashes ignored), or None."""
    return PUBLIC_PATHS.get(path.rstrip("/") or "/")
