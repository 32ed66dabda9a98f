"""Shared plumbing of the simulator's handlers: response shapes, the bearer check, the global
per-minute limit and fault application.

Response shapes follow ../shared/providers/anaf.md: business errors in HTTP 200 bodies, Spring
JSON (``{timestamp,status,error,message}``) for missing parameters and server faults, the WAF's
HTML page, and 401 JSON for a missing/unknown/expired bearer token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from typing import Any

from litestar import Request, Response
from lxml import etree

from plugins.anaf.simulator import processing, texts
from plugins.anaf.simulator.state import BUCHAREST, Fault, SimulatorState, TokenRecord

__all__ = [
    "SimHTTPException",
    "sim_state",
    "xml_response",
    "json_response",
    "spring_error",
    "waf_response",
    "rest_gate",
    "RESPONSE_FAULTS",
    "apply_fault",
]

_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}


class SimHTTPException(Exception):
    """Abort a handler with a ready response (turned back into it by the app's handler)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def sim_state(request: Request) -> SimulatorState:
    return request.app.state.sim  # type: ignore[no-any-return]


def xml_response(root: etree._Element) -> Response:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return Response(content=body, status_code=200, media_type="application/xml")


def json_response(data: Any, status: int = 200) -> Response:
    return Response(content=data, status_code=status, media_type="application/json")


def spring_error(status: int, message: str, state: SimulatorState | None = None) -> Response:
    """Spring Boot's error JSON, e.g. 400 *Parametrii standard si cif sunt obligatorii*."""
    now = (state.clock.now() if state else dt.datetime.now(dt.timezone.utc)).astimezone(BUCHAREST)
    body = {
        "timestamp": now.strftime("%d-%m-%Y %H:%M:%S"),
        "status": status,
        "error": _REASONS.get(status, "Error"),
        "message": message,
    }
    return json_response(body, status)


def waf_response() -> Response:
    """The WAF's rejection page: HTML with HTTP 200."""
    page = texts.WAF_HTML.format(support_id=random.randrange(10**18, 10**19))
    return Response(content=page.encode(), status_code=200, media_type="text/html")


def _unauthorized(message: str, state: SimulatorState) -> SimHTTPException:
    return SimHTTPException(spring_error(401, message, state))


def rest_gate(request: Request) -> TokenRecord:
    """The door of every ``/{env}/FCTEL/rest/`` call: the environment (only ``test`` and ``prod``
    exist), the global per-minute limit, the bearer check, then lazy processing of due uploads.

    Raises :class:`SimHTTPException` with ANAF's 403 *Access Denied* for another environment,
    429 (``Retry-After``) or an empty 204, or 401 JSON.
    """
    state = sim_state(request)
    if request.path_params.get("env") not in ("test", "prod"):
        raise SimHTTPException(spring_error(403, "Access Denied", state))
    wait = state.rate_take()
    if wait is not None:
        if state.config.rate_limit_mode == "204":
            raise SimHTTPException(Response(content=b"", status_code=204))
        response = spring_error(429, "Too Many Requests", state)
        response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
        raise SimHTTPException(response)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Full authentication is required to access this resource", state)
    with state.lock:
        record = state.tokens.get(token.strip())
        if record is None or record.kind != "access" or record.revoked:
            raise _unauthorized("Invalid access token", state)
        if record.expires_at <= state.clock.now():
            raise _unauthorized("Access token expired", state)
    processing.advance(state)
    return record


#: Fault kinds :func:`apply_fault` answers with a response of its own; handlers send it before
#: doing their work (the other kinds, delay and drop, come after it).
RESPONSE_FAULTS = frozenset({"500", "waf", "429", "204"})


async def apply_fault(request: Request, fault: Fault | None) -> Response | None:
    """Carry out the generic part of ``fault``: a response to send instead (500, WAF, 429, 204),
    or None after a delay / after marking the connection to be dropped once the handler is done."""
    if fault is None:
        return None
    state = sim_state(request)
    if fault.kind == "500":
        return spring_error(500, "A aparut o eroare tehnica. Cod: 500", state)
    if fault.kind == "waf":
        return waf_response()
    if fault.kind == "429":
        response = spring_error(429, "Too Many Requests", state)
        response.headers["Retry-After"] = str(max(1, fault.delay_ms // 1000 or 1))
        return response
    if fault.kind == "204":
        return Response(content=b"", status_code=204)
    if fault.kind == "delay":
        await asyncio.sleep(fault.delay_ms / 1000)
    elif fault.kind == "drop":
        request.scope["sim"]["drop"] = True  # type: ignore[typeddict-item]
    return None
