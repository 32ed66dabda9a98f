"""Saxon on one dedicated thread per process.

saxonche does not run transforms in parallel across threads, and a crash has been reported when it
is driven from several threads of one host. So every Saxon call of the process (creating the
processor, compiling, parsing, transforming) happens on a single worker thread owned by this
module; callers on any thread hand it work with :func:`call` (blocking) or :func:`submit`
(a ``concurrent.futures.Future``, awaitable through ``asyncio.wrap_future``).

Compiled stylesheets are cached by absolute file path for the life of the process: the CIUS-RO
bundle takes about 1 s and 130 MB to compile, a transform then 20–30 ms. After ``fork`` the child
starts with no thread and an empty cache (a Saxon processor does not survive ``fork``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from saxonche import PySaxonApiError, PySaxonProcessor

from core.errors import ArtifactError

__all__ = ["call", "compile_stylesheet", "on_worker", "submit", "transform"]

T = TypeVar("T")

_THREAD_NAME = "storno-saxon"
_local = threading.local()  # ``worker`` is True on the dedicated thread only
_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_state: dict[str, Any] = {}  # only touched on the worker thread: "processor", "xslt", "compiled"


def _forget() -> None:
    global _executor, _lock
    _executor = None
    _lock = threading.Lock()
    _state.clear()


os.register_at_fork(after_in_child=_forget)


def _mark_worker() -> None:
    _local.worker = True


def on_worker() -> bool:
    """True when the current thread is the dedicated validation thread."""
    return getattr(_local, "worker", False)


def submit(fn: Callable[..., T], /, *args: Any) -> Future[T]:
    """Run ``fn(*args)`` on the dedicated thread; returns its Future (exceptions propagate)."""
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_THREAD_NAME, initializer=_mark_worker)
        return _executor.submit(fn, *args)


def call(fn: Callable[..., T], /, *args: Any) -> T:
    """Run ``fn(*args)`` on the dedicated thread and wait for its result (inline when already there)."""
    if on_worker():
        return fn(*args)
    return submit(fn, *args).result()


def _require_worker() -> None:
    if not on_worker():
        raise RuntimeError("Saxon may only be used on the dedicated validation thread; use saxon.call().")


def _processor() -> PySaxonProcessor:
    if "processor" not in _state:
        _state["processor"] = PySaxonProcessor(license=False)
        _state["xslt"] = _state["processor"].new_xslt30_processor()
        _state["compiled"] = {}
    return _state["processor"]


def compile_stylesheet(path: Path) -> float:
    """Compile the XSLT 2.0/3.0 stylesheet at ``path`` once per process (worker thread only).

    Returns the milliseconds spent now (0.0 when it was already compiled). Raises
    :class:`ArtifactError` when Saxon cannot compile it.
    """
    _require_worker()
    _processor()
    key = str(path)
    if key in _state["compiled"]:
        return 0.0
    started = time.perf_counter()
    try:
        _state["compiled"][key] = _state["xslt"].compile_stylesheet(stylesheet_file=key)
    except PySaxonApiError as exc:
        raise ArtifactError(f"The stylesheet {path.name} does not compile: {exc}.") from None
    return (time.perf_counter() - started) * 1000


def transform(path: Path, xml_text: str) -> str:
    """Apply the stylesheet at ``path`` to the document ``xml_text``; returns the output (SVRL) text.

    Worker thread only. ``xml_text`` must already have passed :func:`core.xmlsafe.parse_untrusted`
    (no DOCTYPE, so Saxon's parser has no entity to expand). Raises ``PySaxonApiError`` on a
    dynamic error of the stylesheet.
    """
    compile_stylesheet(path)
    node = _processor().parse_xml(xml_text=xml_text)
    return _state["compiled"][str(path)].transform_to_string(xdm_node=node)
