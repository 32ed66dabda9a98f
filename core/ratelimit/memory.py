"""The in-process backend: buckets and windows in dictionaries (embedded mode, one process).

Every operation is synchronous under the event loop (no ``await`` between read and write), so it
is atomic for the coroutines of one process. Idle entries are swept every
:data:`SWEEP_EVERY` operations so memory does not grow with every client ever seen.
"""

from __future__ import annotations

from collections import deque

__all__ = ["MemoryBackend", "SWEEP_EVERY"]

SWEEP_EVERY = 10_000


class MemoryBackend:
    """Sliding windows and token buckets held in this process. Times are seconds (any epoch,
    given by the caller); results are the seconds to wait (0.0 = accepted)."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[deque[float], float]] = {}
        self._buckets: dict[str, tuple[float, float, float, float]] = {}
        self._ops = 0

    async def window_hit(self, key: str, limit: int, window: float, now: float) -> float:
        """Record a hit at ``now`` unless ``limit`` hits already fall in ``(now - window, now]``;
        returns 0.0 when recorded, else the seconds until the oldest of them leaves the window."""
        self._tick(now)
        hits, _ = self._windows.get(key) or (deque(), window)
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) < limit:
            hits.append(now)
            self._windows[key] = (hits, window)
            return 0.0
        return hits[0] + window - now

    async def bucket_take(self, key: str, capacity: int, rate: float, now: float, cost: int = 1) -> float:
        """Take ``cost`` tokens from the bucket ``key`` (full at first sight), refilled at ``rate``
        tokens/second up to ``capacity``; returns 0.0 when taken, else the seconds until
        enough tokens are there."""
        self._tick(now)
        tokens, stamp, _, _ = self._buckets.get(key, (float(capacity), now, capacity, rate))
        if now > stamp:
            tokens = min(float(capacity), tokens + (now - stamp) * rate)
            stamp = now
        wait = 0.0
        if tokens >= cost:
            tokens -= cost
        else:
            wait = (cost - tokens) / rate
        self._buckets[key] = (tokens, stamp, capacity, rate)
        return wait

    async def close(self) -> None:
        """Nothing to release."""

    def _tick(self, now: float) -> None:
        self._ops += 1
        if self._ops % SWEEP_EVERY:
            return
        for key, (hits, window) in list(self._windows.items()):
            if not hits or hits[-1] <= now - window:
                del self._windows[key]
        for key, (tokens, stamp, capacity, rate) in list(self._buckets.items()):
            if tokens + (now - stamp) * rate >= capacity:  # full again: same as never seen
                del self._buckets[key]
