"""The limiter an app uses: the policies of :mod:`core.ratelimit.policies` over a backend.

:func:`build_limiter` chooses from the settings: ``STORNO_RATE_LIMITS=off`` (the default in
development, i.e. demo and tests: effectively unlimited, objects.md §9) gives a limiter that
accepts everything; otherwise the production values, in Redis when a Redis URL is configured
(``STORNO_REDIS_URL``, else a ``redis://`` ``STORNO_BROKER_URL``: distributed mode, shared by
every replica) and in this process's memory otherwise (embedded mode).

The limiter serving the current request is reachable as :func:`current` (set by the middleware),
so services without access to the request (the per-account login limit in
:func:`core.auth.service.login`) can apply theirs.
"""

from __future__ import annotations

import contextvars
import hashlib
import math
import time
from collections.abc import Callable
from typing import Protocol

from core.errors import TooManyRequests
from core.ratelimit.memory import MemoryBackend
from core.ratelimit.policies import LIMITS, SlidingWindow, TokenBucket
from core.settings import Settings

__all__ = ["Backend", "Limiter", "build_limiter", "current", "hit_current", "reset", "use"]


class Backend(Protocol):
    """Storage of windows and buckets (memory or Redis); results are seconds to wait, 0 = accepted."""

    async def window_hit(self, key: str, limit: int, window: float, now: float) -> float: ...

    async def bucket_take(self, key: str, capacity: int, rate: float, now: float, cost: int = 1) -> float: ...

    async def close(self) -> None: ...


class Limiter:
    """Applies the named limiters of ``limits`` over ``backend``; ``enabled`` False accepts all.

    ``clock`` returns seconds since the Unix epoch (injectable for tests).
    """

    def __init__(
        self,
        backend: Backend,
        *,
        enabled: bool = True,
        limits: dict[str, SlidingWindow | TokenBucket] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self.enabled = enabled
        self.limits = LIMITS if limits is None else limits
        self.clock = clock

    async def wait(self, name: str, key: str) -> float:
        """Count one hit of limiter ``name`` for ``key`` (an IP, an e-mail, a credential id);
        returns the seconds to wait before retrying (0.0 = accepted). KeyError for an unknown name."""
        if not self.enabled:
            return 0.0
        policy = self.limits[name]
        now = self.clock()
        full_key = f"{name}:{key}"
        if isinstance(policy, TokenBucket):
            return await self.backend.bucket_take(full_key, policy.capacity, policy.rate, now)
        return await self.backend.window_hit(full_key, policy.limit, policy.window, now)

    async def hit(self, name: str, key: str) -> None:
        """As :meth:`wait`, raising :class:`core.errors.TooManyRequests` (429
        ``{"error": "Too many requests."}`` with ``Retry-After`` in whole seconds, at least 1)
        when the limit is reached."""
        wait = await self.wait(name, key)
        if wait > 0:
            raise TooManyRequests(retry_after=max(1, math.ceil(wait)))

    async def close(self) -> None:
        """Release the backend's connections."""
        await self.backend.close()


def build_limiter(settings: Settings) -> Limiter:
    """The limiter for ``settings`` (module docstring). Redis keys are namespaced by the
    database, so several appliances may share one Redis while the replicas of one share limits."""
    if settings.rate_limits == "off":
        return Limiter(MemoryBackend(), enabled=False)
    if settings.redis_url:
        from core.ratelimit.redis import RedisBackend

        database = settings.database_url or str(settings.sqlite_path)
        namespace = hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
        return Limiter(RedisBackend(settings.redis_url, prefix=f"storno:ratelimit:{namespace}:"))
    return Limiter(MemoryBackend())


_current: contextvars.ContextVar[Limiter | None] = contextvars.ContextVar("storno_limiter", default=None)


def use(limiter: Limiter) -> contextvars.Token[Limiter | None]:
    """Make ``limiter`` the one of the current request (called by the middleware)."""
    return _current.set(limiter)


def reset(token: contextvars.Token[Limiter | None]) -> None:
    """Undo :func:`use` at the end of the request."""
    _current.reset(token)


def current() -> Limiter | None:
    """The limiter of the request being served, or None outside a request (CLI, jobs)."""
    return _current.get()


async def hit_current(name: str, key: str) -> None:
    """:meth:`Limiter.hit` on the current request's limiter; nothing outside a request."""
    limiter = _current.get()
    if limiter is not None:
        await limiter.hit(name, key)
