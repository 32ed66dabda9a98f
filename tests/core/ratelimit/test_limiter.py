"""Limiter arithmetic with an injected clock, on the in-memory backend and on a real Redis (the
``redis_url`` fixture): sliding windows, token-bucket refill, Retry-After."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from core.errors import TooManyRequests
from core.ratelimit.limiter import Limiter, build_limiter
from core.ratelimit.memory import MemoryBackend
from core.ratelimit.policies import LIMITS, SlidingWindow, TokenBucket, limiter_for_path



class Clock:
    """A hand-moved clock (seconds since the epoch)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def backend(request):
    if request.param == "memory":
        yield MemoryBackend()
        return
    from core.ratelimit.redis import RedisBackend

    redis_backend = RedisBackend(request.getfixturevalue("redis_url"), prefix=f"storno-test:{uuid.uuid4().hex}:")
    try:
        yield redis_backend
    finally:
        await redis_backend.close()


def test_production_values_are_those_of_the_contract():
    assert LIMITS["login"] == SlidingWindow(5, 60) and LIMITS["login_account"] == SlidingWindow(5, 60)
    assert LIMITS["register"] == SlidingWindow(10, 3600)
    assert LIMITS["password_reset"] == SlidingWindow(3, 900)
    assert LIMITS["mfa_verify"] == SlidingWindow(5, 60)
    assert LIMITS["oauth_login"] == SlidingWindow(10, 60)
    assert LIMITS["license_validate"] == SlidingWindow(10, 3600)
    assert LIMITS["authenticated_api"] == TokenBucket(50_000, 500, 120)
    assert limiter_for_path("/api/auth") == "login" and limiter_for_path("/api/auth/") == "login"
    assert limiter_for_path("/api/auth/refresh") is None
    assert limiter_for_path("/api/v1/licensing/validate") == "license_validate"


async def test_sliding_window_refuses_the_sixth_hit_until_the_first_leaves(backend):
    clock = Clock()
    limiter = Limiter(backend, clock=clock)
    start = clock.now
    for second in range(5):  # one hit per second
        clock.now = start + second
        assert await limiter.wait("login", "10.0.0.1") == 0
    clock.now = start + 10
    assert await limiter.wait("login", "10.0.0.1") == pytest.approx(50)  # first hit leaves at start + 60
    with pytest.raises(TooManyRequests) as refused:
        await limiter.hit("login", "10.0.0.1")
    assert refused.value.retry_after == 50 and refused.value.body() == {"error": "Too many requests.", "retryAfter": 50}
    assert await limiter.wait("login", "10.0.0.2") == 0  # another key has its own window
    clock.now = start + 60  # the first hit is out of the window: one more fits, not two
    assert await limiter.wait("login", "10.0.0.1") == 0
    assert await limiter.wait("login", "10.0.0.1") == pytest.approx(1)


async def test_refused_hits_do_not_extend_the_window(backend):
    clock = Clock()
    limiter = Limiter(backend, limits={"w": SlidingWindow(2, 10)}, clock=clock)
    assert [await limiter.wait("w", "k") for _ in range(2)] == [0, 0]
    for _ in range(20):
        clock.now += 0.4
        assert await limiter.wait("w", "k") > 0
    clock.now += 10 - 8  # 10 s after the accepted hits
    assert await limiter.wait("w", "k") == 0


async def test_token_bucket_refill_math(backend):
    clock = Clock()
    policy = TokenBucket(10, 5, 60)  # 10 tokens, 5 per minute = one per 12 s
    limiter = Limiter(backend, limits={"api": policy}, clock=clock)
    assert [await limiter.wait("api", "user:1") for _ in range(10)] == [0] * 10  # a full burst
    assert await limiter.wait("api", "user:1") == pytest.approx(12)  # empty: one token in 12 s
    clock.now += 6
    assert await limiter.wait("api", "user:1") == pytest.approx(6)  # half a token refilled
    clock.now += 6
    assert await limiter.wait("api", "user:1") == 0
    assert await limiter.wait("api", "user:1") > 0
    clock.now += 60 * 10  # long idle: refilled to the capacity, never above it
    assert [await limiter.wait("api", "user:1") for _ in range(10)] == [0] * 10
    assert await limiter.wait("api", "user:1") > 0
    assert await limiter.wait("api", "user:2") == 0  # each credential has its own bucket


