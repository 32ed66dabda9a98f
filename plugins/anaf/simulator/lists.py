"""ANAF message lists as the simulator plays them: ``listaMesajeFactura`` (``zile`` 1..60, at most
500 messages) and ``listaMesajePaginatieFactura`` (epoch-millisecond window ≤ 60 days back,
1-based pages of 500) — ../shared/providers/anaf.md §3.3–3.5, §7.4.

Business errors are HTTP 200 ``{"eroare": …, "titlu": "Lista Mesaje"}``, "no messages" included;
message values are strings; ``data_creare`` is ``yyyyMMddHHmm`` Romanian local time.
"""

from __future__ import annotations

import datetime as dt
import math

from litestar import Request, Response, get

from plugins.anaf.simulator import texts
from plugins.anaf.simulator.processing import data_creare
from plugins.anaf.simulator.state import BUCHAREST, Message, SimulatorState, TokenRecord
from plugins.anaf.simulator.wire import RESPONSE_FAULTS, apply_fault, json_response, rest_gate, sim_state, spring_error

__all__ = ["list_handlers", "PAGE_SIZE", "SERIAL"]

PAGE_SIZE = 500
SERIAL = "SIM0000001"  # serial of the (simulated) certificate behind the token


def _error(text: str) -> Response:
    return json_response({"eroare": text, "titlu": texts.LIST_TITLE})


def _mailbox(
    state: SimulatorState, env: str, cif: str, filtru: str | None, start: dt.datetime, end: dt.datetime
) -> list[Message]:
    tips = texts.FILTRU_TIP[filtru] if filtru else None
    with state.lock:
        found = [
            m
            for m in state.messages.values()
            if m.env in (None, env)
            and m.cif in (None, cif)
            and (tips is None or m.tip in tips)
            and start <= m.created_at <= end
        ]
    return sorted(found, key=lambda m: (m.created_at, m.id))


def _as_json(message: Message, cif: str) -> dict[str, str]:
    return {
        "data_creare": data_creare(message.created_at),
        "cif": message.cif or cif,
        "id_solicitare": str(message.id_solicitare),
        "detalii": message.detalii,
        "tip": message.tip,
        "id": str(message.id),
    }


def _common_checks(state: SimulatorState, record: TokenRecord, cif: str, filtru: str | None) -> str | None:
    """Errors shared by both endpoints, in ANAF's order; None when the call may proceed."""
    if not cif.isdigit():
        return texts.cif_not_a_number(cif)
    if filtru is not None and filtru not in texts.FILTRU_TIP:
        return texts.FILTRU_VALUES
    return state.rights_error(record.subject, cif)


@get("/{env:str}/FCTEL/rest/listaMesajeFactura")
async def lista_mesaje(request: Request) -> Response:
    env = request.path_params["env"]
    record = rest_gate(request)
    state = sim_state(request)
    query = request.query_params
    zile, cif, filtru = query.get("zile"), query.get("cif"), query.get("filtru")
    if not zile or not cif:
        return spring_error(400, texts.LIST_PARAMS_REQUIRED, state)
    fault = state.take_fault("lista", (cif,))
    if fault is not None and fault.kind in RESPONSE_FAULTS:
        return await apply_fault(request, fault)  # type: ignore[return-value]
    if not cif.isdigit():
        return _error(texts.cif_not_a_number(cif))
    try:
        days = int(zile)
    except ValueError:
        return _error(texts.days_not_integer(zile))
    if not 1 <= days <= 60:
        return _error(texts.DAYS_RANGE)
    if (problem := _common_checks(state, record, cif, filtru)) is not None:
        return _error(problem)
    if not state.quota_take("lista", cif):
        return _error(texts.list_quota(state.config.quota["lista"]))
    now = state.clock.now()
    found = _mailbox(state, env, cif, filtru, now - dt.timedelta(days=days), now)
    await apply_fault(request, fault)
    if len(found) > PAGE_SIZE:
        return _error(texts.TOO_MANY_MESSAGES)
    if not found:
        return _error(texts.no_messages_days(days))
    return json_response(
        {
            "mesaje": [_as_json(m, cif) for m in found],
            "serial": SERIAL,
            "cui": cif,
            "titlu": texts.list_title_days(days),
        }
    )


def _ms(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(value) / 1000, dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _local(when: dt.datetime) -> str:
    return when.astimezone(BUCHAREST).strftime("%d-%m-%Y %H:%M:%S")


@get("/{env:str}/FCTEL/rest/listaMesajePaginatieFactura")
async def lista_mesaje_paginatie(request: Request) -> Response:
    env = request.path_params["env"]
    record = rest_gate(request)
    state = sim_state(request)
    query = request.query_params
    raw_start, raw_end, cif, raw_page = (query.get(k) for k in ("startTime", "endTime", "cif", "pagina"))
    filtru = query.get("filtru")
    if not raw_start or not raw_end or not cif or not raw_page:
        return spring_error(400, texts.PAGED_PARAMS_REQUIRED, state)
    fault = state.take_fault("listaPaginatie", (cif,))
    if fault is not None and fault.kind in RESPONSE_FAULTS:
        return await apply_fault(request, fault)  # type: ignore[return-value]
    start, end = _ms(raw_start), _ms(raw_end)
    if start is None:
        return _error(texts.time_not_number("startTime", raw_start))
    if end is None:
        return _error(texts.time_not_number("endTime", raw_end))
    if not raw_page.isdigit():
        return _error(texts.page_not_integer(raw_page))
    page = int(raw_page)
    now = state.clock.now()
    if start < now - dt.timedelta(days=60):
        return _error(texts.start_too_old(raw_start))
    if end <= start:
        return _error(texts.end_before_start(raw_end, raw_start))
    if end > now:
        return _error(texts.end_in_future(raw_end))
    if (problem := _common_checks(state, record, cif, filtru)) is not None:
        return _error(problem)
    if not state.quota_take("listaPaginatie", cif):
        return _error(texts.paged_quota(state.config.quota["listaPaginatie"], cif))
    found = _mailbox(state, env, cif, filtru, start, end)
    await apply_fault(request, fault)
    if not found:
        return _error(texts.NO_MESSAGES_INTERVAL)
    pages = math.ceil(len(found) / PAGE_SIZE)
    if page < 1 or page > pages:
        return _error(texts.page_too_big(page, pages))
    chunk = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return json_response(
        {
            "mesaje": [_as_json(m, cif) for m in chunk],
            "numar_inregistrari_in_pagina": len(chunk),
            "numar_total_inregistrari_per_pagina": PAGE_SIZE,
            "numar_total_inregistrari": len(found),
            "numar_total_pagini": pages,
            "index_pagina_curenta": page,
            "serial": SERIAL,
            "cui": cif,
            "titlu": texts.list_title_interval(_local(start), _local(end)),
        }
    )


list_handlers = [lista_mesaje, lista_mesaje_paginatie]
