"""Step-up MFA for sensitive actions (objects.md §8.2).

A user with MFA proves a second factor again (``POST /api/v1/mfa/challenge`` then
``POST /api/v1/mfa/verify``) and receives a ``verification_token``; sensitive actions (API-key
create/rotate, OAuth consent, account deletion, a first password for a social-only account) pass
it back and call :func:`require_step_up`. Users without MFA are not asked for one.
"""

from __future__ import annotations

from core.auth.mfa import challenges
from core.errors import Forbidden

__all__ = ["require_step_up"]

_DESCRIPTION = (
    "This action needs a fresh second factor: POST /api/v1/mfa/challenge, then /api/v1/mfa/verify, "
    "and pass the verification_token it returns."
)


async def require_step_up(user_id: str, verification_token: str | None) -> None:
    """Demand a live step-up verification of ``user_id`` when the user has MFA.

    No-op when the user has neither an enabled TOTP nor a passkey. Otherwise spends
    ``verification_token`` (single use, 2 min, bound to ``user_id``) and raises
    :class:`core.errors.Forbidden` 403 ``{"error": "mfa_required", "error_description": …}`` when
    it is missing, unknown, another user's, already used or expired.
    """
    if not await challenges.has_mfa(user_id):
        return
    if not await challenges.spend_verification(user_id, verification_token):
        raise Forbidden("mfa_required", error_description=_DESCRIPTION)
