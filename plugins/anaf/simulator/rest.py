"""ANAF e-Factura REST as the simulator plays it: ``upload`` (+ ``uploadb2c``), ``stareMesaj``,
``descarcare`` under ``/{test|prod}/FCTEL/rest/`` (../shared/providers/anaf.md §3.1, 3.2, 3.6).

Every business error is an HTTP 200 body in the endpoint's own error slot (XML ``Errors``,
JSON ``eroare``); only missing parameters give HTTP 400 Spring JSON. Door checks run in this
order: parameters, body, ``standard``, size, ``cif`` digits, flags, SPV rights, executari
register, XML parse + known root, RASP quota.
"""

from __future__ import annotations

import re

from litestar import Request, Response, get, post
from lxml import etree

from core.errors import UnsafeXmlError
from core.xmlsafe import parse_untrusted
from plugins.anaf.simulator import processing, texts
from plugins.anaf.simulator.documents import DocumentFacts, read_facts
from plugins.anaf.simulator.state import BUCHAREST, SimulatorState
from plugins.anaf.simulator.wire import (
    RESPONSE_FAULTS,
    apply_fault,
    json_response,
    rest_gate,
    sim_state,
    spring_error,
    xml_response,
)
from plugins.anaf.simulator.zipsig import broken_zip, build_zip

__all__ = ["rest_handlers"]

_MAX_UPLOAD = 10 * 1024 * 1024
_LINE_COLUMN = re.compile(r"line (\d+), column (\d+)")
_STANDARDS = ("UBL", "CN", "CII", "RASP")


def _upload_header(state: SimulatorState, **attributes: str) -> etree._Element:
    root = etree.Element(f"{{{texts.NS_UPLOAD}}}header", nsmap={None: texts.NS_UPLOAD})
    root.set("dateResponse", state.clock.local().strftime("%Y%m%d%H%M"))
    for key, value in attributes.items():
        root.set(key, value)
    return root


def _refusal(state: SimulatorState, text: str) -> Response:
    root = _upload_header(state, ExecutionStatus="1")
    etree.SubElement(root, f"{{{texts.NS_UPLOAD}}}Errors", errorMessage=text)
    return xml_response(root)


def _read(body: bytes) -> tuple[DocumentFacts | None, str | None]:
    """(facts, None) for a parseable document, else (None, SAX-style door text)."""
    try:
        root = parse_untrusted(body, max_bytes=_MAX_UPLOAD)
    except UnsafeXmlError as exc:
        where = _LINE_COLUMN.search(exc.message)
        line, column = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
        detail = "Content is not allowed in prolog." if not body.lstrip().startswith(b"<") else exc.message
        return None, texts.sax_error(line, column, detail)
    facts = read_facts(root)
    if facts.standard is None:
        line = root.sourceline or 1
        return None, texts.sax_error(line, len(facts.root) + 2, texts.undeclared_root(facts.root))
    return facts, None


async def _upload(request: Request) -> Response:
    env = request.path_params["env"]
    record = rest_gate(request)
    state = sim_state(request)
    query = request.query_params
    standard, cif = query.get("standard"), query.get("cif")
    if not standard or not cif:
        return spring_error(400, texts.UPLOAD_PARAMS_REQUIRED, state)
    body = await request.body()
    if not body.strip():
        return spring_error(400, texts.UPLOAD_BODY_REQUIRED, state)
    facts, sax_text = _read(body) if len(body) <= _MAX_UPLOAD else (None, None)
    fault = state.take_fault("upload", (facts.number if facts else None,))
    if fault is not None and fault.kind in RESPONSE_FAULTS:
        return await apply_fault(request, fault)  # type: ignore[return-value]
    if standard not in _STANDARDS:
        return _refusal(state, texts.STANDARD_VALUES)
    if len(body) > _MAX_UPLOAD:
        return _refusal(state, texts.TOO_BIG_10)
    if not cif.isdigit():
        return _refusal(state, texts.cif_not_a_number(cif))
    flags: dict[str, bool] = {}
    for name in ("extern", "autofactura", "executare"):
        value = query.get(name)
        if value is not None and value != "DA":
            return _refusal(state, texts.flag_value(name))
        flags[name] = value == "DA"
    if (rights := state.rights_error(record.subject, cif)) is not None:
        return _refusal(state, rights)
    if flags["executare"] and cif not in state.config.executari_register:
        return _refusal(state, texts.not_in_executari_register(cif))
    if facts is None:
        return _refusal(state, sax_text or texts.TOO_BIG_10)
    if standard == "RASP" and not state.quota_take("rasp", cif):
        return _refusal(state, texts.rasp_quota(state.config.quota["rasp"], cif))
    upload = processing.accept_upload(
        state, env=env, standard=standard, cif=cif, raw=body, facts=facts, autofactura=flags["autofactura"]
    )
    await apply_fault(request, fault)
    return xml_response(_upload_header(state, ExecutionStatus="0", index_incarcare=str(upload.index)))


