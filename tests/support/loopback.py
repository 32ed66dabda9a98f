"""A small HTTP server on 127.0.0.1 (a free port, its own thread) standing in for a remote service
in tests: Google's JWKS endpoint, the EC's VIES REST service…"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Handler", "serving"]


class Handler(BaseHTTPRequestHandler):
    """Base of a stand-in's handler: silent, with :meth:`send` for a complete answer."""

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def send(self, status: int, body: object, content_type: str = "application/json") -> None:
        """Answer ``status`` with ``body``: bytes as they are, anything else as JSON."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` until the block ends; yields the base URL ``http://127.0.0.1:<port>``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
