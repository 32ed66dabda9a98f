"""The ANAF simulator as one ASGI app: OAuth host paths, REST paths of both environments, the
signature check, the public VAT registry (PlatitorTvaRest v9) and the ``/__sim/*`` control plane
(../shared/providers/anaf.md §7).

:func:`create_app` wraps the Litestar app in :class:`SimulatorASGI`, a thin raw-ASGI layer that
(1) buffers the request body to log it (method, path, query, headers, SHA-256) before the
handlers run, and (2) carries out the *drop* fault: when a handler marks the exchange, the
connection is aborted instead of sending the response, so the client sees the socket close with
no answer at all — exactly like a reply lost in the network after ANAF processed the request.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import parse_qsl

from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.exceptions import NotFoundException

from plugins.anaf.simulator.control import control_handlers
from plugins.anaf.simulator.lists import list_handlers
from plugins.anaf.simulator.oauth import oauth_handlers
from plugins.anaf.simulator.registry import registry_handlers
from plugins.anaf.simulator.rest import rest_handlers
from plugins.anaf.simulator.state import SimulatorState
from plugins.anaf.simulator.stubs import stub_handlers
from plugins.anaf.simulator.wire import SimHTTPException, spring_error

__all__ = ["create_app", "SimulatorASGI"]

log = logging.getLogger("storno.anaf.simulator")


def _sim_exception(_: Request, exc: SimHTTPException) -> Response:
    return exc.response


def _not_found(request: Request, _: NotFoundException) -> Response:
    return spring_error(404, "No message available", request.app.state.sim)


def _abort_connection(send: Any) -> bool:
    """Close the client's socket without a response. Works with uvicorn, whose ``send`` is a
    bound method of the request cycle holding the transport; False on other servers."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    transport.abort()
    cycle.disconnected = True  # uvicorn then neither sends a 500 nor complains
    return True


class SimulatorASGI:
    """Raw-ASGI wrapper: request log + connection drop around the Litestar app."""

    def __init__(self, inner: Litestar, state: SimulatorState) -> None:
        self.inner = inner
        self.state = state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        flags: dict[str, Any] = {}
        scope = dict(scope, sim=flags)
        entry: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "query": dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
            "headers": {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])},
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "body_length": len(body),
            "status": None,
            "dropped": False,
            "at": self.state.clock.now().isoformat(),
        }
        if not scope["path"].startswith("/__sim"):
            self.state.log_request(entry)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # type: ignore[no-any-return]

        async def guarded_send(message: dict[str, Any]) -> None:
            if flags.get("aborted"):
                return
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                if flags.get("drop"):
                    entry["dropped"] = True
                    if _abort_connection(send):
                        flags["aborted"] = True
                        return
                    raise ConnectionAbortedError("simulated drop")  # non-uvicorn fallback
            await send(message)

        await self.inner(scope, replay, guarded_send)


def create_app(state: SimulatorState | None = None) -> SimulatorASGI:
    """Build the simulator around ``state`` (a fresh :class:`SimulatorState` when None)."""
    state = state or SimulatorState()
    inner = Litestar(
        route_handlers=[
            *oauth_handlers,
            *rest_handlers,
            *list_handlers,
            *stub_handlers,
            *registry_handlers,
            *control_handlers,
        ],
        state=State({"sim": state}),
        exception_handlers={SimHTTPException: _sim_exception, NotFoundException: _not_found},  # type: ignore[dict-item]
        request_max_body_size=64 * 1024 * 1024,  # ANAF's own 10 MB refusal must be reachable
        debug=False,
        logging_config=None,
    )
    return SimulatorASGI(inner, state)
