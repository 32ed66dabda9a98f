"""Run the ANAF simulator on a loopback port in a background thread (uvicorn, h11).

    with SimulatorServer() as sim:
        settings = AnafSettings(oauth_base_url=sim.base_url, api_base_url=sim.base_url, ...)
        sim.state.load_inbox("../shared/conformance/cius-ro/examples/ubl")

``port=0`` picks a free port. :meth:`start` returns once the port accepts connections.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from plugins.anaf.simulator.app import create_app
from plugins.anaf.simulator.state import SimulatorState

__all__ = ["SimulatorServer"]


class SimulatorServer:
    """A running simulator: ``.base_url`` (``http://127.0.0.1:<port>``), ``.state``, start/stop."""

    def __init__(self, state: SimulatorState | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = state or SimulatorState()
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> SimulatorServer:
        """Bind, serve in a daemon thread, and wait until the port answers (RuntimeError if not)."""
        if self._server is not None:
            return self
        sock = socket.socket(
            socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )  # proto set: asyncio then enables TCP_NODELAY
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.state), http="h11", lifespan="off", log_level="critical", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="anaf-simulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._server.started:
                try:
                    socket.create_connection((self.host, self.port), timeout=0.5).close()
                    return self
                except OSError:
                    pass
            if not self._thread.is_alive():
                break
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"the ANAF simulator did not start on {self.base_url}")

    def stop(self, timeout: float = 5.0) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._server, self._thread = None, None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
