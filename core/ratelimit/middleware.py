"""The one place where public endpoints are rate-limited by client IP (objects.md §9).

An ASGI middleware mounted app-wide: for every HTTP request it makes the app's limiter the
current one (:func:`core.ratelimit.limiter.use`), and for the paths of
:data:`core.ratelimit.policies.PUBLIC_PATHS` counts a hit of their limiter keyed by the client's
address before the handler runs; over the limit it answers 429 ``{"error": "Too many requests."}``
with ``Retry-After``. The address is the connection's peer: behind a reverse proxy, every client
shares the proxy's address unless the proxy is configured to pass the real one at the transport.
"""

from __future__ import annotations

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from core.ratelimit.limiter import Limiter, reset, use
from core.ratelimit.policies import limiter_for_path

__all__ = ["RateLimitMiddleware"]


class RateLimitMiddleware(ASGIMiddleware):
    """Per-IP limits of the public endpoints; the limiter lives at ``app.state.limiter``."""

    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        limiter: Limiter = scope["litestar_app"].state.limiter
        token = use(limiter)
        try:
            name = limiter_for_path(scope["path"])
            if name is not None:
                client = scope.get("client")
                await limiter.hit(name, client[0] if client else "unknown")
            await next_app(scope, receive, send)
        finally:
            reset(token)
