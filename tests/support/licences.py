"""Licences for tests, signed with the bundled development key (accepted while ``STORNO_ENV`` is
``development``, as in the tests)."""

from __future__ import annotations

import datetime as dt

from license.issue import issue_license
from license.keys import DEV_KEY_ID, dev_private_key_pem

__all__ = ["dev_licence"]

DAY = dt.timedelta(days=1)


def dev_licence(**claims: object) -> str:
    """A development-key licence valid from a day ago for 30 days (subject ``ACME SRL``, plan
    ``pro``, provider ``anaf``, no company limit); ``claims`` override the arguments of
    :func:`license.issue.issue_license` (``max_companies``, ``providers``, ``expires``…)."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    args: dict[str, object] = {
        "kid": DEV_KEY_ID,
        "subject": "ACME SRL",
        "plan": "pro",
        "providers": ["anaf"],
        "not_before": now - DAY,
        "expires": now + 30 * DAY,
        **claims,
    }
    return issue_license(dev_private_key_pem(), **args)
