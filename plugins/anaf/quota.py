"""Local counting of ANAF's daily per-id quotas, so the client stops before ANAF says *S-au facut deja*.

ANAF publishes (../shared/providers/anaf.md §5): ``descarcare`` 10 / day / download id,
``stareMesaj`` 100 / day / ``id_incarcare``; days end at Romanian local midnight (Europe/Bucharest,
an assumption the zone setting keeps configurable). Burning these on ANAF's side locks the id until
midnight, so the client refuses locally with :class:`TransientProviderError` whose ``retry_at`` is
the next local midnight (as UTC).

This counter lives in the process. The durable, cross-worker counter belongs to the core (it
would pass a shared implementation in); this class keeps one worker honest and records ANAF's own
quota answers (:meth:`LocalQuota.exhaust`) so a key stays closed until midnight.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

from core.errors import TransientProviderError

__all__ = ["LocalQuota", "next_local_midnight", "DAILY_LIMITS"]

#: ANAF's published daily limits per key (kind → calls per local day).
DAILY_LIMITS: dict[str, int] = {"descarcare": 10, "stareMesaj": 100}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def next_local_midnight(now: dt.datetime, zone: str = "Europe/Bucharest") -> dt.datetime:
    """The next midnight of ``zone`` after ``now`` (aware), returned in UTC (DST-safe)."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    tomorrow = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0, 0), tzinfo=tz).astimezone(dt.timezone.utc)


class LocalQuota:
    """In-process daily counters keyed by (kind, id) and the Romanian local date.

    ``limits`` maps a kind (``descarcare``, ``stareMesaj``) to its daily allowance; ``now`` returns
    aware UTC time (injectable so the counter follows the same clock as the caller).
    """

    def __init__(
        self,
        limits: dict[str, int] | None = None,
        *,
        zone: str = "Europe/Bucharest",
        now: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.limits = dict(DAILY_LIMITS if limits is None else limits)
        self.zone = zone
        self.now = now
        self._lock = threading.Lock()
        self._used: dict[tuple[str, str], tuple[dt.date, int]] = {}

    def _today(self) -> dt.date:
        return self.now().astimezone(ZoneInfo(self.zone)).date()

    def used(self, kind: str, key: str) -> int:
        """Calls of ``kind`` for ``key`` counted today."""
        with self._lock:
            day, count = self._used.get((kind, key), (self._today(), 0))
            return count if day == self._today() else 0

    def take(self, kind: str, key: str) -> None:
        """Count one call, or raise :class:`TransientProviderError` (``retry_at`` = next local
        midnight, UTC) when today's allowance of ``kind`` for ``key`` is spent."""
        limit = self.limits.get(kind)
        if limit is None:
            return
        with self._lock:
            today = self._today()
            day, count = self._used.get((kind, key), (today, 0))
            if day != today:
                count = 0
            if count >= limit:
                raise TransientProviderError(
                    f"ANAF daily quota for {kind} of id {key} is used up ({limit}/day); refused locally until midnight.",
                    retry_at=next_local_midnight(self.now(), self.zone),
                )
            self._used[(kind, key)] = (today, count + 1)

    def exhaust(self, kind: str, key: str) -> None:
        """Close ``key`` until local midnight (ANAF answered with a quota text)."""
        with self._lock:
            self._used[(kind, key)] = (self._today(), max(self.limits.get(kind, 0), 1))
