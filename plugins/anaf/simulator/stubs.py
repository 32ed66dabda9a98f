"""Validation, XML→PDF and signature-check stubs (../shared/providers/anaf.md §3.7–3.9, §7.7).

``/validare/{FACT1|FCN}`` answers ``{"stare":"ok"|"nok", ...}`` JSON with HTTP 200 (messages from
``state.validator`` when set, else only well-formedness); ``/transformare/{std}[/DA]`` returns a
tiny fixed PDF or the ``nok`` JSON; ``/api/validate/signature`` (multipart ``file`` +
``signature``, no auth) says whether the signature was produced by this simulator for that file.
"""

from __future__ import annotations

import uuid

from litestar import Request, Response, post

from core.errors import UnsafeXmlError
from core.xmlsafe import parse_untrusted
from plugins.anaf.simulator import texts
from plugins.anaf.simulator.wire import json_response, rest_gate, sim_state
from plugins.anaf.simulator.zipsig import verify_signature

__all__ = ["stub_handlers", "TINY_PDF"]

_MAX = 5 * 1024 * 1024

#: A one-page blank PDF (valid enough for viewers; the content is not a rendering of the invoice).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


async def _judge(request: Request, std: str, *, validate: bool) -> list[str]:
    """The ``nok`` messages for the body (empty: ``ok``)."""
    if std not in ("FACT1", "FCN"):
        return [texts.VALIDARE_STANDARD_VALUES]
    body = await request.body()
    if len(body) > _MAX:
        return [texts.TOO_BIG_5]
    try:
        parse_untrusted(body, max_bytes=_MAX)
    except UnsafeXmlError as exc:
        return [f"E: validari globale  SCHEMA   eroare: {exc.message}"]
    validator = sim_state(request).validator
    if validate and validator is not None:
        return list(validator(body))
    return []


def _nok(messages: list[str]) -> Response:
    return json_response(
        {"stare": "nok", "Messages": [{"message": m} for m in messages], "trace_id": str(uuid.uuid4())}
    )


@post("/{env:str}/FCTEL/rest/validare/{std:str}", status_code=200)
async def validare(request: Request) -> Response:
    std = request.path_params["std"]
    rest_gate(request)
    messages = await _judge(request, std, validate=True)
    if messages:
        return _nok(messages)
    return json_response({"stare": "ok", "trace_id": str(uuid.uuid4())})


async def _transform(request: Request, std: str, *, validate: bool) -> Response:
    rest_gate(request)
    messages = await _judge(request, std, validate=validate)
    if messages:
        return _nok(messages)
    return Response(content=TINY_PDF, status_code=200, media_type="application/pdf")


@post("/{env:str}/FCTEL/rest/transformare/{std:str}", status_code=200)
async def transformare(request: Request) -> Response:
    std = request.path_params["std"]
    return await _transform(request, std, validate=True)


@post("/{env:str}/FCTEL/rest/transformare/{std:str}/DA", status_code=200)
async def transformare_fara_validare(request: Request) -> Response:
    std = request.path_params["std"]
    return await _transform(request, std, validate=False)


@post("/api/validate/signature", status_code=200)
async def validate_signature(request: Request) -> Response:
    form = await request.form()
    parts = {}
    for name in ("file", "signature"):
        upload = form.get(name)
        parts[name] = await upload.read() if hasattr(upload, "read") else str(upload or "").encode()
    valid = bool(parts["file"]) and verify_signature(parts["file"], parts["signature"])
    return json_response({"msg": texts.SIGNATURE_OK if valid else texts.SIGNATURE_NOK})


stub_handlers = [validare, transformare, transformare_fara_validare, validate_signature]
