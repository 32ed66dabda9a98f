"""Running the web app on a loopback port in a background thread (demo, tests, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

__all__ = ["BackgroundServer"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BackgroundServer:
    """uvicorn serving ``app`` on ``127.0.0.1:<free port>`` with its lifespan; a context manager.

    ``url`` is the base URL. Entering waits until the app has started (RuntimeError after
    ``timeout`` seconds or if start-up failed); leaving shuts it down gracefully.
    """

    def __init__(self, app: Any, *, timeout: float = 60.0) -> None:
        import uvicorn

        self.port = _free_port()
        self.timeout = timeout
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, name="appliance", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + self.timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the appliance did not start (see the log above)")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
