"""Typed facade over the provider hooks: one function per hook, routed to exactly one plugin.

Together with :mod:`core.plugins` this is the only module that calls ``pm.hook``. The active
registry is set once at start (:func:`activate`); tests activate their own.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from core.errors import ConfigurationError
from core.model import Invoice
from core.plugins import PluginRegistry
from core.views import (
    CompanyRecord,
    Credentials,
    Event,
    IncomingBatch,
    ParsedDocument,
    ProviderContext,
    ProviderInfo,
    RenderedArtefact,
    SignatureCheck,
    StatusReport,
    SubmissionView,
    SubmitReceipt,
    ValidationPipeline,
)
from core.xmlsafe import parse_untrusted

__all__ = [
    "activate",
    "registry",
    "providers",
    "render",
    "validation_pipeline",
    "parse",
    "submit",
    "poll",
    "reconcile",
    "fetch_incoming",
    "lookup_company",
    "verify_signature",
    "settings_section",
    "authorize_url",
    "exchange_code",
    "check_access",
    "amend_pdf",
    "broadcast",
    "route_handlers",
]

log = logging.getLogger("storno.providers")
_registry: PluginRegistry | None = None
_trace = False
_settings_for: Callable[[str], dict[str, Any]] | None = None


def activate(reg: PluginRegistry, *, trace: bool = False) -> None:
    """Make ``reg`` the registry every facade call uses (``trace`` logs each routed call)."""
    global _registry, _trace
    _registry = reg
    _trace = trace


def use_settings(settings_for: Callable[[str], dict[str, Any]] | None) -> None:
    """Where provider settings sections come from when a facade call is given none
    (the app passes ``Services.provider_settings``, which includes the sandbox's URLs)."""
    global _settings_for
    _settings_for = settings_for


def registry() -> PluginRegistry:
    """The active registry. Raises ConfigurationError when none was activated."""
    if _registry is None:
        raise ConfigurationError("No plugins are loaded: the appliance was not started through its entry point.")
    return _registry


def providers() -> dict[str, ProviderInfo]:
    """Registered providers by code."""
    return dict(registry().providers)


def _caller(code: str, hook: str) -> Any:
    reg = registry()
    try:
        module = reg.module_for(code)
    except KeyError:
        raise ConfigurationError(f"Provider {code!r} is not loaded (see `storno plugins`).") from None
    others = [p for p in reg.pm.get_plugins() if p is not module]
    return reg.pm.subset_hook_caller(hook, remove_plugins=others)


def _dialect_owner(dialect: str) -> str:
    info = registry().provider_for_dialect(dialect)
    if info is None:
        raise ConfigurationError(f"No loaded provider renders the dialect {dialect!r}.")
    return info.code


def _timed(code: str, hook: str, started: float) -> None:
    if _trace:
        log.info("provider %s %s %.1f ms", code, hook, (time.perf_counter() - started) * 1000)


def render(document: Invoice, dialect: str) -> RenderedArtefact:
    """Render ``document`` in ``dialect`` through the owning plugin (``storno_render``)."""
    code = _dialect_owner(dialect)
    started = time.perf_counter()
    result = _caller(code, "storno_render")(document=document, dialect=dialect)
    _timed(code, "render", started)
    return result


def validation_pipeline(dialect: str) -> ValidationPipeline:
    """The official artefacts judging ``dialect``: the owning plugin's, else the core's defaults."""
    from core.validation import pipelines

    if dialect in pipelines.DEFAULT_PIPELINES:
        return pipelines.DEFAULT_PIPELINES[dialect]
    code = _dialect_owner(dialect)
    return _caller(code, "storno_validation_pipeline")(dialect=dialect)


def parse(payload: bytes) -> ParsedDocument:
    """Read an e-invoice file into the canonical model, routed by its root element.

    Raises :class:`core.errors.UnsafeXmlError` for unsafe or malformed XML and ``ValueError``
    when no loaded provider reads this kind of document.
    """
    root = parse_untrusted(payload)
    info = registry().provider_for_root(root.tag)
    if info is None:
        raise ValueError(f"No loaded provider reads documents whose root element is {root.tag}.")
    return _caller(info.code, "storno_parse")(payload=payload)


async def submit(submission: SubmissionView, artefact: bytes) -> SubmitReceipt:
    """``storno_submit`` routed by ``submission.provider``."""
    return await _caller(submission.provider, "storno_submit")(submission=submission, artefact=artefact)


async def poll(submission: SubmissionView) -> StatusReport:
    """``storno_poll`` routed by ``submission.provider``."""
    return await _caller(submission.provider, "storno_poll")(submission=submission)


async def reconcile(submission: SubmissionView) -> SubmitReceipt | None:
    """``storno_reconcile`` routed by ``submission.provider``."""
    return await _caller(submission.provider, "storno_reconcile")(submission=submission)


async def fetch_incoming(code: str, context: ProviderContext, cursor: str | None) -> IncomingBatch:
    """``storno_fetch_incoming`` routed to provider ``code``."""
    return await _caller(code, "storno_fetch_incoming")(context=context, cursor=cursor)


async def lookup_company(
    country: str, tax_id: str, settings: dict[str, Any] | Callable[[str], dict[str, Any]] | None = None
) -> CompanyRecord | None:
    """``storno_lookup_company`` routed to the provider whose ``ProviderInfo.country`` is ``country``.

    ``settings`` is handed to the plugin: the provider's settings section, or a function from
    provider code to it (``Services.provider_settings``; only this facade knows which provider
    serves ``country``); None lets the plugin use its defaults. Returns the public registry's
    record, or None when the registry does not know ``tax_id``, when no loaded provider serves
    ``country`` (or none implements the hook), or when no plugins were activated at all. Errors
    of the provider (``TransientProviderError``...) propagate.
    """
    if _registry is None:
        return None
    code = next((info.code for info in _registry.providers.values() if info.country == country.upper()), None)
    if code is None:
        return None
    if settings is None:
        settings = _settings_for
    section = settings(code) if callable(settings) else settings
    started = time.perf_counter()
    result = _caller(code, "storno_lookup_company")(country=country.upper(), tax_id=tax_id, settings=section)
    if inspect.isawaitable(result):  # firstresult over async impls hands back the coroutine
        result = await result
    _timed(code, "lookup_company", started)
    return result


async def verify_signature(
    code: str, content: bytes, signature: bytes, settings: dict[str, Any] | Callable[[str], dict[str, Any]] | None = None
) -> SignatureCheck | None:
    """``storno_verify_signature`` routed to provider ``code``; None when ``code`` is not loaded or
    does not implement the hook (no signature check is offered for it).

    ``settings``: the provider's settings section or a function from code to it (default: the
    one given to :func:`use_settings`). Errors of the provider (``TransientProviderError``...)
    propagate."""
    reg = registry()
    if code not in reg.providers:
        return None
    caller = _caller(code, "storno_verify_signature")
    if not caller.get_hookimpls():
        return None
    started = time.perf_counter()
    chosen = settings if settings is not None else _settings_for
    section = chosen(code) if callable(chosen) else chosen
    result = caller(content=content, signature=signature, settings=section)
    if inspect.isawaitable(result):  # firstresult over async impls hands back the coroutine
        result = await result
    _timed(code, "verify_signature", started)
    return result


def settings_section(code: str) -> dict[str, Any] | None:
    """Provider ``code``'s settings section as given to :func:`use_settings` (None when none was)."""
    return _settings_for(code) if _settings_for is not None else None


def _loaded_with(code: str, hook: str) -> Any:
    """The hook caller of provider ``code``, or None when it is not loaded or lacks the hook."""
    if _registry is None or code not in _registry.providers:
        return None
    caller = _caller(code, hook)
    return caller if caller.get_hookimpls() else None


def authorize_url(code: str, state: str) -> str | None:
    """``storno_authorize_url`` routed to provider ``code`` with its settings section; None when
    the provider is not loaded or offers no browser authorisation."""
    caller = _loaded_with(code, "storno_authorize_url")
    return None if caller is None else caller(settings=settings_section(code), state=state)


async def exchange_code(code: str, authorization_code: str) -> Credentials:
    """``storno_exchange_code`` routed to provider ``code``. Raises ConfigurationError when the
    provider is not loaded or cannot exchange codes; provider errors propagate."""
    caller = _loaded_with(code, "storno_exchange_code")
    if caller is None:
        raise ConfigurationError(f"Provider {code!r} cannot complete an authorisation (see `storno plugins`).")
    result = caller(settings=settings_section(code), code=authorization_code)
    return await result if inspect.isawaitable(result) else result


async def check_access(code: str, context: ProviderContext, tax_id: str) -> str | None:
    """``storno_check_access`` routed to provider ``code``: None when access to ``tax_id`` is
    confirmed, else the refusal sentence. Raises ConfigurationError when the provider is not
    loaded or cannot check access; provider errors propagate."""
    caller = _loaded_with(code, "storno_check_access")
    if caller is None:
        raise ConfigurationError(f"Provider {code!r} cannot check access rights (see `storno plugins`).")
    started = time.perf_counter()
    result = caller(context=context, tax_id=tax_id)
    if inspect.isawaitable(result):
        result = await result
    _timed(code, "check_access", started)
    return result


def amend_pdf(code: str, document: Invoice, pdf: bytes, xml: bytes) -> bytes:
    """``storno_amend_pdf`` routed to provider ``code``: the amended PDF, or ``pdf`` unchanged."""
    result = _caller(code, "storno_amend_pdf")(document=document, pdf=pdf, xml=xml)
    return pdf if result is None else result


def broadcast(event: Event) -> None:
    """Broadcast ``storno_event`` to every plugin; a failing observer is logged, never raised."""
    try:
        registry().pm.hook.storno_event(event=event)
    except Exception:
        log.exception("a plugin failed while observing %s", event.name)


def route_handlers() -> list[tuple[str, list[Any]]]:
    """Route handlers each provider plugin mounts, as ``(code, handlers)`` pairs."""
    reg = registry()
    out: list[tuple[str, list[Any]]] = []
    for code in reg.providers:
        handlers = _caller(code, "storno_register_routes")()
        flat = [h for group in handlers for h in (group or [])]
        if flat:
            out.append((code, flat))
    return out
