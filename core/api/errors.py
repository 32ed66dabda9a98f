"""Mapping of every error to the contract's HTTP responses, in one place (objects.md §1)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, SerializationException, ValidationException

from core.errors import StornoError, TooManyRequests, UnsafeXmlError

log = logging.getLogger("storno.api")

__all__ = ["exception_handlers"]


def _storno(_: Request, exc: StornoError) -> Response[Any]:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    return Response(exc.body(), status_code=exc.status, headers=headers)


#: Where a parameter comes from when it is not the body (Litestar's ``source`` of a failed field).
_PARAMETER_SOURCES = {"query", "path", "header", "cookie"}


def _validation(_: Request, exc: ValidationException) -> Response[Any]:
    # Wrong body fields or types: 400 (objects.md §1 status usage); an invalid query, path or header
    # parameter (unknown filter value, out-of-range page or limit): 422. Shape A with the details.
    details = exc.extra if isinstance(exc.extra, list) else []
    message = "Invalid request: " + "; ".join(
        f"{d.get('key') or 'body'}: {d.get('message')}" for d in details if isinstance(d, dict)
    ) if details else f"Invalid request: {exc.detail}"
    sources = {d.get("source") for d in details if isinstance(d, dict)}
    status = 422 if sources and sources <= _PARAMETER_SOURCES else 400
    return Response({"error": message, "code": "invalid_request", "details": details}, status_code=status)


def _http(_: Request, exc: HTTPException) -> Response[Any]:
    if exc.status_code == 413:
        return Response({"error": "Request body is too large.", "code": "FILE_TOO_LARGE"}, status_code=413)
    if isinstance(exc.__cause__, SerializationException):  # the body could not be decoded at all
        return Response({"error": f"The request body is not valid JSON: {exc.detail}", "code": "invalid_json"}, status_code=400)
    if isinstance(exc, NotAuthorizedException):
        return Response({"code": 401, "message": exc.detail or "JWT Token not found"}, status_code=401)
    if isinstance(exc, NotFoundException):
        return Response({"error": exc.detail or "Not found."}, status_code=404)
    return Response({"error": exc.detail}, status_code=exc.status_code)


def _unexpected(_: Request, exc: Exception) -> Response[Any]:
    log.exception("unhandled error", exc_info=exc)
    return Response({"error": "Internal server error."}, status_code=500)


exception_handlers: dict[Any, Any] = {
    StornoError: _storno,
    UnsafeXmlError: _storno,
    ValidationException: _validation,
    HTTPException: _http,
    Exception: _unexpected,
}