@post("/{env:str}/FCTEL/rest/upload", status_code=200)
async def upload(request: Request) -> Response:
    return await _upload(request)


@post("/{env:str}/FCTEL/rest/uploadb2c", status_code=200)
async def upload_b2c(request: Request) -> Response:
    return await _upload(request)


def _stare_error(text: str) -> Response:
    root = etree.Element(f"{{{texts.NS_STARE}}}header", nsmap={None: texts.NS_STARE})
    root.set("ExecutionStatus", "1")
    etree.SubElement(root, f"{{{texts.NS_STARE}}}Errors", errorMessage=text)
    return xml_response(root)


@get("/{env:str}/FCTEL/rest/stareMesaj")
async def stare_mesaj(request: Request) -> Response:
    env = request.path_params["env"]
    record = rest_gate(request)
    state = sim_state(request)
    value = request.query_params.get("id_incarcare")
    if not value:
        return spring_error(400, texts.STARE_PARAM_REQUIRED, state)
    fault = state.take_fault("stareMesaj", (value,))
    if fault is not None and fault.kind in RESPONSE_FAULTS:
        return await apply_fault(request, fault)  # type: ignore[return-value]
    if not value.isdigit():
        return _stare_error(texts.stare_not_integer(value))
    if state.config.rights is not None and not state.config.rights.get(record.subject):
        return _stare_error(texts.NO_CIF_RIGHTS_STARE)
    found = state.uploads.get(int(value))
    if found is None or found.env != env:
        return _stare_error(texts.stare_unknown(value))
    if state.rights_error(record.subject, found.cif) is not None:
        return _stare_error(texts.stare_no_right(value))
    if not state.quota_take("stareMesaj", value):
        return _stare_error(texts.stare_quota(state.config.quota["stareMesaj"], value))
    processing.poll(state, found)
    root = etree.Element(f"{{{texts.NS_STARE}}}header", nsmap={None: texts.NS_STARE})
    root.set("stare", found.stare)
    if found.download_id is not None:
        root.set("id_descarcare", str(found.download_id))
    await apply_fault(request, fault)
    return xml_response(root)


def _download_error(text: str) -> Response:
    return json_response({"eroare": text, "titlu": texts.DOWNLOAD_TITLE})


@get("/{env:str}/FCTEL/rest/descarcare")
async def descarcare(request: Request) -> Response:
    env = request.path_params["env"]
    record = rest_gate(request)
    state = sim_state(request)
    value = request.query_params.get("id")
    if not value:
        return spring_error(400, texts.DOWNLOAD_PARAM_REQUIRED, state)
    fault = state.take_fault("descarcare", (value,))
    if fault is not None and fault.kind in RESPONSE_FAULTS:
        return await apply_fault(request, fault)  # type: ignore[return-value]
    if not value.isdigit():
        return _download_error(texts.download_not_integer(value))
    message = state.messages.get(int(value))
    if message is None or message.env not in (None, env):
        return _download_error(texts.download_unknown(value))
    if message.cif is not None and state.rights_error(record.subject, message.cif) is not None:
        return _download_error(texts.DOWNLOAD_NO_RIGHTS)
    if not state.quota_take("descarcare", value):
        return _download_error(texts.download_quota(state.config.quota["descarcare"]))
    index = str(message.id_solicitare)
    headers = {"Content-Disposition": f'attachment; filename="{message.id}.zip"'}
    kind = fault.kind if fault is not None else None
    if kind == "zip_json":
        body = b'{"eroare": "A aparut o eroare tehnica. Cod: 999", "titlu": "Descarcare mesaj"}'
        return Response(content=body, status_code=200, media_type="application/zip", headers=headers)
    if kind in ("zip_malformed", "zip_missing_entry", "zip_extra_entry"):
        content = broken_zip(kind, index, message.content)  # type: ignore[arg-type]
    else:
        content = build_zip(index, message.content, message.created_at.astimezone(BUCHAREST).replace(tzinfo=None))
        await apply_fault(request, fault)
    return Response(content=content, status_code=200, media_type="application/zip", headers=headers)


rest_handlers = [upload, upload_b2c, stare_mesaj, descarcare]
