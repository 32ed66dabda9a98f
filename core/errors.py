"""The error tree of the appliance, mapped to HTTP responses in one place.

Every error raised by a service carries its HTTP status and the JSON body of the API contract
(``../shared/api/objects.md`` §1): shape A ``{"error": text, "code"?: machine code, ...}`` unless
a subclass says otherwise. Controllers never build error bodies themselves;
:func:`core.api.errors.exception_handlers` turns these into responses.

Provider errors (raised by plugins' transports) are not HTTP errors: the submission jobs sort them
into retry-able (:class:`TransientProviderError`), permanent (:class:`PermanentProviderError`) and
outcome-unknown (:class:`ProviderTimeout`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class StornoError(Exception):
    """Base of every expected error. ``status`` is the HTTP status; ``code`` a machine code or None."""

    status: int = 400
    code: str | None = None

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body (shape A)."""
        body: dict[str, Any] = {"error": self.message}
        if self.code:
            body["code"] = self.code
        body.update(self.extra)
        return body


class BadRequest(StornoError):
    """400: missing or malformed input."""


class UnsafeXmlError(BadRequest):
    """400: XML that is oversized, not well-formed, or carries a DOCTYPE/entities."""

    code = "PARSE_ERROR"


class Unauthorized(StornoError):
    """401: no, invalid or expired credentials (lexik shape E)."""

    status = 401

    def body(self) -> dict[str, Any]:
        return {"code": 401, "message": self.message}


class PaymentRequired(StornoError):
    """402: a plan or licence limit (``PLAN_LIMIT``)."""

    status = 402
    code = "PLAN_LIMIT"


class Forbidden(StornoError):
    """403: authenticated but not allowed (including a company the caller may not access)."""

    status = 403


class InvalidApiToken(Forbidden):
    """403 shape F (objects.md §1, §8.3): an ``Authorization`` value that is not a valid API key
    (unknown, malformed, revoked or expired). ``message`` is the reason given as ``detail``."""

    def body(self) -> dict[str, Any]:
        return {
            "status_code": 403,
            "detail": self.message or None,
            "message": "Invalid API Token",
            "error_code": "AUTH_HEADER_TOKEN",
        }


class ReadOnlyCompany(Forbidden):
    """403 shape I (objects.md §1, §8.4): a write to a company made read-only because the
    appliance holds more companies than the licence allows. Problem-style body (RFC 9457 members
    ``type``, ``title``, ``status``, ``detail``) with ``detail`` ``company.readOnly``; ``message``
    goes in ``error`` too, so shape-A clients still read a sentence."""

    def body(self) -> dict[str, Any]:
        return {
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.4",
            "title": "Forbidden",
            "status": 403,
            "detail": "company.readOnly",
            "error": self.message,
        }


class NotFound(StornoError):
    """404: unknown resource."""

    status = 404


class Conflict(StornoError):
    """409: duplicates (series prefix, CIF, idempotency key reused with another body)."""

    status = 409


class Gone(StornoError):
    """410: the resource existed but its stored content is gone."""

    status = 410


class Unprocessable(StornoError):
    """422: a domain rule forbids the action (state transition, overpayment, ...)."""

    status = 422


class InvalidQuery(Unprocessable):
    """422: a query parameter has a value the operation cannot use (issue 3: lists answer 422 on
    an invalid query parameter, like Litestar's own parameter validation in core.api.errors)."""


class FieldErrors(StornoError):
    """Field-level validation of a client/product body: shape B ``{"errors": [{"key", "message"}]}``.

    ``errors`` are ``(key, message)`` pairs, ``key`` the camelCase JSON field. Status 422 for
    clients, 400 for products (objects.md §1).
    """

    status = 422

    def __init__(self, errors: list[tuple[str, str]], *, status: int = 422) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors))
        self.errors = errors
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"errors": [{"key": key, "message": message} for key, message in self.errors]}


class InvalidTransition(Unprocessable):
    """422: the document's state does not allow the action; the message names both states."""

    def __init__(self, kind: str, action: str, current: str, allowed: tuple[str, ...] | str) -> None:
        allowed_text = allowed if isinstance(allowed, str) else ", ".join(allowed)
        super().__init__(
            f"Cannot {action} a {kind} in status '{current}'; allowed from: {allowed_text}.",
            code="invalid_transition",
        )


class ValidationFailed(Unprocessable):
    """422: the document failed validation; body is the validation result (shape C)."""

    def __init__(self, message: str, result: dict[str, Any]) -> None:
        super().__init__(message)
        self.result = result

    def body(self) -> dict[str, Any]:
        return {"error": self.message, **self.result}


class TooManyRequests(StornoError):
    """429: a rate limit or cooldown; ``retry_after`` seconds go into ``Retry-After``."""

    status = 429

    def __init__(self, message: str = "Too many requests.", *, retry_after: int = 60, code: str | None = None) -> None:
        super().__init__(message, code=code, retryAfter=retry_after)
        self.retry_after = retry_after


class ServiceUnavailable(StornoError):
    """503: a lookup service (ANAF registry, VIES) did not answer."""

    status = 503


# --- configuration, artefacts, licence (command line: one sentence, non-zero exit) ---------------


class ConfigurationError(Exception):
    """A setting is missing or invalid; the message is one sentence for the operator."""


class ArtifactError(Exception):
    """Validation artefacts are missing, unreadable or altered (SHA-256 mismatch)."""


class LicenseError(Exception):
    """The licence is missing, invalid, expired beyond grace, or does not cover this use."""


# --- provider (transport) errors ---------------------------------------------------------------


class ProviderError(Exception):
    """Base of errors raised by provider transports. ``messages`` are the provider's own texts."""

    def __init__(self, message: str, *, messages: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.messages = messages or (message,)


class TransientProviderError(ProviderError):
    """Retry later (network error, 5xx, 429, quota): nothing was accepted by the provider.

    ``retry_at`` (UTC) when the provider says when to come back (Retry-After, daily quota reset).
    """

    def __init__(self, message: str, *, retry_at: dt.datetime | None = None, messages: tuple[str, ...] = ()) -> None:
        super().__init__(message, messages=messages)
        self.retry_at = retry_at


class PermanentProviderError(ProviderError):
    """The provider refused the request for good (door-level refusal, no rights, bad input)."""


class ProviderTimeout(ProviderError):
    """The request may or may not have reached the provider: the outcome is ``unknown``."""


class AuthorizationRequired(PermanentProviderError):
    """The provider credentials are missing or can no longer be refreshed; a person must re-authorise."""
