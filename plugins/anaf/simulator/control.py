"""The simulator's control plane under ``/__sim/*`` — for tests and demos only (§7.8).

| call | body / answer |
|---|---|
| ``POST /__sim/reset`` | forget everything (clock, tokens, uploads, mailboxes, faults, log) |
| ``GET/POST /__sim/clock`` | ``{"advance": s}`` or ``{"set": iso8601, "frozen": bool}`` or ``{"reset": true}`` → ``{"now", "local"}`` |
| ``POST/GET/DELETE /__sim/faults`` | ``{"endpoint", "kind", "match"?, "delay_ms"?, "times"?}`` (or a list) — see :class:`Fault` |
| ``POST /__sim/scripts`` | ``{"outcome": ok|nok|xmlerr, "errors"?, "polls"?, "match"?}`` for the next upload |
| ``POST /__sim/inbox`` | ``{"directory", "cif"?}`` or ``{"messages": [{"xml", "cif"?, "tip"?, "age_seconds"?, "env"?}]}`` → ``{"ids"}`` |
| ``GET/DELETE /__sim/requests`` | the request log: method, path, query, headers (``Authorization`` too), body SHA-256, status |
| ``POST /__sim/config`` | any :class:`SimConfig` field (``rights``, ``token_expires_in``, ``rate_limit_mode``, ...) |
| ``POST /__sim/quota`` | ``{"kind", "key", "count"}`` pre-sets today's counter |
| ``POST /__sim/clients`` | ``{"client_id", "client_secret", "redirect_uris"}`` registers an OAuth application |
| ``POST /__sim/tokens`` | ``{"subject"?, "client_id"?}`` → a token pair without the browser dance |
| ``GET /__sim/uploads`` | every upload: ``index_incarcare``, ``stare``, number, CIF, standard, ``id_descarcare`` |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, delete, get, post

from plugins.anaf.simulator import processing
from plugins.anaf.simulator.oauth import issue_tokens
from plugins.anaf.simulator.state import DEFAULT_CLIENT_ID, Fault, Script
from plugins.anaf.simulator.wire import json_response, sim_state

__all__ = ["control_handlers"]


async def _body(request: Request) -> Any:
    raw = await request.body()
    return await request.json() if raw.strip() else {}


@post("/__sim/reset", status_code=200)
async def reset(request: Request) -> Response:
    sim_state(request).reset()
    return json_response({"reset": True})


def _clock_view(request: Request) -> Response:
    clock = sim_state(request).clock
    return json_response({"now": clock.now().isoformat(), "local": clock.local().isoformat()})


@get("/__sim/clock")
async def clock_get(request: Request) -> Response:
    return _clock_view(request)


@post("/__sim/clock", status_code=200)
async def clock_set(request: Request) -> Response:
    body = await _body(request)
    state = sim_state(request)
    with state.lock:
        if body.get("reset"):
            state.clock.reset()
        if "set" in body:
            state.clock.set(dt.datetime.fromisoformat(body["set"]), frozen=bool(body.get("frozen")))
        if "advance" in body:
            state.clock.advance(float(body["advance"]))
    return _clock_view(request)


@post("/__sim/faults", status_code=200)
async def faults_add(request: Request) -> Response:
    body = await _body(request)
    for item in body if isinstance(body, list) else [body]:
        sim_state(request).queue_fault(Fault(**item))
    return json_response({"queued": len(sim_state(request).faults)})


@get("/__sim/faults")
async def faults_list(request: Request) -> Response:
    return json_response([vars(f) for f in sim_state(request).faults])


@delete("/__sim/faults", status_code=200)
async def faults_clear(request: Request) -> Response:
    state = sim_state(request)
    with state.lock:
        state.faults.clear()
    return json_response({"queued": 0})


@post("/__sim/scripts", status_code=200)
async def scripts_add(request: Request) -> Response:
    body = await _body(request)
    for item in body if isinstance(body, list) else [body]:
        sim_state(request).queue_script(Script(**item))
    return json_response({"queued": len(sim_state(request).scripts)})


@post("/__sim/inbox", status_code=200)
async def inbox(request: Request) -> Response:
    body = await _body(request)
    state = sim_state(request)
    ids: list[int] = []
    if "directory" in body:
        ids += state.load_inbox(body["directory"], cif=body.get("cif"))
    for item in body.get("messages", []):
        message = processing.inject_message(
            state,
            content=item["xml"].encode(),
            cif=item.get("cif"),
            tip=item.get("tip", "FACTURA PRIMITA"),
            created_at=state.clock.now() - dt.timedelta(seconds=float(item.get("age_seconds", 0))),
            env=item.get("env"),
        )
        ids.append(message.id)
    return json_response({"ids": [str(i) for i in ids]})


@get("/__sim/requests")
async def requests_list(request: Request) -> Response:
    return json_response(sim_state(request).request_log())


@delete("/__sim/requests", status_code=200)
async def requests_clear(request: Request) -> Response:
    state = sim_state(request)
    with state.lock:
        state.requests.clear()
    return json_response({"cleared": True})


@post("/__sim/config", status_code=200)
async def config(request: Request) -> Response:
    state = sim_state(request)
    try:
        with state.lock:
            state.config.update(await _body(request))
    except KeyError as exc:
        return json_response({"error": str(exc)}, 400)
    return json_response(vars(state.config))


@post("/__sim/quota", status_code=200)
async def quota(request: Request) -> Response:
    body = await _body(request)
    sim_state(request).quota_set(body["kind"], str(body["key"]), int(body["count"]))
    return json_response({"ok": True})


@post("/__sim/clients", status_code=200)
async def clients(request: Request) -> Response:
    body = await _body(request)
    sim_state(request).register_client(body["client_id"], body["client_secret"], list(body["redirect_uris"]))
    return json_response({"ok": True})


@post("/__sim/tokens", status_code=200)
async def tokens(request: Request) -> Response:
    body = await _body(request)
    state = sim_state(request)
    subject = body.get("subject", state.config.subject)
    return json_response(issue_tokens(state, subject=subject, client_id=body.get("client_id", DEFAULT_CLIENT_ID)))


@get("/__sim/uploads")
async def uploads(request: Request) -> Response:
    state = sim_state(request)
    with state.lock:
        rows = [
            {
                "index_incarcare": str(u.index),
                "stare": u.stare,
                "env": u.env,
                "standard": u.standard,
                "cif": u.cif,
                "number": u.number,
                "id_descarcare": str(u.download_id) if u.download_id else None,
            }
            for u in sorted(state.uploads.values(), key=lambda u: u.index)
        ]
    return json_response(rows)


control_handlers = [
    reset,
    clock_get,
    clock_set,
    faults_add,
    faults_list,
    faults_clear,
    scripts_add,
    inbox,
    requests_list,
    requests_clear,
    config,
    quota,
    clients,
    tokens,
    uploads,
]
