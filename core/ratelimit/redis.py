"""The Redis backend (distributed mode): windows and buckets live in Redis, so every replica
enforces the same limits. Each operation is one Lua script, executed atomically by Redis.

While Redis cannot be reached, each process falls back to its own in-memory limits (logged once
a minute) rather than failing every request: limits then hold per replica until Redis is back.

Keys expire on their own once idle (a window after its last hit; a bucket once it would be full
again), so Redis holds only active clients. Times are passed in by the caller (seconds since the
Unix epoch): replicas' clocks must agree to within a fraction of the windows, as NTP gives.
"""

from __future__ import annotations

import logging
import secrets
import time

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.ratelimit.memory import MemoryBackend

__all__ = ["RedisBackend"]

log = logging.getLogger("storno.ratelimit")
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

_WINDOW = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
  return '0'
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""

_BUCKET = """
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', key, 'tokens', 'stamp')
local tokens = tonumber(state[1])
local stamp = tonumber(state[2])
if tokens == nil or stamp == nil then
  tokens = capacity
  stamp = now
end
if now > stamp then
  tokens = math.min(capacity, tokens + (now - stamp) * rate)
  stamp = now
end
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'stamp', tostring(stamp))
redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisBackend:
    """Sliding windows (sorted sets) and token buckets (hashes) in Redis at ``url``, under keys
    starting with ``prefix``. Same contract as :class:`core.ratelimit.memory.MemoryBackend`."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self._client: Redis | None = None
        self._window = None
        self._bucket = None
        self._fallback = MemoryBackend()
        self._warned_at = float("-inf")

    def _degraded(self, exc: Exception) -> MemoryBackend:
        now = time.monotonic()
        if now - self._warned_at >= 60:
            self._warned_at = now
            log.warning("rate limits: Redis at %s unreachable (%s); limiting per process meanwhile", self.url, exc)
        return self._fallback

    def _ready(self) -> None:
        # The client binds to the running event loop on first use, not at construction.
        if self._client is None:
            self._client = Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=2)
            self._window = self._client.register_script(_WINDOW)
            self._bucket = self._client.register_script(_BUCKET)

    async def window_hit(self, key: str, limit: int, window: float, now: float) -> float:
        """See :meth:`core.ratelimit.memory.MemoryBackend.window_hit`."""
        self._ready()
        member = f"{now!r}:{secrets.token_hex(6)}"
        try:
            result = await self._window(keys=[self.prefix + key], args=[limit, window, repr(now), member])
        except _UNREACHABLE as exc:
            return await self._degraded(exc).window_hit(key, limit, window, now)
        return float(result)

    async def bucket_take(self, key: str, capacity: int, rate: float, now: float, cost: int = 1) -> float:
        """See :meth:`core.ratelimit.memory.MemoryBackend.bucket_take`."""
        self._ready()
        try:
            result = await self._bucket(keys=[self.prefix + key], args=[capacity, repr(rate), repr(now), cost])
        except _UNREACHABLE as exc:
            return await self._degraded(exc).bucket_take(key, capacity, rate, now, cost)
        return float(result)

    async def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