async def test_production_bucket_allows_50000_then_500_per_two_minutes():
    clock = Clock()
    limiter = Limiter(MemoryBackend(), clock=clock)
    for _ in range(50_000):
        assert await limiter.wait("authenticated_api", "key:k") == 0
    wait = await limiter.wait("authenticated_api", "key:k")
    assert wait == pytest.approx(120 / 500)
    with pytest.raises(TooManyRequests) as refused:
        await limiter.hit("authenticated_api", "key:k")
    assert refused.value.retry_after == 1  # whole seconds, at least one
    clock.now += 120
    accepted = 0
    while await limiter.wait("authenticated_api", "key:k") == 0:
        accepted += 1
    assert accepted == 500


async def test_concurrent_hits_never_exceed_the_limit(backend):
    limiter = Limiter(backend, limits={"w": SlidingWindow(5, 60)})
    waits = await asyncio.gather(*(limiter.wait("w", "same") for _ in range(40)))
    assert sum(1 for w in waits if w == 0) == 5


async def test_two_redis_backends_share_the_limits(redis_url):
    """Two replicas (two backends, one Redis, one namespace) see each other's hits."""
    from core.ratelimit.redis import RedisBackend

    prefix = f"storno-test:{uuid.uuid4().hex}:"
    first, second = RedisBackend(redis_url, prefix), RedisBackend(redis_url, prefix)
    try:
        a, b = Limiter(first), Limiter(second)
        for limiter in (a, b, a, b, a):
            assert await limiter.wait("login", "192.0.2.7") == 0
        assert await b.wait("login", "192.0.2.7") > 0
        assert await a.wait("login", "192.0.2.7") > 0
    finally:
        await first.close()
        await second.close()


def test_settings_choose_the_limiter(settings, redis_url):
    import msgspec

    assert settings.rate_limits == "off"  # development: effectively unlimited (objects.md §9)
    assert build_limiter(settings).enabled is False
    production = msgspec.structs.replace(settings, rate_limits="production", redis_url="")
    assert isinstance(build_limiter(production).backend, MemoryBackend)
    from core.ratelimit.redis import RedisBackend

    distributed = build_limiter(msgspec.structs.replace(production, redis_url=redis_url))
    assert isinstance(distributed.backend, RedisBackend)


def test_settings_read_the_rate_limit_variables(tmp_path):
    from core.errors import ConfigurationError
    from core.settings import load_settings

    base = {"STORNO_DATA_DIR": str(tmp_path), "STORNO_SECRET_KEY": "k"}
    assert load_settings(base).rate_limits == "production"
    assert load_settings({**base, "STORNO_ENV": "development"}).rate_limits == "off"
    assert (
        load_settings({**base, "STORNO_ENV": "development", "STORNO_RATE_LIMITS": "production"}).rate_limits
        == "production"
    )
    assert load_settings({**base, "STORNO_BROKER_URL": "redis://r:6379/0"}).redis_url == "redis://r:6379/0"
    assert load_settings({**base, "STORNO_BROKER_URL": "amqp://r"}).redis_url == ""
    assert (
        load_settings({**base, "STORNO_REDIS_URL": "redis://x/1", "STORNO_BROKER_URL": "redis://r/0"}).redis_url
        == "redis://x/1"
    )
    with pytest.raises(ConfigurationError):
        load_settings({**base, "STORNO_RATE_LIMITS": "sometimes"})


async def test_unreachable_redis_falls_back_to_per_process_limits(caplog):
    """Redis down: requests are neither refused wholesale nor let through unlimited."""
    import socket

    from core.ratelimit.redis import RedisBackend

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = RedisBackend(f"redis://127.0.0.1:{port}/0", prefix="storno-test:")
    try:
        limiter = Limiter(backend)
        assert [await limiter.wait("login", "198.51.100.1") for _ in range(5)] == [0] * 5
        assert await limiter.wait("login", "198.51.100.1") > 0
        assert await limiter.wait("authenticated_api", "user:u") == 0
    finally:
        await backend.close()
    assert "unreachable" in caplog.text
